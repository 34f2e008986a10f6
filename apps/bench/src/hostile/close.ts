// close: calls pipelined on many connections through @rerpc/client; the server is SIGTERMed under
// that load (it calls server.close()) and a new one started on the same port as soon as it exits.
// Every call's outcome is classified, and checked against what the servers really ran (issue 11:
// 20-265 requests read but never answered per run, 671-1,884 calls reported "may have run").
import { pathToFileURL } from 'node:url';
import type { Build } from './build.js';
import { ServerChild } from './child.js';
import type { FinalReport } from './protocol.js';
import { sleep } from './wire.js';

export interface CloseOptions {
  connections: number;
  /** Calls in flight per connection (the client's pipelineThreshold). */
  inflightPerConnection: number;
  /** Load before the SIGTERM, ms. */
  beforeMs: number;
  /** Load after the new server is listening, ms. */
  afterMs: number;
  /**
   * The longest a `work` call sleeps in its handler, ms: call `n` sleeps `n % (workMs + 1)` ms, so
   * some calls finish synchronously, in the read that brought them, and others later, on a timer.
   */
  workMs: number;
  /** Most calls issued in the run (a bound on the loop, whatever the timings). */
  maxCalls: number;
}

/** One server process's view of the run. */
export interface ServerSide {
  /** Requests read before the server's FIN on their connection (NDJSON lines). */
  read: number;
  /** Of those: handlers started, and requests answered -32002 ("not run"). */
  ran: number;
  refused: number;
  /** Read before the FIN but neither run nor answered -32002: silently lost by the server. */
  lost: number;
  /** Requests that reached the server after its FIN (never read, never run). */
  afterFin: number;
  /** ms from SIGTERM to server.close() resolving. */
  closeMs: number;
}

export interface CloseResult {
  calls: number;
  ok: number;
  /** Failed with an error saying the call did not run (ConnectionError sent: false, -32002, …). */
  notRun: number;
  /** Failed with an error saying it may have run (ConnectionError sent: true, TimeoutError, …). */
  mayHaveRun: number;
  /** Of `mayHaveRun`: calls that really did run on a server; the rest were ambiguous for nothing. */
  mayHaveRunRan: number;
  /** Calls reported "not run" that did run (should be 0). */
  notRunButRan: number;
  /** Calls whose handler ran more than once (a retry of a call that had run; should be 0). */
  ranTwice: number;
  /** Calls still unsettled 35 s after the load stopped. */
  hung: number;
  /** Failures by error: `ConnectionError(sent)`, `RpcError -32002`, … */
  errors: Record<string, number>;
  /** Connections the client had open when the SIGTERM was sent. */
  connectionsAtSigterm: number;
  /** ms from SIGTERM to the old process exiting, and from then to the new one listening. */
  exitMs: number;
  restartMs: number;
  first: ServerSide | null;
  second: ServerSide | null;
}

interface ClientLike {
  call(method: string, params: unknown): Promise<unknown>;
  stats(): { connections: { active: number; idle: number } };
  close(options?: { timeout?: number }): Promise<void>;
}

type Outcome = 'ok' | 'notRun' | 'mayHaveRun';

function classify(err: unknown): { outcome: Outcome; key: string } {
  const e = err as { code?: unknown; sent?: unknown; name?: unknown };
  if (typeof e?.code === 'number') {
    return { outcome: e.code === -32002 ? 'notRun' : 'mayHaveRun', key: `RpcError ${e.code}` };
  }
  if (e?.code === 'RERPC_ERR_CONNECTION') {
    return {
      outcome: e.sent === false ? 'notRun' : 'mayHaveRun',
      key: `ConnectionError(sent: ${String(e.sent)})`,
    };
  }
  // Never sent: the deadline passed while waiting for a connection.
  if (e?.code === 'RERPC_ERR_POOL_EXHAUSTED')
    return { outcome: 'notRun', key: 'PoolExhaustedError' };
  return { outcome: 'mayHaveRun', key: String(e?.code ?? e?.name ?? 'unknown') };
}

function serverSide(report: FinalReport | null): ServerSide | null {
  if (report === null) return null;
  const refused = report.stats.errors['-32002'] ?? 0;
  const ran = report.ran.length;
  const read = report.taps.linesIn;
  return {
    read,
    ran,
    refused,
    lost: Math.max(0, read - ran - refused),
    afterFin: report.taps.linesAfterFin,
    closeMs: report.closeMs,
  };
}

export async function close(build: Build, options: CloseOptions): Promise<CloseResult> {
  const { createClient } = (await import(pathToFileURL(build.client).href)) as {
    createClient(target: object, options: object): ClientLike;
  };
  const childOptions = { server: build.server, framing: 'ndjson' as const, port: 0 };
  let first: ServerChild | null = null;
  let second: ServerChild | null = null;
  let client: ClientLike | null = null;
  let stopping = false;
  try {
    first = await ServerChild.start(build.serverMain, childOptions);
    const port = first.port;
    // The replacement is started now and listens once the first has exited: the restart then
    // costs a listen, not Node's start-up (a second or two on a busy machine, which would only
    // measure how long the client's retries last).
    second = await ServerChild.start(build.serverMain, {
      ...childOptions,
      port,
      deferListen: true,
    });
    const calls = createClient(
      { host: '127.0.0.1', port },
      { maxActive: options.connections, pipelineThreshold: options.inflightPerConnection },
    );
    client = calls;
    const outcomes = new Map<number, Outcome>();
    const errors: Record<string, number> = {};
    let issued = 0;
    const worker = async () => {
      // Bounded by maxCalls over all workers, and by `stopping`.
      while (!stopping && issued < options.maxCalls) {
        const n = ++issued;
        try {
          await calls.call('work', { n, ms: n % (options.workMs + 1) });
          outcomes.set(n, 'ok');
        } catch (err) {
          const { outcome, key } = classify(err);
          outcomes.set(n, outcome);
          errors[key] = (errors[key] ?? 0) + 1;
        }
      }
    };
    const workers: Promise<void>[] = [];
    for (let i = 0; i < options.connections * options.inflightPerConnection; i++) {
      workers.push(worker());
    }
    await sleep(options.beforeMs);
    const stats = calls.stats().connections;
    const connectionsAtSigterm = stats.active + stats.idle;
    const sigterm = performance.now();
    const firstReport = await first.stop('SIGTERM');
    first = null;
    const exited = performance.now();
    await second.listen();
    const listening = performance.now();
    await sleep(options.afterMs);
    stopping = true;
    let hung = 0;
    const all = Promise.all(workers).then(() => false);
    if (await Promise.race([all, sleep(35_000).then(() => true)])) {
      hung = issued - outcomes.size;
    }
    await calls.close({ timeout: 1000 }).catch(() => undefined);
    const secondReport = await second.stop('SIGTERM');
    second = null;

    const runs = new Map<number, number>();
    for (const report of [firstReport, secondReport]) {
      for (const n of report?.ran ?? []) runs.set(n, (runs.get(n) ?? 0) + 1);
    }
    const result: CloseResult = {
      calls: issued,
      ok: 0,
      notRun: 0,
      mayHaveRun: 0,
      mayHaveRunRan: 0,
      notRunButRan: 0,
      ranTwice: 0,
      hung,
      errors,
      connectionsAtSigterm,
      exitMs: exited - sigterm,
      restartMs: listening - exited,
      first: serverSide(firstReport),
      second: serverSide(secondReport),
    };
    for (const [n, outcome] of outcomes) {
      result[outcome]++;
      const ran = runs.get(n) ?? 0;
      if (outcome === 'mayHaveRun' && ran > 0) result.mayHaveRunRan++;
      if (outcome === 'notRun' && ran > 0) result.notRunButRan++;
    }
    for (const count of runs.values()) if (count > 1) result.ranTwice++;
    return result;
  } finally {
    stopping = true;
    await client?.close({ timeout: 1000 }).catch(() => undefined);
    await first?.stop('message', 5000);
    await second?.stop('message', 5000);
  }
}
