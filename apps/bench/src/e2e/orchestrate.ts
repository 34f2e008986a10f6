import { join } from 'node:path';
import { Child } from './children.js';
import {
  CEILING,
  type Contender,
  contenders,
  type Entry,
  legend,
  lineup,
  OURS,
} from './contenders.js';
import { machineWarnings } from './output.js';
import {
  type Connections,
  errorMessage,
  type FromClient,
  type FromServer,
  type LoadSpec,
  type RunResult,
  type ToClient,
  type ToServer,
} from './protocol.js';
import { type Scenario, selectScenarios, type Transport } from './scenarios.js';
import type { Settings } from './settings.js';
import { CEILING_UNSTEADY, maxOverMin, median, spread, WIDE_SPREAD } from './stats.js';

const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3_000;

/** A contender's server process and client process. */
export interface Pair {
  contender: Contender;
  port: number;
  server: Child<ToServer, FromServer>;
  client: Child<ToClient, FromClient>;
}

/** Which half of a pair failed to start. */
export class StartError extends Error {
  readonly side: 'server' | 'client';
  constructor(side: 'server' | 'client', message: string) {
    super(message);
    this.name = 'StartError';
    this.side = side;
  }
}

/** Forks the contender's server, waits for its port, then forks its client. */
export async function startPair(distDir: string, contender: Contender): Promise<Pair> {
  const server = new Child<ToServer, FromServer>(
    join(distDir, 'e2e', 'servers', `${contender.server}.js`),
    `${contender.name} server`,
  );
  let port: number;
  try {
    const ready = await server.next(START_TIMEOUT_MS);
    if (ready.type !== 'ready') throw new Error(`unexpected ${ready.type}`);
    port = ready.port;
  } catch (err) {
    await server.stop(null, 0);
    throw new StartError('server', errorMessage(err));
  }
  const client = new Child<ToClient, FromClient>(
    join(distDir, 'e2e', 'clients', `${contender.client}.js`),
    `${contender.name} client`,
  );
  return { contender, port, server, client };
}

/** Has the pair's client (re)open its connections to the server: `connections` of them. */
export async function openPair(
  pair: Pair,
  connections: Connections,
  inflight: number,
): Promise<void> {
  try {
    await pair.client.request(
      { type: 'open', target: { host: '127.0.0.1', port: pair.port }, connections, inflight },
      START_TIMEOUT_MS,
    );
  } catch (err) {
    throw new StartError('client', errorMessage(err));
  }
}

/** One run (warm-up + measured phase) in the pair's client process. */
export async function runOnce(pair: Pair, spec: LoadSpec): Promise<RunResult> {
  const timeoutMs = spec.warmupMaxMs + spec.durationMs + 2 * spec.drainMs + 10_000;
  const reply = await pair.client.request({ type: 'run', spec }, timeoutMs);
  if (reply.type !== 'result') throw new Error(`unexpected ${reply.type}`);
  return reply.result;
}

/** Closes the client, then the server; whatever does not exit in time is SIGKILLed by PID. */
export async function stopPair(pair: Pair): Promise<void> {
  await pair.client.stop({ type: 'close' }, STOP_GRACE_MS);
  await pair.server.stop({ type: 'stop' }, STOP_GRACE_MS);
}

export function loadSpec(scenario: Scenario, settings: Settings, first: boolean): LoadSpec {
  const burst = scenario.kind === 'burst';
  const warmupMs = burst ? (first ? 1 : 0) : first ? settings.firstWarmupMs : settings.warmupMs;
  return {
    kind: scenario.kind,
    method: scenario.method,
    inflight: scenario.inflight,
    burstCalls: scenario.burstCalls,
    batch: scenario.batch,
    durationMs: burst ? 0 : settings.durationMs,
    maxCalls: settings.maxCalls,
    warmupMs,
    warmupCalls: first ? settings.warmupCalls : 0,
    warmupMaxMs: first ? settings.warmupMaxMs : warmupMs,
    drainMs: burst ? settings.stressDrainMs : settings.drainMs,
    latency: scenario.latency,
  };
}

export interface Row {
  contender: string;
  /**
   * ok: measured; skipped: never started; failed: stopped part-way (`runs` holds what finished);
   * unsupported: the contender cannot do the scenario (a client without batches), shown as `–`.
   */
  status: 'ok' | 'skipped' | 'failed' | 'unsupported';
  reason: string | null;
  runs: RunResult[];
  /** Median over runs of correct calls per second. */
  callsPerSec: number | null;
  /** (max - min) / median of calls/s over runs. */
  spread: number | null;
  /** The slowest and the fastest run's calls/s (the chart's whiskers). */
  minCallsPerSec: number | null;
  maxCallsPerSec: number | null;
  /** Medians over runs (seq only). */
  latency: { meanUs: number; p50Us: number; p99Us: number } | null;
  ok: number;
  wrong: number;
  failed: number;
  firstError: string | null;
  /** Connections the client had open at the end of its last run (null: it cannot tell). */
  connections: number | null;
  vsRaw: number | null;
  vsRerpc: number | null;
}

export interface ScenarioResult {
  id: string;
  what: string;
  rows: Row[];
  notes: string[];
  /**
   * The ceiling's (raw's) fastest run ÷ its slowest; above CEILING_UNSTEADY the chart greys the
   * scenario out. Null when raw did not run.
   */
  ceilingSpread: number | null;
}

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  memoryGiB: number;
  loadAverage: number[];
  date: string;
}

export interface BenchResult {
  mode: 'quick' | 'full';
  machine: Machine;
  settings: Pick<
    Settings,
    | 'runs'
    | 'stressRuns'
    | 'durationMs'
    | 'firstWarmupMs'
    | 'warmupCalls'
    | 'warmupMaxMs'
    | 'warmupMs'
  >;
  echoBytes: number;
  contenders: { name: string; note: string; color: string }[];
  scenarios: ScenarioResult[];
  /** Contenders whose server never started, with the reason. */
  skipped: { contender: string; reason: string }[];
  /** Why the numbers are suspect from the start (a busy machine); empty when none. */
  warnings: string[];
  totalSeconds: number;
}

export type Progress = (line: string) => void;

function fmtRate(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A row with no measurements: a contender skipped or failed before any run. */
export function emptyRow(name: string, status: Row['status'], reason: string | null): Row {
  return {
    contender: name,
    status,
    reason,
    runs: [],
    callsPerSec: null,
    spread: null,
    minCallsPerSec: null,
    maxCallsPerSec: null,
    latency: null,
    ok: 0,
    wrong: 0,
    failed: 0,
    firstError: null,
    connections: null,
    vsRaw: null,
    vsRerpc: null,
  };
}

function summarise(row: Row): void {
  const rates = row.runs.map((r) => r.callsPerSec);
  for (const r of row.runs) {
    row.ok += r.ok;
    row.wrong += r.wrong;
    row.failed += r.failed;
    row.firstError ??= r.firstError;
  }
  if (rates.length === 0) return;
  row.connections = row.runs[row.runs.length - 1]!.connections;
  row.callsPerSec = median(rates);
  row.spread = spread(rates);
  row.minCallsPerSec = Math.min(...rates);
  row.maxCallsPerSec = Math.max(...rates);
  const lat = row.runs.map((r) => r.latency).filter((l) => l !== null);
  if (lat.length > 0) {
    row.latency = {
      meanUs: median(lat.map((l) => l.meanUs)),
      p50Us: median(lat.map((l) => l.p50Us)),
      p99Us: median(lat.map((l) => l.p99Us)),
    };
  }
}

function ratios(rows: Row[]): void {
  const rate = (name: string) => rows.find((r) => r.contender === name)?.callsPerSec ?? null;
  const ceiling = rate(CEILING);
  const ours = rate(OURS);
  for (const row of rows) {
    if (row.callsPerSec === null) continue;
    row.vsRaw = ceiling ? row.callsPerSec / ceiling : null;
    row.vsRerpc = ours ? row.callsPerSec / ours : null;
  }
}

/** The ceiling's fastest run ÷ its slowest, or null when it has no runs. */
function ceilingSpread(rows: Row[]): number | null {
  const ceiling = rows.find((r) => r.contender === CEILING);
  if (ceiling === undefined || ceiling.runs.length === 0) return null;
  return maxOverMin(ceiling.runs.map((r) => r.callsPerSec));
}

function notesFor(rows: Row[], ceilingRange: number | null): string[] {
  const notes: string[] = [];
  if (ceilingRange !== null && ceilingRange > CEILING_UNSTEADY) {
    notes.push(
      `**unreliable ratios**: ${CEILING}'s fastest run was ${ceilingRange.toFixed(2)}× its slowest (above ${CEILING_UNSTEADY}×), so every ratio here divides by an unsteady number; the chart greys this scenario out`,
    );
  }
  const wide: string[] = [];
  for (const row of rows) {
    // A server that never started is reported once, under the tables, not in every scenario.
    const neverStarted = row.status === 'skipped' && row.reason?.startsWith('server did not start');
    if (row.status === 'unsupported') {
      notes.push(`${row.contender}: –, ${row.reason ?? 'cannot run this scenario'}`);
    } else if (row.status !== 'ok' && row.reason !== null && !neverStarted) {
      notes.push(`${row.contender}: ${row.status}, ${row.reason}`);
    }
    if (row.spread !== null && row.spread > WIDE_SPREAD) {
      wide.push(`${row.contender} ${(row.spread * 100).toFixed(0)}%`);
    }
    if (row.wrong + row.failed > 0) {
      notes.push(
        `${row.contender}: ${row.wrong} wrong and ${row.failed} failed calls (first: ${row.firstError ?? 'a wrong result'})`,
      );
    }
  }
  if (wide.length > 0) {
    notes.push(
      `wide spread between runs ((max − min) ÷ median > ${WIDE_SPREAD * 100}%): ${wide.join(', ')}; the machine was busy or the contender is unsteady: rerun before reading much into these ratios`,
    );
  }
  return notes;
}

/** A contender on one transport: its processes are its own, apart from its other transports'. */
function pairKey(c: Contender): string {
  return `${c.transport}:${c.name}`;
}

/**
 * Starts contenders' processes once and keeps them across scenarios (each scenario only has the
 * client reopen its connections); a pair that died or was killed is started afresh.
 */
class Pairs {
  private readonly pairs = new Map<string, Pair>();
  /** Server file → why it did not start; such contenders are skipped from then on. */
  readonly serverDown = new Map<string, string>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly distDir: string,
    private readonly progress: Progress,
  ) {}

  /** A running pair, or the reason there is none (server or client did not start). */
  async ready(contender: Contender, scenario: Scenario): Promise<Pair | string> {
    const down = this.serverDown.get(contender.server);
    if (down !== undefined) return down;
    const key = pairKey(contender);
    let pair = this.pairs.get(key);
    if (pair === undefined || !pair.server.alive || !pair.client.alive) {
      if (pair !== undefined) await stopPair(pair);
      try {
        pair = await startPair(this.distDir, contender);
      } catch (err) {
        const reason = `server did not start: ${errorMessage(err)}`;
        this.serverDown.set(contender.server, reason);
        this.say(contender, `skipping ${contender.name}: its ${reason}`);
        return reason;
      }
      this.pairs.set(key, pair);
    }
    try {
      await openPair(pair, scenario.connections, scenario.inflight || scenario.burstCalls);
      return pair;
    } catch (err) {
      const reason = `client did not start: ${errorMessage(err)}`;
      this.say(contender, `skipping ${contender.name} where its ${reason}`);
      return reason;
    }
  }

  /** Stops one pair (after a failed run); the next scenario starts it again. */
  async drop(pair: Pair): Promise<void> {
    this.pairs.delete(pairKey(pair.contender));
    await stopPair(pair);
  }

  async stopAll(): Promise<void> {
    const all = [...this.pairs.values()];
    this.pairs.clear();
    await Promise.all(all.map(stopPair));
  }

  private say(contender: Contender, line: string): void {
    const key = `${pairKey(contender)}\0${line}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.progress(`  ${line}`);
  }
}

/** Runs one scenario for the given contenders, their runs interleaved. */
async function runScenario(
  scenario: Scenario,
  entries: readonly Entry[],
  settings: Settings,
  pairs: Pairs,
  progress: Progress,
): Promise<ScenarioResult> {
  progress(`${scenario.id}: ${scenario.what}`);
  const rows = new Map<string, Row>();
  const active: Pair[] = [];
  // Prepared together: process start-up is mostly waiting, and this keeps the bench short.
  const prepared = await Promise.all(
    entries.map((e) => (e.cannot === null ? pairs.ready(e.contender, scenario) : null)),
  );
  entries.forEach(({ contender, cannot }, i) => {
    const pair = prepared[i] ?? null;
    if (cannot !== null) {
      rows.set(contender.name, emptyRow(contender.name, 'unsupported', cannot));
    } else if (pair === null || typeof pair === 'string') {
      rows.set(contender.name, emptyRow(contender.name, 'skipped', pair ?? 'not started'));
    } else {
      rows.set(contender.name, emptyRow(contender.name, 'ok', null));
      active.push(pair);
    }
  });
  // Runs interleave the contenders (and rotate their order), so that a slow minute on this
  // machine lands on every contender's runs rather than on one contender's.
  const runs = scenario.kind === 'burst' ? settings.stressRuns : settings.runs;
  for (let run = 0; run < runs; run++) {
    for (let k = 0; k < active.length; k++) {
      const pair = active[(k + run) % active.length]!;
      const row = rows.get(pair.contender.name)!;
      if (row.status !== 'ok') continue;
      const first = row.runs.length === 0;
      try {
        const result = await runOnce(pair, loadSpec(scenario, settings, first));
        row.runs.push(result);
        const extra =
          result.latency !== null
            ? `  mean ${result.latency.meanUs.toFixed(1)} µs  p99 ${result.latency.p99Us.toFixed(1)} µs`
            : '';
        const conns = result.connections === null ? '' : `  ${result.connections} conn`;
        const bad =
          result.wrong + result.failed > 0
            ? `  (${result.wrong} wrong, ${result.failed} failed)`
            : '';
        progress(
          `  ${scenario.id} run ${run + 1}/${runs}  ${pair.contender.name.padEnd(24)} ${fmtRate(result.callsPerSec).padStart(9)} calls/s${conns}${extra}${bad}`,
        );
      } catch (err) {
        row.status = 'failed';
        row.reason = `run ${run + 1} failed: ${errorMessage(err)}`;
        progress(`  ${scenario.id} run ${run + 1}/${runs}  ${pair.contender.name}: ${row.reason}`);
        await pairs.drop(pair);
      }
    }
  }
  return scenarioResult(
    scenario.id,
    scenario.what,
    entries.map((e) => rows.get(e.contender.name)!),
  );
}

/** Medians, spreads, ratios and notes of one scenario, from its rows' runs. */
function scenarioResult(id: string, what: string, rows: Row[]): ScenarioResult {
  for (const row of rows) summarise(row);
  ratios(rows);
  const ceilingRange = ceilingSpread(rows);
  return { id, what, rows, notes: notesFor(rows, ceilingRange), ceilingSpread: ceilingRange };
}

/**
 * A saved result (results/…/latest.json, possibly written by an older version) with everything
 * derived from its runs computed again by this version: for `--render`, which re-draws the
 * tables and chart without running anything.
 */
export function recompute(saved: BenchResult): BenchResult {
  const scenarios = saved.scenarios.map((s) =>
    scenarioResult(
      s.id,
      s.what,
      s.rows.map((row) => ({ ...emptyRow(row.contender, row.status, row.reason), runs: row.runs })),
    ),
  );
  return { ...saved, scenarios, warnings: machineWarnings(saved.machine) };
}

/** Every chosen scenario for every chosen contender. */
export async function runBench(
  settings: Settings,
  distDir: string,
  machine: Machine,
  echoBytes: number,
  progress: Progress,
): Promise<BenchResult> {
  const started = performance.now();
  const chosenScenarios = selectScenarios(settings.scenarios);
  const used = new Set<Transport>(chosenScenarios.map((s) => s.transport));
  const chosen = contenders.filter(
    (c) => used.has(c.transport) && (settings.only === null || settings.only.includes(c.name)),
  );
  for (const name of settings.only ?? []) {
    if (!contenders.some((c) => c.name === name)) {
      throw new Error(
        `unknown contender ${name}; known: ${contenders.map((c) => c.name).join(', ')}`,
      );
    }
  }
  const pairs = new Pairs(distDir, progress);
  const results: ScenarioResult[] = [];
  try {
    let transport: Transport | null = null;
    for (const scenario of chosenScenarios) {
      // One transport's processes at a time: the previous transport's pairs are done.
      if (transport !== null && scenario.transport !== transport) await pairs.stopAll();
      transport = scenario.transport;
      const entries = lineup(scenario, chosen);
      // `--only=` may leave a transport without contenders: no empty table for its scenarios.
      if (entries.length === 0) continue;
      results.push(await runScenario(scenario, entries, settings, pairs, progress));
    }
  } finally {
    await pairs.stopAll();
  }
  const skipped = chosen
    .filter((c) => pairs.serverDown.has(c.server))
    .map((c) => ({
      contender: c.transport === 'tcp' ? c.name : `${c.name} (${c.transport})`,
      reason: pairs.serverDown.get(c.server)!,
    }));
  return {
    mode: settings.quick ? 'quick' : 'full',
    machine,
    settings: {
      runs: settings.runs,
      stressRuns: settings.stressRuns,
      durationMs: settings.durationMs,
      firstWarmupMs: settings.firstWarmupMs,
      warmupCalls: settings.warmupCalls,
      warmupMaxMs: settings.warmupMaxMs,
      warmupMs: settings.warmupMs,
    },
    echoBytes,
    contenders: legend(chosen),
    scenarios: results,
    skipped,
    warnings: machineWarnings(machine),
    totalSeconds: (performance.now() - started) / 1000,
  };
}
