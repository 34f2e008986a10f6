// The shared pool's public types: what `createSharedPool` returns and its methods take.
import type { AcquireOptions, CloseOptions } from './types.js';

/**
 * Something waiting for a resource to open, queued by {@link SharedPool.wait}: your own record (a
 * pending call, say), so waiting allocates nothing. The pool calls one of its methods once,
 * synchronously; neither may throw.
 */
export interface LeaseWaiter<T extends object> {
  /**
   * A resource opened and is leased to you: return `true` (and unlease it when done), or `false`
   * if you no longer want it (you gave up meanwhile): the lease is undone and the next waiter is
   * served.
   */
  leased(resource: T): boolean;
  /**
   * Nothing could be opened: a create failed while no resource was open (`error` is a `DialError`
   * unless `create()` threw one of this package's errors), or the pool closed
   * (`PoolClosedError`).
   */
  failed(error: unknown): void;
}

/** A snapshot of a shared pool, from {@link SharedPool.stats}. */
export interface SharedPoolStats {
  /**
   * Resources counted against `maxActive`: `active + idle + creating`, never above it. Retiring ones
   * are not counted (a retired resource makes room for its replacement at once).
   */
  size: number;
  /** The pool's `maxActive`. */
  maxActive: number;
  /** Open resources being leased (not retired, not parked). */
  active: number;
  /** Retired resources still leased: destroyed when their last lease ends. */
  retiring: number;
  /** Parked resources, ready to be taken back. */
  idle: number;
  /** `create()` calls in flight (at most one). */
  creating: number;
  /** Leases held now, over every resource. */
  leases: number;
  /** Waiters queued ({@link SharedPool.wait} and waiting `acquire()` calls). */
  pending: number;
  /** Resources created since the pool was made. */
  created: number;
  /** Resources destroyed since the pool was made. */
  destroyed: number;
  /** `create()` calls that failed. */
  createErrors: number;
  /** `true` once `close()` has been called. */
  closed: boolean;
}

/** A pool whose resources are leased by many users at once: see {@link createSharedPool}. */
export interface SharedPool<T extends object> {
  /**
   * Leases the least-loaded open resource, synchronously, or returns `null` when none is open
   * (a parked one is taken back first; otherwise a create starts: {@link wait} for it). When even
   * the least-loaded one is at `loadThreshold`, another is created in the background. Throws
   * `PoolClosedError` once the pool is closed.
   */
  lease(): T | null;
  /**
   * Ends one lease of `resource`. A retired resource is destroyed when its last lease ends. A
   * resource the pool no longer tracks (destroyed) is ignored; one with no lease throws a
   * `TypeError` with code `RERPC_ERR_INVALID_OPTION` (unleased twice?).
   */
  unlease(resource: T): void;
  /**
   * Leases a resource to `waiter` when one opens (at once, synchronously, if one is open), or
   * fails it if the create fails with nothing open. Waiters are served first come, first served.
   * Throws `PoolClosedError` once the pool is closed.
   */
  wait(waiter: LeaseWaiter<T>): void;
  /**
   * A lease as a promise: resolves at once with {@link lease}'s resource, or when one opens.
   * Rejects with `DialError` when the create fails with nothing open, `AbortError` when `signal`
   * aborts, `PoolClosedError` once closed. Never throws synchronously.
   */
  acquire(options?: AcquireOptions): Promise<T>;
  /**
   * Stops leasing `resource`: it is destroyed when its last lease ends (at once if it has none).
   * A resource the pool no longer tracks is ignored.
   */
  retire(resource: T): void;
  /**
   * Retires every resource that exists now (a generation bump: the server behind them is going
   * away): open ones are destroyed when their last lease ends, parked ones at once. A create in
   * flight is not affected: what it makes belongs to the new generation.
   */
  retireAll(): void;
  /**
   * Destroys `resource` at once, leased or not (it broke); its leases are forgotten (their
   * `unlease()` is ignored). Resolves when `destroy()` finished; never rejects.
   */
  destroy(resource: T): Promise<void>;
  /**
   * Closes the pool: waiters fail with `PoolClosedError`, the create in flight is aborted, parked
   * resources are destroyed, open ones when their last lease ends (or when `timeout` passes).
   * Resolves when all are destroyed; never rejects; calling it again returns the same promise.
   */
  close(options?: CloseOptions): Promise<void>;
  /** Counters and gauges, as a new object. */
  stats(): SharedPoolStats;
  /** Same as `close()`. */
  [Symbol.asyncDispose](): Promise<void>;
}
