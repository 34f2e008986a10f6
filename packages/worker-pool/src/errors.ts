// Every error carries a stable `code` and a `Symbol.for` brand on its prototype, so `instanceof`
// works across two installed copies of this package (undici: lib/core/errors.js).

const QUEUE_FULL = Symbol.for('rerpc.error.RERPC_ERR_QUEUE_FULL');
const POOL_CLOSED = Symbol.for('rerpc.error.RERPC_ERR_POOL_CLOSED');
const ABORTED = Symbol.for('rerpc.error.RERPC_ERR_ABORTED');

function branded(value: unknown, brand: symbol): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

/** The pool's queue is full: the task was refused at once and never ran. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
  readonly code = 'RERPC_ERR_QUEUE_FULL';

  constructor(maxQueue: number, options?: { cause?: unknown }) {
    super(
      maxQueue === 0
        ? 'The pool is running at its concurrency limit and has no queue (maxQueue is 0); retry later, or pause the producer until onDrain fires'
        : `The pool's queue is full (${maxQueue} tasks waiting); retry later, or pause the producer while isSaturated is true and resume on onDrain`,
      options,
    );
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, QUEUE_FULL);
  }
}
Object.defineProperty(QueueFullError.prototype, QUEUE_FULL, { value: true });

/** The pool is closed (or its close timeout passed): the task was refused or abandoned. */
export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';
  readonly code = 'RERPC_ERR_POOL_CLOSED';

  constructor(message?: string, options?: { cause?: unknown }) {
    super(
      message ??
        'The pool is closed and takes no more tasks; submit before close(), or create a new pool',
      options,
    );
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, POOL_CLOSED);
  }
}
Object.defineProperty(PoolClosedError.prototype, POOL_CLOSED, { value: true });

/** The caller's signal aborted the task; `cause` is the signal's `reason`. */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'RERPC_ERR_ABORTED';

  constructor(reason: unknown) {
    super('The task was aborted by its signal; see cause for the reason', { cause: reason });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, ABORTED);
  }
}
Object.defineProperty(AbortError.prototype, ABORTED, { value: true });
