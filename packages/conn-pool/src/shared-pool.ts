import { asyncDispose, optionError } from '@rerpc/internal';
import { type Clock, realClock, type TimerHandle } from './clock.js';
import { RESOLVED } from './disposer.js';
import { DialError, isOwnError, PoolClosedError } from './errors.js';
import { LeaseQueue } from './lease-waiters.js';
import { acquireStart } from './options.js';
import {
  type ResolvedSharedOptions,
  resolveSharedOptions,
  type SharedPoolOptions,
} from './shared-options.js';
import {
  ACTIVE,
  type Entry,
  IDLE,
  RETIRED,
  SharedResources,
  sharedSweepPeriod,
} from './shared-resources.js';
import type { LeaseWaiter, SharedPool, SharedPoolStats } from './shared-types.js';
import { OPEN, Shutdown } from './shutdown.js';
import type { AcquireOptions, CloseOptions } from './types.js';

/** The create in flight (at most one at a time). */
class CreateOp {
  readonly controller = new AbortController();
}

/**
 * The shared pool: the life of a lease, from the least-loaded choice (or a parked resource taken
 * back, or a create and the waiters it serves) to the unlease, retiring and parking, and the
 * shutdown. Each piece of state has one owner: the resources (lists, lease counts, the choice,
 * destroying), the waiter queue, the shutdown state; this class decides and orders, and owns the
 * create in flight and the timers.
 *
 * Hot path: `lease()` is one scan of the open resources and three field writes; `unlease()` one
 * map lookup and three field writes. Neither allocates, reads the clock or touches a timer: lease
 * times come from a coarse clock the sweep keeps.
 */
export class SharedPoolImpl<T extends object> implements SharedPool<T> {
  private readonly o: ResolvedSharedOptions<T>;
  private readonly clock: Clock;
  private readonly resources: SharedResources<T>;
  private readonly waiters = new LeaseQueue<T>();
  private readonly shutdown: Shutdown;
  /** The create in flight, or null. */
  private creating: CreateOp | null = null;
  /** Creates aborted by close() and not settled yet (close waits for them). */
  private zombies = 0;
  private created = 0;
  private createErrors = 0;
  /** A create failed: no background create until `createBackoff` has passed. */
  private paused = false;
  private pauseTimer: TimerHandle | null = null;
  private readonly onResume = (): void => {
    this.pauseTimer = null;
    this.paused = false;
  };
  /** The coarse clock for lease times: set when a resource opens and at each sweep. */
  private coarseNow: number;
  private sweepTimer: TimerHandle | null = null;
  private readonly sweepPeriod: number;
  private readonly onSweep = (): void => this.sweep();
  private readonly onCloseTimeout = (): void => this.forceClose();

  constructor(options: ResolvedSharedOptions<T>, clock: Clock) {
    this.o = options;
    this.clock = clock;
    this.coarseNow = clock.now();
    this.sweepPeriod = sharedSweepPeriod(options);
    this.resources = new SharedResources(options.load, options.destroy, () => {
      // Stryker disable next-line ConditionalExpression: checkShutdown() does nothing while the pool is open
      if (this.shutdown.state !== OPEN) this.checkShutdown();
    });
    this.shutdown = new Shutdown(clock);
  }

  // --- leasing ---------------------------------------------------------------------------------

  lease(): T | null {
    const r = this.resources;
    let best = r.pick();
    if (best === null) return this.leaseSlow();
    if (r.bestLoad >= this.o.loadThreshold) best = this.grow(best);
    r.lease(best, this.coarseNow);
    return best.resource;
  }

  unlease(resource: T): void {
    const entry = this.resources.get(resource);
    if (entry === undefined) return; // destroyed: its leases were forgotten
    if (entry.leases === 0) {
      throw optionError(
        'unlease() got a resource with no lease from this pool (unleased twice, or never leased?)',
      );
    }
    this.resources.unlease(entry, this.coarseNow);
    if (entry.leases === 0 && entry.state === RETIRED) {
      void this.resources.destroy(entry);
      this.afterDestroy();
    }
  }

  wait(waiter: LeaseWaiter<T>): void {
    const resource = this.lease();
    if (resource === null) this.waiters.push(waiter);
    else if (waiter.leased(resource) === false) this.unlease(resource);
  }

  acquire(options?: AcquireOptions): Promise<T> {
    const signal = acquireStart(this.shutdown.state === OPEN, options);
    if (signal instanceof Error) return Promise.reject(signal);
    const resource = this.lease();
    if (resource !== null) return Promise.resolve(resource);
    return this.waiters.acquire(signal);
  }

  /** Nothing is open: take a parked resource back, or start a create and return null. */
  private leaseSlow(): T | null {
    if (this.shutdown.state !== OPEN) throw new PoolClosedError();
    const entry = this.unpark();
    if (entry !== null) {
      this.resources.lease(entry, this.coarseNow);
      return entry.resource;
    }
    this.ensureCreate();
    return null;
  }

  /**
   * Even the least-loaded open resource is at `loadThreshold`: a parked one is taken back (and
   * leased instead), or another is created in the background (one at a time, not while a failed
   * create's backoff lasts) for later leases.
   */
  private grow(best: Entry<T>): Entry<T> {
    const parked = this.unpark();
    if (parked !== null) return parked;
    if (this.creating === null && !this.paused && this.size() < this.o.maxActive) {
      this.startCreate();
    }
    return best;
  }

  /** The most recently parked resource that validates, open again; null when none does. */
  private unpark(): Entry<T> | null {
    const r = this.resources;
    for (let entry = r.unpark(this.coarseNow); entry !== null; entry = r.unpark(this.coarseNow)) {
      if (this.valid(entry.resource)) return entry;
      void r.destroy(entry);
    }
    return null;
  }

  private valid(resource: T): boolean {
    const validate = this.o.validate;
    if (validate === null) return true;
    // Stryker disable BlockStatement: an emptied catch returns undefined, which is not valid either
    try {
      return validate(resource) === true;
    } catch {
      return false;
    }
    // Stryker restore BlockStatement
  }

  /** Leases to the waiters queued now, oldest first, until they are served or nothing is open. */
  private serveWaiters(): void {
    const waiters = this.waiters;
    // Bounded by the waiters queued now: one that waits again from its callback waits its turn.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator,UpdateOperator: each bound implies the others (every pass shifts one waiter, close() empties the queue, and one waiting again from its callback waits only when nothing is open: lease() returns null)
    for (let n = waiters.size; n > 0 && waiters.size > 0 && this.shutdown.state === OPEN; n--) {
      const resource = this.lease();
      if (resource === null) return; // a waiter destroyed or retired it: a create is under way
      if (waiters.shift()!.leased(resource) === false) this.unlease(resource);
    }
  }

  // --- retiring and destroying -----------------------------------------------------------------

  retire(resource: T): void {
    const entry = this.resources.get(resource);
    if (entry === undefined) return;
    if (entry.state === ACTIVE) {
      if (this.resources.retire(entry)) this.afterDestroy();
    } else if (entry.state === IDLE) {
      void this.resources.destroy(entry);
      this.afterDestroy();
    }
  }

  retireAll(): void {
    this.resources.retireAll();
    this.afterDestroy();
  }

  destroy(resource: T): Promise<void> {
    const entry = this.resources.get(resource);
    if (entry === undefined) return RESOLVED;
    const done = this.resources.destroy(entry);
    this.afterDestroy();
    return done;
  }

  /** Something was destroyed: its place may serve the waiters, or end the close. */
  private afterDestroy(): void {
    // Stryker disable next-line ConditionalExpression: checkShutdown() does nothing while the pool is open, and the ensureCreate() below starts nothing (see there)
    if (this.shutdown.state !== OPEN) {
      this.checkShutdown();
      return;
    }
    // Stryker disable next-line ConditionalExpression: waiters wait only while a create is in flight (leaseSlow() started one), so ensureCreate() starts none
    if (this.waiters.size > 0) this.ensureCreate();
  }

  // --- creating --------------------------------------------------------------------------------

  /**
   * What `maxActive` bounds: open, parked and being created. Retired resources finishing their last
   * leases do not count, so a server going away (everything retired) never holds up dialling the
   * one that replaces it.
   */
  private size(): number {
    const r = this.resources;
    return r.active.length + r.idle.length + (this.creating === null ? 0 : 1);
  }

  /** Starts a create for the waiters (or a lease that found nothing open) unless one runs. */
  private ensureCreate(): void {
    if (
      this.creating === null &&
      // Stryker disable next-line ConditionalExpression,EqualityOperator: with no create in flight, ensureCreate() runs only when nothing is open or parked (size() is 0), and maxActive is at least 1
      this.size() < this.o.maxActive
    ) {
      this.startCreate();
    }
  }

  private startCreate(): void {
    const op = new CreateOp();
    this.creating = op;
    let made: T | PromiseLike<T>;
    try {
      made = this.o.create(op.controller.signal);
    } catch (error) {
      made = Promise.reject(error);
    }
    // Always settled in a later microtask, so lease() never re-enters through a create.
    Promise.resolve(made).then(
      (resource) => this.onCreated(op, resource),
      (error: unknown) => this.onCreateFailed(op, error),
    );
  }

  private onCreated(op: CreateOp, resource: T): void {
    this.created += 1;
    if (op !== this.creating) {
      // Aborted by close(); made anyway (create ignored its signal).
      this.zombies -= 1;
      void this.resources.disposer.discard(resource);
      this.checkShutdown();
      return;
    }
    this.creating = null;
    this.coarseNow = this.clock.now();
    this.resources.add(resource, this.coarseNow);
    if (this.sweepTimer === null && this.sweepPeriod > 0) {
      this.sweepTimer = this.clock.schedule(this.onSweep, this.sweepPeriod, true);
    }
    this.serveWaiters();
  }

  private onCreateFailed(op: CreateOp, error: unknown): void {
    if (op !== this.creating) {
      this.zombies -= 1;
      this.checkShutdown();
      return;
    }
    this.creating = null;
    this.createErrors += 1;
    if (this.o.createBackoff > 0) {
      this.paused = true;
      // Stryker disable next-line ConditionalExpression: cancelling a null handle does nothing
      if (this.pauseTimer !== null) this.clock.cancel(this.pauseTimer);
      this.pauseTimer = this.clock.schedule(this.onResume, this.o.createBackoff, false);
    }
    // Stryker disable next-line ConditionalExpression: with no waiter, serveWaiters() and takeAll() below do nothing
    if (this.waiters.size === 0) return;
    // Stryker disable ConditionalExpression,BlockStatement: unreachable: waiters wait only while nothing is open, and only this create could have opened something
    if (this.resources.active.length > 0) {
      this.serveWaiters();
      return;
    }
    // Stryker restore ConditionalExpression,BlockStatement
    // Nothing is open: every waiter fails with this error (the caller decides about retrying).
    const reason = isOwnError(error) ? error : new DialError(null, { cause: error });
    for (const waiter of this.waiters.takeAll()) waiter.failed(reason);
  }

  // --- parking ---------------------------------------------------------------------------------

  /** Parks open resources unused for parkTimeout, evicts parked ones unused for idleTimeout. */
  private sweep(): void {
    const now = this.clock.now();
    this.coarseNow = now;
    const r = this.resources;
    r.sweep(now, this.o, this.sweepPeriod);
    // Stryker disable next-line ConditionalExpression: sweep() runs only from the sweep timer, so sweepTimer is set
    if (r.active.length === 0 && r.idle.length === 0 && this.sweepTimer !== null) {
      this.clock.cancel(this.sweepTimer);
      this.sweepTimer = null;
    }
  }

  // --- stats, close ----------------------------------------------------------------------------

  stats(): SharedPoolStats {
    const r = this.resources;
    return {
      size: this.size(),
      maxActive: this.o.maxActive,
      active: r.active.length,
      retiring: r.retiring,
      idle: r.idle.length,
      creating: this.creating === null ? 0 : 1,
      leases: r.leases,
      pending: this.waiters.size,
      created: this.created,
      destroyed: r.disposer.destroyed,
      createErrors: this.createErrors,
      closed: this.shutdown.state !== OPEN,
    };
  }

  close(options?: CloseOptions): Promise<void> {
    const timeout = this.shutdown.start('close()', options, this.o.closeTimeout);
    if (typeof timeout !== 'number') return timeout;
    const closed = this.shutdown.close(timeout, this.onCloseTimeout);
    for (const timer of [this.sweepTimer, this.pauseTimer]) {
      // Stryker disable next-line ConditionalExpression: cancelling a null handle does nothing
      if (timer !== null) this.clock.cancel(timer);
    }
    this.sweepTimer = this.pauseTimer = null;
    const op = this.creating;
    if (op !== null) {
      this.creating = null;
      this.zombies += 1;
      op.controller.abort(new PoolClosedError());
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: with no waiter the loop below does not run
    if (this.waiters.size > 0) {
      const error = new PoolClosedError(
        'The pool was closed while this lease was waiting for a resource; lease before close(), or create a new pool',
      );
      for (const waiter of this.waiters.takeAll()) waiter.failed(error);
    }
    this.resources.retireAll();
    if (timeout === 0) this.forceClose();
    this.checkShutdown();
    return closed;
  }

  [asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Past the close timeout: destroy what is still leased. */
  private forceClose(): void {
    this.resources.destroyAll();
    this.shutdown.closed();
  }

  /** Closing, and nothing left (destroyed, and no create or destroy still running): resolve. */
  private checkShutdown(): void {
    const r = this.resources;
    if (
      this.shutdown.closeWaiting &&
      r.size === 0 &&
      this.zombies === 0 &&
      r.disposer.destroying === 0
    ) {
      this.shutdown.closed();
    }
  }
}

/**
 * Creates a shared (multiplexed) pool: each resource is leased by many users at once (HTTP/2
 * sessions, pipelined connections), the least-loaded one first; another is created in the
 * background when all are at `loadThreshold` (up to `maxActive`); unused ones are parked, then
 * evicted. Throws a `TypeError` with code `RERPC_ERR_INVALID_OPTION` naming the option if one is
 * invalid or unknown.
 *
 * @example
 * const pool = createSharedPool({ ...createTcpConnector({ port: 4000 }), loadThreshold: 50 });
 * const socket = pool.lease() ?? (await pool.acquire());
 * try { socket.write('ping\n'); } finally { pool.unlease(socket); }
 */
export function createSharedPool<T extends object>(options: SharedPoolOptions<T>): SharedPool<T> {
  return new SharedPoolImpl(resolveSharedOptions(options), realClock);
}
