import { asyncDispose, optionError } from '@rerpc/internal';
import { type Clock, realClock, TIMER_SLACK, type TimerHandle } from './clock.js';
import { type CreateOp, Creates, ZOMBIE } from './creates.js';
import { RESOLVED } from './disposer.js';
import {
  AbortError,
  DialError,
  DialTimeoutError,
  isOwnError,
  PoolClosedError,
  PoolExhaustedError,
} from './errors.js';
import {
  acquireStart,
  type PoolOptions,
  type ResolvedPoolOptions,
  resolvePoolOptions,
} from './options.js';
import { Resources } from './resources.js';
import { CLOSED, DRAINING, OPEN, Shutdown } from './shutdown.js';
import { HELD, IDLE, IdleSlots, type Slot, sweepPeriod } from './slots.js';
import type { AcquireOptions, CloseOptions, Pool, PoolStats } from './types.js';
import { type Waiter, WaiterQueue } from './waiters.js';

/**
 * The pool: the life of an acquire, from the idle fast path or the waiter queue, through
 * validation or a create, to the hand-out, the release and the shutdown. Each piece of state has
 * one owner: the waiter queue (and its signal watch), the idle stack (and its sweep plan), the
 * resources (slots, held and destroyed counts), the creates in flight, the shutdown state; this
 * class decides and orders, and owns the timers.
 */
export class PoolImpl<T extends object> implements Pool<T> {
  private readonly o: ResolvedPoolOptions<T>;
  private readonly clock: Clock;
  private readonly waiters = new WaiterQueue<T>((waiter) => this.abortWaiter(waiter));
  private readonly idle: IdleSlots<T>;
  private readonly resources: Resources<T>;
  private readonly creates: Creates<T>;
  private readonly shutdown: Shutdown;
  private timeouts = 0;

  /** One timer for every waiter: deadlines grow along the queue, so only the head's matters. */
  private waitTimer: TimerHandle | null = null;
  private readonly onWaitTimer = (): void => this.expireWaiters();
  private sweepTimer: TimerHandle | null = null;
  private readonly sweepPeriod: number;
  private readonly onSweep = (): void => this.sweep();
  private readonly onDrainTimeout = (): void => void this.close({ timeout: 0 });
  private readonly onCloseTimeout = (): void => this.forceClose();

  constructor(options: ResolvedPoolOptions<T>, clock: Clock) {
    this.o = options;
    this.clock = clock;
    this.sweepPeriod = sweepPeriod(options);
    this.idle = new IdleSlots(options, this.sweepPeriod, options.validate !== null);
    this.resources = new Resources(options.destroy, options.validate, () => {
      // Stryker disable next-line ConditionalExpression: checkShutdown() does nothing while the pool is open
      if (this.shutdown.state !== OPEN) this.checkShutdown();
    });
    this.creates = new Creates(options.create);
    this.shutdown = new Shutdown(clock);
  }

  acquire(options?: AcquireOptions): Promise<T> {
    const signal = acquireStart(this.shutdown.state === OPEN, options);
    if (signal instanceof Error) return Promise.reject(signal);
    // Stryker disable next-line ConditionalExpression: with waiters queued, idle resources exist only while all of them are being validated; dispatch() then gives the idle one to this acquire just the same
    if (this.waiters.size === 0) {
      // Fast path: nobody is queued ahead, so an idle resource can be handed out at once.
      for (let slot = this.idle.pop(); slot !== undefined; slot = this.idle.pop()) {
        if (this.expired(slot)) {
          this.resources.destroy(slot);
          continue;
        }
        const verdict = this.o.validate === null ? true : this.resources.check(slot);
        if (verdict === true) {
          this.resources.hold(slot);
          return Promise.resolve(slot.resource);
        }
        if (verdict === false) continue;
        const waiter = this.enqueue(signal);
        this.startValidation(slot, waiter, verdict);
        return waiter.promise;
      }
    }
    const waiter = this.enqueue(signal);
    this.dispatch();
    return waiter.promise;
  }

  release(resource: T): void {
    const slot = this.resources.get(resource);
    if (slot === undefined || slot.state !== HELD) {
      if (this.shutdown.state === CLOSED) return;
      throw optionError(
        'release() got a resource this pool has not handed out (released twice, already destroyed, or from another pool)',
      );
    }
    this.resources.unhold();
    // Stryker disable next-line ConditionalExpression,BlockStatement: past this, park() destroys a resource once the pool is closed, and checkShutdown() runs below
    if (this.shutdown.state === CLOSED) {
      this.resources.destroy(slot);
      this.checkShutdown();
      return;
    }
    // Stryker disable ConditionalExpression,EqualityOperator: waiters.size === 0 is a fast path; offer() parks it too when no waiter is free
    if (this.expired(slot)) this.resources.destroy(slot);
    else if (this.waiters.size === 0) this.park(slot);
    else this.offer(slot, false);
    // Stryker restore ConditionalExpression,EqualityOperator
    this.dispatch();
    // Stryker disable next-line ConditionalExpression: checkShutdown() does nothing while the pool is open
    if (this.shutdown.state !== OPEN) this.checkShutdown();
  }

  destroy(resource: T): Promise<void> {
    const slot = this.resources.get(resource);
    if (slot === undefined) return RESOLVED;
    if (slot.state === HELD) {
      this.resources.unhold();
    } else if (slot.state === IDLE) {
      this.idle.remove(slot);
    } else {
      // Being validated: the validation's outcome decides; nothing to do here.
      return RESOLVED;
    }
    const done = this.resources.destroy(slot);
    this.dispatch();
    // Stryker disable next-line ConditionalExpression: checkShutdown() does nothing while the pool is open
    if (this.shutdown.state !== OPEN) this.checkShutdown();
    return done;
  }

  drain(options?: CloseOptions): Promise<void> {
    const timeout = this.shutdown.start('drain()', options, this.o.closeTimeout);
    if (typeof timeout !== 'number') return timeout;
    const drained = this.shutdown.drain(timeout, this.onDrainTimeout);
    this.checkShutdown();
    return drained;
  }

  close(options?: CloseOptions): Promise<void> {
    const timeout = this.shutdown.start('close()', options, this.o.closeTimeout);
    if (typeof timeout !== 'number') return timeout;
    const closed = this.shutdown.close(timeout, this.onCloseTimeout);
    this.cancel(this.waitTimer);
    this.cancel(this.sweepTimer);
    this.waitTimer = this.sweepTimer = null;
    // Stryker disable next-line ConditionalExpression: with no waiter the loop below does not run
    if (this.waiters.head !== null) {
      const error = new PoolClosedError(
        'The pool was closed while this acquire was waiting; acquire before close(), or create a new pool',
      );
      for (let waiter = this.waiters.head; waiter !== null; waiter = this.waiters.head) {
        this.unlink(waiter, error);
        waiter.reject(error);
      }
    }
    for (const slot of this.idle.takeAll()) this.resources.destroy(slot);
    if (timeout === 0) this.forceClose();
    this.checkShutdown();
    return closed;
  }

  [asyncDispose](): Promise<void> {
    return this.close();
  }

  stats(): PoolStats {
    const r = this.resources;
    return {
      size: this.size(),
      maxActive: this.o.maxActive,
      active: r.active,
      idle: this.idle.length,
      creating: this.creates.inFlight,
      validating: r.validating,
      pending: this.waiters.size,
      created: this.creates.made,
      destroyed: r.disposer.destroyed,
      timeouts: this.timeouts,
      createErrors: this.creates.failed,
      validationFailures: r.validationFailures,
      closed: this.shutdown.state !== OPEN,
    };
  }

  // --- waiters ---------------------------------------------------------------------------------

  private enqueue(signal: AbortSignal | null): Waiter<T> {
    const timeout = this.o.acquireTimeout;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a deadline is read only by the wait timer, which acquireTimeout 0 never arms
    const waiter = this.waiters.push(signal, timeout > 0 ? this.clock.now() + timeout : 0);
    if (timeout > 0 && this.waitTimer === null) {
      this.waitTimer = this.clock.schedule(this.onWaitTimer, timeout, false);
    }
    return waiter;
  }

  /**
   * Takes a waiter out of the queue. A create it owned passes to a waiter that has none, or is
   * aborted with `reason` if nobody needs it (so a timed-out or aborted acquire leaves no trace).
   */
  private unlink(waiter: Waiter<T>, reason: unknown): void {
    this.waiters.remove(waiter);
    if (waiter.validation !== null) {
      waiter.validation.owner = null;
      waiter.validation = null;
    }
    const op = waiter.create;
    if (op !== null) {
      waiter.create = null;
      op.owner = null;
      const heir = this.waiters.firstNeedy();
      if (heir !== null) {
        op.owner = heir;
        heir.create = op;
      } else {
        this.creates.abort(
          op,
          reason ?? new AbortError(undefined, 'No acquire is waiting for this resource any more'),
        );
      }
    }
  }

  /** A queued waiter's signal aborted (leaving the queue unwatches, so it is still queued). */
  private abortWaiter(waiter: Waiter<T>): void {
    const error = new AbortError(waiter.signal!.reason);
    this.unlink(waiter, error);
    waiter.reject(error);
    this.dispatch();
    // Stryker disable next-line ConditionalExpression,EqualityOperator: what kept the waiter (a create or a validation) checks again when it settles, and a held resource when it is released
    if (this.shutdown.state !== OPEN) this.checkShutdown();
  }

  private expireWaiters(): void {
    this.waitTimer = null;
    const t = this.clock.now() + TIMER_SLACK;
    for (let waiter = this.waiters.due(t); waiter !== null; waiter = this.waiters.due(t)) {
      this.timeouts += 1;
      const error =
        waiter.create !== null
          ? new DialTimeoutError(this.o.acquireTimeout, null)
          : new PoolExhaustedError(this.o.maxActive, this.o.acquireTimeout);
      this.unlink(waiter, error);
      waiter.reject(error);
    }
    const head = this.waiters.head;
    if (head !== null) {
      const wait = Math.max(1, head.deadline - this.clock.now());
      this.waitTimer = this.clock.schedule(this.onWaitTimer, wait, false);
    }
    this.dispatch();
    // Stryker disable next-line ConditionalExpression,EqualityOperator: what kept the waiters (creates, validations, held resources) checks again when it settles or is released
    if (this.shutdown.state !== OPEN) this.checkShutdown();
  }

  // --- handing out -----------------------------------------------------------------------------

  private size(): number {
    const r = this.resources;
    return r.active + this.idle.length + this.creates.inFlight + r.validating;
  }

  /** Whether the slot outlived `maxLifetime`. */
  private expired(slot: Slot<T>): boolean {
    return this.o.maxLifetime > 0 && this.clock.now() - slot.createdAt >= this.o.maxLifetime;
  }

  /** Serves waiters from idle resources, then starts creates for waiters nothing works for. */
  private dispatch(): void {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a fast path; with no waiter both loops stop at once, and close() leaves no waiter
    if (this.waiters.size === 0 || this.shutdown.state === CLOSED) return;
    while (this.idle.length > 0) {
      const waiter = this.waiters.firstFree();
      if (waiter === null) break;
      const slot = this.idle.pop()!;
      if (this.expired(slot)) {
        this.resources.destroy(slot);
        continue;
      }
      this.handOut(slot, waiter, false);
    }
    while (this.size() < this.o.maxActive) {
      const waiter = this.waiters.firstNeedy();
      if (waiter === null) break;
      this.startCreate(waiter);
    }
  }

  /** Gives a resource that is in no list to the first free waiter, or parks it idle. */
  private offer(slot: Slot<T>, validated: boolean): void {
    const waiter = this.waiters.firstFree();
    if (waiter === null) this.park(slot);
    else this.handOut(slot, waiter, validated);
  }

  private handOut(slot: Slot<T>, waiter: Waiter<T>, validated: boolean): void {
    const verdict = validated || this.o.validate === null ? true : this.resources.check(slot);
    if (verdict === true) this.give(slot, waiter);
    else if (verdict !== false) this.startValidation(slot, waiter, verdict);
    // false: check() destroyed it; the caller's dispatch() finds the waiter another.
  }

  private give(slot: Slot<T>, waiter: Waiter<T>): void {
    this.unlink(waiter, null);
    this.resources.hold(slot);
    waiter.resolve(slot.resource);
  }

  private park(slot: Slot<T>): void {
    // Stryker disable next-line ConditionalExpression: once closed, release() and validated() destroy a resource before it could be parked
    if (this.idle.length >= this.o.maxIdle || this.shutdown.state === CLOSED) {
      this.resources.destroy(slot);
      return;
    }
    if (this.sweepTimer === null && this.sweepPeriod > 0) {
      this.idle.start(this.clock.now());
      this.sweepTimer = this.clock.schedule(this.onSweep, this.sweepPeriod, true);
    }
    this.idle.push(slot);
  }

  // --- validation and creates ------------------------------------------------------------------

  private startValidation(
    slot: Slot<T>,
    waiter: Waiter<T> | null,
    verdict: PromiseLike<boolean>,
  ): void {
    this.resources.startValidation(slot, waiter);
    verdict.then(
      (ok) => this.validated(slot, ok === true),
      () => this.validated(slot, false),
    );
  }

  private validated(slot: Slot<T>, ok: boolean): void {
    const waiter = slot.owner;
    if (!this.resources.endValidation(slot, ok)) return; // destroyed by a forced close meanwhile
    // Stryker disable ConditionalExpression,BooleanLiteral: once closed, offer() finds no waiter and park() destroys it; without the owner test, offer() serves the oldest free waiter (the owner, or an older one whose validation failed meanwhile and whose create then passes to the owner: each still gets one), validating again only costs a call
    if (!ok || this.shutdown.state === CLOSED || this.expired(slot)) this.resources.destroy(slot);
    else if (waiter !== null) this.give(slot, waiter);
    else this.offer(slot, true);
    // Stryker restore ConditionalExpression,BooleanLiteral
    this.dispatch();
    // Stryker disable next-line ConditionalExpression: checkShutdown() does nothing while the pool is open
    if (this.shutdown.state !== OPEN) this.checkShutdown();
  }

  private startCreate(waiter: Waiter<T>): void {
    const op = this.creates.start(waiter);
    op.result!.then(
      (resource) => this.onCreated(op, resource),
      (error: unknown) => this.onCreateFailed(op, error),
    );
  }

  private onCreated(op: CreateOp<T>, resource: T): void {
    if (this.creates.settle(op, true) === ZOMBIE) {
      // Nobody wants it any more; it was made anyway (create ignored its signal).
      this.resources.disposer.discard(resource);
    } else {
      // Fresh resources skip validation; the oldest free waiter gets it (FIFO), not necessarily
      // the one that asked for it: that one inherits the served waiter's create, if it had one.
      this.offer(this.resources.add(resource, this.clock.now()), true);
      this.dispatch();
    }
    // Stryker disable next-line ConditionalExpression: checkShutdown() does nothing while the pool is open
    if (this.shutdown.state !== OPEN) this.checkShutdown();
  }

  private onCreateFailed(op: CreateOp<T>, error: unknown): void {
    const owner = this.creates.settle(op, false);
    if (owner !== ZOMBIE) {
      // Stryker disable next-line ConditionalExpression: a create that is not aborted always has an owner (unlink() passes it on or aborts it)
      if (owner !== null) {
        const reason = isOwnError(error) ? error : new DialError(null, { cause: error });
        this.unlink(owner, reason);
        owner.reject(reason);
      }
      this.dispatch();
    }
    // Stryker disable next-line ConditionalExpression: checkShutdown() does nothing while the pool is open
    if (this.shutdown.state !== OPEN) this.checkShutdown();
  }

  // --- sweeping and shutting down --------------------------------------------------------------

  /** Evicts idle resources past idleTimeout or maxLifetime; validates the rest when due. */
  private sweep(): void {
    const { expired, check } = this.idle.sweep(this.clock.now());
    for (const slot of expired) this.resources.destroy(slot);
    for (const slot of check) {
      const verdict = this.resources.check(slot);
      if (verdict === true) this.idle.restore(slot);
      else if (verdict !== false) this.startValidation(slot, null, verdict);
    }
    // Stryker disable next-line ConditionalExpression: the sweep runs only from its timer, so the timer is set
    if (this.idle.length === 0 && this.sweepTimer !== null) {
      this.clock.cancel(this.sweepTimer);
      this.sweepTimer = null;
    }
    this.dispatch();
  }

  private cancel(timer: TimerHandle | null): void {
    // Stryker disable next-line ConditionalExpression: clock.cancel(null) does nothing
    if (timer !== null) this.clock.cancel(timer);
  }

  /** Past the close timeout: destroy what is still in use or being validated. */
  private forceClose(): void {
    this.resources.destroyAll();
    this.shutdown.closed();
  }

  /** Draining and nothing out: close. Closing and nothing left: resolve. */
  private checkShutdown(): void {
    const r = this.resources;
    if (this.shutdown.state === DRAINING) {
      // Stryker disable next-line ConditionalExpression: validating === 0: a health check's validation (no waiter) ends the same way once closed (validated() destroys it) as when parked and then closed
      if (this.waiters.size === 0 && r.active === 0 && r.validating === 0) this.close();
      return;
    }
    if (
      this.shutdown.closeWaiting &&
      r.active === 0 &&
      r.validating === 0 &&
      // Stryker disable next-line ConditionalExpression: close() aborts every create (they become zombies), and dispatch() starts none once closed
      this.creates.inFlight === 0 &&
      this.creates.zombies === 0 &&
      r.disposer.destroying === 0
    ) {
      this.shutdown.closed();
    }
  }
}

/**
 * Creates a pool of resources (connections, usually): idle ones are reused, validated before
 * they are handed out, and evicted when idle too long; at most `maxActive` exist; waiters are
 * served first come, first served. Throws a `TypeError` with code `RERPC_ERR_INVALID_OPTION`
 * naming the option if one is invalid or unknown.
 *
 * @example
 * const pool = createPool({ ...createTcpConnector({ port: 4000 }), maxActive: 10 });
 * const socket = await pool.acquire();
 * try { socket.write('ping\n'); } finally { pool.release(socket); }
 */
export function createPool<T extends object>(options: PoolOptions<T>): Pool<T> {
  return new PoolImpl(resolvePoolOptions(options), realClock);
}
