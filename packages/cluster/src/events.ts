/** One worker process, as events and `workers()` describe it. */
export interface WorkerInfo {
  /** node:cluster's worker id (1, 2, … in fork order; never reused). */
  readonly id: number;
  /** The worker's process id. */
  readonly pid: number;
  /** Which of the `workers` slots it fills (0 … workers - 1); a replacement takes the same slot. */
  readonly slot: number;
}

/** What `onEvent` is called with. */
export type ClusterEvent =
  /** A worker's server is listening (`address` is what `server.listen()` resolved with). */
  | { readonly type: 'listening'; readonly worker: WorkerInfo; readonly address: unknown }
  /** A worker was told to drain (shutdown, rolling restart). */
  | { readonly type: 'draining'; readonly worker: WorkerInfo }
  /**
   * A worker exited. `planned`: it was drained (shutdown, rolling restart); otherwise it crashed
   * or was killed, and a `restart` event follows unless the cluster is closing.
   */
  | {
      readonly type: 'exit';
      readonly worker: WorkerInfo;
      readonly code: number | null;
      readonly signal: string | null;
      readonly planned: boolean;
    }
  /** A replacement for a crashed worker will be started in `delay` ms. */
  | { readonly type: 'restart'; readonly slot: number; readonly delay: number }
  /** Something failed with no caller to reject: a signal-triggered rolling restart, a crash replacement. */
  | { readonly type: 'error'; readonly error: Error };
