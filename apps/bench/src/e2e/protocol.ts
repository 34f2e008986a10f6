// Messages between the orchestrator (dist/e2e.js) and its server and client processes.
// The orchestrator only coordinates: servers answer calls, clients generate load and measure.

export interface Target {
  host: string;
  port: number;
}

/** How many connections a client opens: a count, or 'default' for the contender's own choice. */
export type Connections = number | 'default';

export type MethodName = 'ArithService.Add' | 'echo';

/** One measured load phase, as the client process runs it. */
export interface LoadSpec {
  /** 'closed': `inflight` workers each keep one call outstanding; 'burst': `burstCalls` issued at once. */
  kind: 'closed' | 'burst';
  method: MethodName;
  /** Calls in flight (closed loop): `inflight / batch` requests of `batch` calls each. */
  inflight: number;
  burstCalls: number;
  /** Calls per request: 1 for single calls, above 1 for JSON-RPC batches (closed loop only). */
  batch: number;
  /** Closed loop: stop issuing after this long (ms), or after `maxCalls`, whichever comes first. */
  durationMs: number;
  maxCalls: number;
  /**
   * Unmeasured load before the measured phase. Closed loop: at least `warmupMs`, and until
   * `warmupCalls` calls completed, but at most `warmupMaxMs`. Burst: `burstCalls / 10` calls
   * when `warmupMs` > 0.
   */
  warmupMs: number;
  warmupCalls: number;
  warmupMaxMs: number;
  /** How long to wait for outstanding calls after issuing stops; those still open count as failed. */
  drainMs: number;
  /** Record per-call latency (seq). */
  latency: boolean;
}

export interface LatencySummary {
  meanUs: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

export interface RunResult {
  ok: number;
  /** Answered, but with a wrong result. */
  wrong: number;
  /** Rejected, or still unanswered at the end of the drain. */
  failed: number;
  elapsedMs: number;
  /** Correct calls per second of wall time. */
  callsPerSec: number;
  latency: LatencySummary | null;
  /** The first failure's message, to say why calls failed. */
  firstError: string | null;
  /** Connections the client had open at the end of the run, where it can tell. */
  connections: number | null;
}

export type ToServer = { type: 'stop' };
export type FromServer = { type: 'ready'; port: number } | { type: 'error'; message: string };

export type ToClient =
  | { type: 'open'; target: Target; connections: Connections; inflight: number }
  | { type: 'run'; spec: LoadSpec }
  | { type: 'close' };
export type FromClient =
  | { type: 'opened' }
  | { type: 'result'; result: RunResult }
  | { type: 'closed' }
  | { type: 'error'; message: string };

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
