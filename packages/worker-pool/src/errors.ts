import { errorClass } from '@rerpc/internal';

// Each error has a stable `code`; `instanceof` works across two installed copies of this package
// (errorClass() brands each class with its code; undici: lib/core/errors.js).

/** The pool's queue is full: the task was refused at once and never ran. */
export class QueueFullError extends errorClass('QueueFullError', 'RERPC_ERR_QUEUE_FULL') {
  constructor(maxQueue: number, options?: { cause?: unknown }) {
    super(
      maxQueue === 0
        ? 'The pool is running at its concurrency limit and has no queue (maxQueue is 0); retry later, or pause the producer until onDrain fires'
        : `The pool's queue is full (${maxQueue} tasks waiting); retry later, or pause the producer while isSaturated is true and resume on onDrain`,
      options,
    );
  }
}

/** The pool is closed (or its close timeout passed): the task was refused or abandoned. */
export class PoolClosedError extends errorClass(
  'PoolClosedError',
  'RERPC_ERR_POOL_CLOSED',
  'The pool is closed and takes no more tasks; submit before close(), or create a new pool',
) {}

/** The caller's signal aborted the task; `cause` is the signal's `reason`. */
export class AbortError extends errorClass('AbortError', 'RERPC_ERR_ABORTED') {
  constructor(reason: unknown) {
    super('The task was aborted by its signal; see cause for the reason', { cause: reason });
  }
}
