// The IPC between the primary and a worker (node:cluster's channel, JSON). Every message carries
// `rerpc` (its kind), so the user's own process.send() traffic is told apart and ignored.

/** What a worker reads from its environment (`RERPC_CLUSTER_WORKER`, JSON) at start. */
export interface WorkerConfig {
  /** The server module's file URL. */
  module: string;
  /** The named export to call. */
  exportName: string;
  /** Options for `server.listen()`. */
  listen: Record<string, unknown>;
  /** The slot this worker fills. */
  slot: number;
  /** `server.close({ timeout })` when the worker is signalled itself (SIGTERM, SIGINT). */
  closeTimeout: number;
  /** Signals the worker ignores (the primary's restart signal, sent to the whole group). */
  ignoreSignals: string[];
}

export const CONFIG_ENV = 'RERPC_CLUSTER_WORKER';

/** Primary → worker. */
export type ToWorker = { rerpc: 'close'; timeout: number } | { rerpc: 'stats'; id: number };

/** Worker → primary. */
export type ToPrimary =
  | { rerpc: 'listening'; address: unknown }
  | { rerpc: 'failed'; message: string }
  | { rerpc: 'stats'; id: number; stats: unknown };

export function isToPrimary(message: unknown): message is ToPrimary {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { rerpc?: unknown }).rerpc === 'string'
  );
}
