import { build } from 'hdr-histogram-js';
import { addParams, echoParams, isAddResult, isEchoResult } from './methods.js';
import { errorMessage, type LoadSpec, type RunResult } from './protocol.js';

/** One call's outcome in a batch: its result, or why it failed. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

/** What a contender's client must offer: one call, and closing everything it opened. */
export interface Caller {
  call(method: string, params: unknown): Promise<unknown>;
  /**
   * One JSON-RPC batch of calls to `method`, one per params; resolves with their outcomes in the
   * same order. Absent where the client cannot send batches.
   */
  batch?(method: string, params: unknown[]): Promise<Outcome[]>;
  close(): Promise<void>;
  /** Connections open now, where the client can tell (a pool decides for itself). */
  connections?(): number;
}

interface Tally {
  ok: number;
  wrong: number;
  failed: number;
  firstError: string | null;
}

function sleep(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

function shapes(spec: LoadSpec) {
  return spec.method === 'echo'
    ? { params: echoParams, check: isEchoResult }
    : { params: addParams, check: isAddResult };
}

interface Phase {
  /** Issue calls for at least this long (ms)… */
  minMs: number;
  /** …and until this many have completed… */
  minCalls: number;
  /** …but never for longer than this (ms). */
  maxMs: number;
  measure: boolean;
}

/**
 * `inflight` workers, each issuing its next call as soon as the previous one settles, for the
 * phase's time (and call count), at most `maxCalls` calls; then waits at most `drainMs` for the rest.
 */
async function closedLoop(caller: Caller, spec: LoadSpec, phase: Phase) {
  const { params, check } = shapes(spec);
  const tally: Tally = { ok: 0, wrong: 0, failed: 0, firstError: null };
  const histogram =
    phase.measure && spec.latency
      ? build({ highestTrackableValue: 60e9, numberOfSignificantValueDigits: 3 })
      : null;
  let issued = 0;
  let stopped = false;
  const start = performance.now();
  const end = start + phase.minMs;
  const hardEnd = start + Math.max(phase.minMs, phase.maxMs);
  const going = () => {
    if (stopped || issued >= spec.maxCalls) return false;
    const now = performance.now();
    if (now < end) return true;
    return tally.ok + tally.wrong + tally.failed < phase.minCalls && now < hardEnd;
  };
  const worker = async () => {
    while (going()) {
      const i = issued++;
      const t0 = histogram === null ? 0 : performance.now();
      try {
        const value = await caller.call(spec.method, params(i));
        if (histogram !== null) histogram.recordValue(Math.round((performance.now() - t0) * 1e6));
        if (check(i, value)) tally.ok++;
        else tally.wrong++;
      } catch (err) {
        tally.failed++;
        tally.firstError ??= errorMessage(err);
      }
    }
  };
  // Batches: each worker keeps one batch of `spec.batch` calls in flight, every call checked.
  const batchWorker = async () => {
    const n = spec.batch;
    const send = caller.batch!.bind(caller);
    while (going()) {
      const i = issued;
      issued += n;
      const list = Array.from({ length: n }, (_, k) => params(i + k));
      const t0 = histogram === null ? 0 : performance.now();
      try {
        const outcomes = await send(spec.method, list);
        if (histogram !== null) histogram.recordValue(Math.round((performance.now() - t0) * 1e6));
        for (let k = 0; k < n; k++) {
          const outcome = outcomes[k];
          if (outcome === undefined || !outcome.ok) {
            tally.failed++;
            tally.firstError ??= outcome === undefined ? 'no answer in the batch' : outcome.error;
          } else if (check(i + k, outcome.value)) tally.ok++;
          else tally.wrong++;
        }
      } catch (err) {
        tally.failed += n;
        tally.firstError ??= errorMessage(err);
      }
    }
  };
  const deadline = sleep(hardEnd - start + spec.drainMs);
  const workers =
    spec.batch > 1
      ? Array.from({ length: Math.ceil(spec.inflight / spec.batch) }, batchWorker)
      : Array.from({ length: spec.inflight }, worker);
  await Promise.race([Promise.all(workers), deadline.promise]);
  deadline.cancel();
  stopped = true;
  const elapsedMs = performance.now() - start;
  const outstanding = issued - tally.ok - tally.wrong - tally.failed;
  if (outstanding > 0) {
    tally.failed += outstanding;
    tally.firstError ??= `${outstanding} calls unanswered ${spec.drainMs} ms after the run`;
  }
  let latency: RunResult['latency'] = null;
  if (histogram !== null) {
    latency = {
      meanUs: histogram.mean / 1e3,
      p50Us: histogram.getValueAtPercentile(50) / 1e3,
      p99Us: histogram.getValueAtPercentile(99) / 1e3,
      maxUs: histogram.maxValue / 1e3,
    };
    histogram.destroy();
  }
  return result(tally, elapsedMs, latency);
}

/** `calls` calls issued at once; waits for all to settle, at most `drainMs`. */
async function burst(caller: Caller, spec: LoadSpec, calls: number) {
  const { params, check } = shapes(spec);
  const tally: Tally = { ok: 0, wrong: 0, failed: 0, firstError: null };
  let settled = 0;
  let allSettled: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allSettled = resolve;
  });
  const start = performance.now();
  let elapsedMs = 0;
  const settle = () => {
    if (++settled === calls) {
      elapsedMs = performance.now() - start;
      allSettled();
    }
  };
  for (let i = 0; i < calls; i++) {
    let pending: Promise<unknown>;
    try {
      pending = caller.call(spec.method, params(i));
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (value) => {
        if (check(i, value)) tally.ok++;
        else tally.wrong++;
        settle();
      },
      (err: unknown) => {
        tally.failed++;
        tally.firstError ??= errorMessage(err);
        settle();
      },
    );
  }
  const deadline = sleep(spec.drainMs);
  await Promise.race([done, deadline.promise]);
  deadline.cancel();
  if (settled < calls) {
    elapsedMs = performance.now() - start;
    const outstanding = calls - settled;
    tally.failed += outstanding;
    tally.firstError ??= `${outstanding} calls unanswered after ${spec.drainMs} ms`;
  }
  return result(tally, elapsedMs, null);
}

function result(tally: Tally, elapsedMs: number, latency: RunResult['latency']): RunResult {
  return {
    connections: null,
    ok: tally.ok,
    wrong: tally.wrong,
    failed: tally.failed,
    elapsedMs,
    callsPerSec: elapsedMs > 0 ? (tally.ok * 1000) / elapsedMs : 0,
    latency,
    firstError: tally.firstError,
  };
}

/** One run: an unmeasured warm-up, then the measured phase. */
export async function runLoad(caller: Caller, spec: LoadSpec): Promise<RunResult> {
  const measured = await warmAndMeasure(caller, spec);
  measured.connections = caller.connections?.() ?? null;
  return measured;
}

async function warmAndMeasure(caller: Caller, spec: LoadSpec): Promise<RunResult> {
  if (spec.batch > 1 && (spec.kind === 'burst' || caller.batch === undefined)) {
    throw new Error(
      spec.kind === 'burst'
        ? 'batches are for closed-loop runs'
        : 'this client cannot send batches',
    );
  }
  if (spec.kind === 'burst') {
    if (spec.warmupMs > 0) await burst(caller, spec, Math.ceil(spec.burstCalls / 10));
    return burst(caller, spec, spec.burstCalls);
  }
  if (spec.warmupMs > 0) {
    await closedLoop(caller, spec, {
      minMs: spec.warmupMs,
      minCalls: spec.warmupCalls,
      maxMs: spec.warmupMaxMs,
      measure: false,
    });
  }
  const d = spec.durationMs;
  return closedLoop(caller, spec, { minMs: d, minCalls: 0, maxMs: d, measure: true });
}
