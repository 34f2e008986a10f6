// The pool's public types: what `createPool` returns and its methods take.

/** Per-call options of {@link Pool.acquire}. */
export interface AcquireOptions {
  /**
   * Aborts the wait: the acquire rejects with `AbortError` (`cause` = `signal.reason`) and leaves
   * no trace. Use `AbortSignal.timeout(ms)` for a per-call deadline shorter than `acquireTimeout`.
   */
  signal?: AbortSignal;
}

/** Options of {@link Pool.close} and {@link Pool.drain}. */
export interface CloseOptions {
  /**
   * Milliseconds to wait for resources in use (and, for `drain()`, queued acquires) before the
   * rest are destroyed; `Infinity` waits forever, 0 destroys at once.
   * @default the pool's closeTimeout (30000)
   */
  timeout?: number;
}

/** A snapshot of the pool, from {@link Pool.stats}. */
export interface PoolStats {
  /**
   * Resources that exist or are on their way: `active + idle + creating + validating`. The pool
   * never lets it pass `maxActive`, so `size < maxActive` means another resource may be created.
   */
  size: number;
  /** The pool's `maxActive`. */
  maxActive: number;
  /** Handed out and not yet released or destroyed. */
  active: number;
  /** Waiting in the pool, ready to hand out. */
  idle: number;
  /** `create()` calls in flight. */
  creating: number;
  /** Idle resources being validated by an asynchronous `validate()`. */
  validating: number;
  /** `acquire()` calls waiting for a resource. */
  pending: number;
  /** Resources created since the pool was made. */
  created: number;
  /** Resources destroyed since the pool was made (by `destroy()`, validation, limits or close). */
  destroyed: number;
  /** Acquires that rejected because `acquireTimeout` passed. */
  timeouts: number;
  /** `create()` calls that failed (each failure reached the acquire that caused it). */
  createErrors: number;
  /** Resources destroyed because `validate()` said no. */
  validationFailures: number;
  /** `true` once `drain()` or `close()` has been called. */
  closed: boolean;
}

/** A pool of resources: see {@link createPool}. */
export interface Pool<T extends object> {
  /**
   * Hands out an idle resource (validated first) or a new one, waiting in FIFO order when
   * `maxActive` are in use. Rejects with `PoolExhaustedError` or `DialTimeoutError` after
   * `acquireTimeout`, `AbortError` when `signal` aborts, `PoolClosedError` once closed, or the
   * error `create()` failed with (as `DialError` unless it is one of ours).
   */
  acquire(options?: AcquireOptions): Promise<T>;
  /**
   * Gives a resource back for reuse (or destroys it if `maxIdle` are idle, it outlived
   * `maxLifetime`, or the pool is closed). Throws a `TypeError` with code
   * `RERPC_ERR_INVALID_OPTION` if the resource is not in use from this pool (released twice?);
   * after close it never throws.
   */
  release(resource: T): void;
  /**
   * Destroys a resource in use (or idle) that is broken, freeing its place so a waiting acquire
   * can create another. Resolves once `destroy()` has finished; never rejects; a resource the pool
   * no longer tracks is ignored.
   */
  destroy(resource: T): Promise<void>;
  /**
   * Graceful shutdown that lets work finish: new acquires reject with `PoolClosedError`, queued
   * ones are still served, and once every resource is released the pool closes. Idempotent.
   */
  drain(options?: CloseOptions): Promise<void>;
  /**
   * Closes the pool: pending acquires reject with `PoolClosedError`, idle resources are destroyed,
   * resources in use are destroyed when released (or when `timeout` passes). Resolves when all are
   * destroyed; never rejects; calling it again returns the same promise.
   */
  close(options?: CloseOptions): Promise<void>;
  /** Counters and gauges, as a new object. */
  stats(): PoolStats;
  /** Same as `close()`. */
  [Symbol.asyncDispose](): Promise<void>;
}
