import { errorClass } from '@rerpc/internal';

// Each error has a stable `code`; `instanceof` works across two installed copies of this package
// (errorClass() brands each class with its code; undici: lib/core/errors.js).

/**
 * A worker did not come up: its module failed to load, `server()` threw, `listen()` failed, it
 * exited before listening, or it did not listen within `startTimeout`. `runCluster()` rejects
 * with it (the workers already started are stopped); so does a rolling `restart()`, which then
 * keeps the old worker serving.
 */
export class WorkerStartError extends errorClass('WorkerStartError', 'RERPC_ERR_WORKER_START') {
  /** The cluster slot (0 … workers - 1) whose worker failed. */
  declare readonly slot: number;

  constructor(slot: number, reason: string, options?: { cause?: unknown }) {
    super(
      `The worker for slot ${slot} did not start: ${reason}; fix the server module (its stderr has the details) and start again`,
      options,
    );
    Object.assign(this, { slot });
  }
}

/** `restart()` or `stats()` after `close()` began. */
export class ClusterClosedError extends errorClass(
  'ClusterClosedError',
  'RERPC_ERR_CLUSTER_CLOSED',
  'The cluster is closing or closed; start a new one with runCluster()',
) {}
