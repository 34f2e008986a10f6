import { describe, optionError, rejectUnknownOptions } from '@rerpc/internal';
import {
  AbortError,
  DialError,
  DialTimeoutError,
  isOwnError,
  PoolClosedError,
  PoolExhaustedError,
} from './errors.js';
import {
  checkInteger,
  MAX_TIMER,
  type PoolOptions,
  type ResolvedPoolOptions,
  resolvePoolOptions,
} from './options.js';

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

const OPEN = 0;
const DRAINING = 1;
const CLOSED = 2;

const IDLE = 0;
const HELD = 1;
const VALIDATING = 2;
const DEAD = 3;

const RESOLVED: Promise<void> = Promise.resolve();
const noop = (): void => {};
const now = (): number => performance.now();
// Node can fire a timer up to a millisecond before performance.now() says it is due.
const TIMER_SLACK = 1;

/** One resource the pool knows about. */
class Slot<T extends object> {
  readonly resource: T;
  readonly createdAt: number;
  state: number = HELD;
  idleSince = 0;
  /** The waiter an asynchronous validation is for, or null. */
  owner: Waiter<T> | null = null;

  constructor(resource: T, createdAt: number) {
    this.resource = resource;
    this.createdAt = createdAt;
  }
}

/** One `create()` in flight; it always works for a waiter, or is aborted. */
class CreateOp<T extends object> {
  readonly controller = new AbortController();
  owner: Waiter<T> | null;
  aborted = false;

  constructor(owner: Waiter<T>) {
    this.owner = owner;
  }
}

/** One queued acquire: a node of the FIFO doubly linked list, and its own abort listener. */
class Waiter<T extends object> {
  readonly pool: PoolImpl<T>;
  readonly signal: AbortSignal | null;
  readonly deadline: number;
  readonly promise: Promise<T>;
  resolve: (value: T) => void = noop;
  reject: (reason: unknown) => void = noop;
  create: CreateOp<T> | null = null;
  validation: Slot<T> | null = null;
  prev: Waiter<T> | null = null;
  next: Waiter<T> | null = null;
  queued = true;

  constructor(pool: PoolImpl<T>, signal: AbortSignal | null, deadline: number) {
    this.pool = pool;
    this.signal = signal;
    this.deadline = deadline;
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** The signal's 'abort' listener: an object listener, so no closure per acquire. */
  handleEvent(): void {
    this.pool.abortWaiter(this);
  }
}

const asyncDispose: typeof Symbol.asyncDispose =
  Symbol.asyncDispose ?? (Symbol.for('nodejs.asyncDispose') as typeof Symbol.asyncDispose);

class PoolImpl<T extends object> implements Pool<T> {
  private readonly o: ResolvedPoolOptions<T>;
  private readonly slots = new Map<T, Slot<T>>();
  /** Idle resources, a stack: the most recently released is reused first, so the rest can age out. */
  private readonly idle: Slot<T>[] = [];
  private head: Waiter<T> | null = null;
  private tail: Waiter<T> | null = null;
  private waiting = 0;
  private active = 0;
  private creating = 0;
  private validating = 0;
  /** Aborted creates not settled yet; close waits for them so nothing they make leaks. */
  private zombies = 0;
  /** destroy() calls whose promise has not settled. */
  private destroying = 0;
  private created = 0;
  private destroyed = 0;
  private timeouts = 0;
  private createErrors = 0;
  private validationFailures = 0;
  private state = OPEN;

  /** One timer for every waiter: deadlines grow along the queue, so only the head's matters. */
  private waitTimer: NodeJS.Timeout | null = null;
  private readonly onWaitTimer = (): void => this.expireWaiters();
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly sweepPeriod: number;
  private lastHealthCheck = 0;
  /**
   * A coarse clock for idle times: set when the sweep starts and at each sweep, so releasing a
   * resource reads a field instead of calling performance.now() (measured: ~15% of an
   * acquire/release cycle). It lags by less than one sweep period; sweep() allows for that.
   */
  private clock = 0;
  private readonly onSweep = (): void => this.sweep();
  private readonly onDestroyed = (): void => {
    this.destroying -= 1;
    if (this.state !== OPEN) this.checkShutdown();
  };

  private closePromise: Promise<void> | null = null;
  private closeResolve: (() => void) | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  private drainPromise: Promise<void> | null = null;
  private drainResolve: (() => void) | null = null;
  private drainTimer: NodeJS.Timeout | null = null;

  constructor(options: ResolvedPoolOptions<T>) {
    this.o = options;
    let period = 0;
    for (const ms of [options.idleTimeout, options.healthCheckInterval, options.maxLifetime]) {
      if (ms > 0 && (period === 0 || ms < period)) period = ms;
    }
    this.sweepPeriod = period;
  }

  acquire(options?: AcquireOptions): Promise<T> {
    if (this.state !== OPEN) return Promise.reject(new PoolClosedError());
    let signal: AbortSignal | null = null;
    if (options !== undefined) {
      try {
        signal = acquireSignal(options);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    if (this.waiting === 0) {
      // Fast path: nobody is queued ahead, so an idle resource can be handed out at once.
      while (this.idle.length > 0) {
        const slot = this.idle.pop()!;
        if (this.o.maxLifetime > 0 && now() - slot.createdAt >= this.o.maxLifetime) {
          this.destroySlot(slot);
          continue;
        }
        const verdict = this.o.validate === null ? true : this.check(slot);
        if (verdict === true) {
          slot.state = HELD;
          this.active += 1;
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
    const slot = this.slots.get(resource);
    if (slot === undefined || slot.state !== HELD) {
      if (this.state === CLOSED) return;
      throw optionError(
        'release() got a resource this pool has not handed out (released twice, already destroyed, or from another pool)',
      );
    }
    this.active -= 1;
    if (this.state === CLOSED) {
      this.destroySlot(slot);
      this.checkShutdown();
      return;
    }
    if (this.o.maxLifetime > 0 && now() - slot.createdAt >= this.o.maxLifetime) {
      this.destroySlot(slot);
    } else if (this.waiting === 0) {
      this.park(slot);
    } else {
      this.offer(slot, false);
    }
    this.dispatch();
    if (this.state !== OPEN) this.checkShutdown();
  }

  destroy(resource: T): Promise<void> {
    const slot = this.slots.get(resource);
    if (slot === undefined) return RESOLVED;
    if (slot.state === HELD) {
      this.active -= 1;
    } else if (slot.state === IDLE) {
      this.idle.splice(this.idle.indexOf(slot), 1);
    } else {
      // Being validated: the validation's outcome decides; nothing to do here.
      return RESOLVED;
    }
    const done = this.destroySlot(slot);
    this.dispatch();
    if (this.state !== OPEN) this.checkShutdown();
    return done;
  }

  drain(options?: CloseOptions): Promise<void> {
    if (this.drainPromise !== null) return this.drainPromise;
    if (this.closePromise !== null) return this.closePromise;
    let timeout: number;
    try {
      timeout = closeTimeout(options, this.o.closeTimeout, 'drain()');
    } catch (error) {
      return Promise.reject(error);
    }
    this.state = DRAINING;
    this.drainPromise = new Promise<void>((resolve) => {
      this.drainResolve = resolve;
    });
    if (timeout !== Number.POSITIVE_INFINITY) {
      this.drainTimer = setTimeout(() => this.finishDrain(true), timeout);
      this.drainTimer.unref();
    }
    this.checkShutdown();
    return this.drainPromise;
  }

  close(options?: CloseOptions): Promise<void> {
    if (this.closePromise !== null) return this.closePromise;
    let timeout: number;
    try {
      timeout = closeTimeout(options, this.o.closeTimeout, 'close()');
    } catch (error) {
      return Promise.reject(error);
    }
    this.state = CLOSED;
    const closed = new Promise<void>((resolve) => {
      this.closeResolve = resolve;
    });
    this.closePromise = closed;
    if (this.drainResolve !== null) {
      // close() during drain(): the drain ends with the close.
      closed.then(this.drainResolve);
      this.drainResolve = null;
    }
    if (this.drainTimer !== null) clearTimeout(this.drainTimer);
    if (this.waitTimer !== null) clearTimeout(this.waitTimer);
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.waitTimer = this.sweepTimer = this.drainTimer = null;
    if (this.head !== null) {
      const error = new PoolClosedError(
        'The pool was closed while this acquire was waiting; acquire before close(), or create a new pool',
      );
      while (this.head !== null) {
        const waiter = this.head;
        this.unlink(waiter, error);
        waiter.reject(error);
      }
    }
    for (const slot of this.idle) this.destroySlot(slot);
    this.idle.length = 0;
    if (timeout === 0) {
      this.forceClose();
    } else if (timeout !== Number.POSITIVE_INFINITY) {
      this.closeTimer = setTimeout(() => this.forceClose(), timeout);
      this.closeTimer.unref();
    }
    this.checkShutdown();
    return closed;
  }

  [asyncDispose](): Promise<void> {
    return this.close();
  }

  stats(): PoolStats {
    return {
      size: this.size(),
      maxActive: this.o.maxActive,
      active: this.active,
      idle: this.idle.length,
      creating: this.creating,
      validating: this.validating,
      pending: this.waiting,
      created: this.created,
      destroyed: this.destroyed,
      timeouts: this.timeouts,
      createErrors: this.createErrors,
      validationFailures: this.validationFailures,
      closed: this.state !== OPEN,
    };
  }

  // --- waiters ---------------------------------------------------------------------------------

  private enqueue(signal: AbortSignal | null): Waiter<T> {
    const timeout = this.o.acquireTimeout;
    const waiter = new Waiter<T>(this, signal, timeout > 0 ? now() + timeout : 0);
    if (this.tail === null) {
      this.head = waiter;
    } else {
      this.tail.next = waiter;
      waiter.prev = this.tail;
    }
    this.tail = waiter;
    this.waiting += 1;
    if (signal !== null) signal.addEventListener('abort', waiter, { once: true });
    if (timeout > 0 && this.waitTimer === null) {
      this.waitTimer = setTimeout(this.onWaitTimer, timeout);
      this.waitTimer.unref();
    }
    return waiter;
  }

  /**
   * Takes a waiter out of the queue. A create it owned passes to a waiter that has none, or is
   * aborted with `reason` if nobody needs it (so a timed-out or aborted acquire leaves no trace).
   */
  private unlink(waiter: Waiter<T>, reason: unknown): void {
    if (waiter.prev === null) this.head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === null) this.tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = waiter.next = null;
    waiter.queued = false;
    this.waiting -= 1;
    if (waiter.signal !== null) waiter.signal.removeEventListener('abort', waiter);
    if (waiter.validation !== null) {
      waiter.validation.owner = null;
      waiter.validation = null;
    }
    const op = waiter.create;
    if (op !== null) {
      waiter.create = null;
      op.owner = null;
      const heir = this.firstNeedy();
      if (heir !== null) {
        op.owner = heir;
        heir.create = op;
      } else {
        this.abortCreate(
          op,
          reason ?? new AbortError(undefined, 'No acquire is waiting for this resource any more'),
        );
      }
    }
  }

  /** @internal The waiter's signal aborted. */
  abortWaiter(waiter: Waiter<T>): void {
    if (!waiter.queued) return;
    const error = new AbortError(waiter.signal!.reason);
    this.unlink(waiter, error);
    waiter.reject(error);
    this.dispatch();
    if (this.state !== OPEN) this.checkShutdown();
  }

  private expireWaiters(): void {
    this.waitTimer = null;
    const t = now() + TIMER_SLACK;
    while (this.head !== null && this.head.deadline <= t) {
      const waiter = this.head;
      this.timeouts += 1;
      const error =
        waiter.create !== null
          ? new DialTimeoutError(this.o.acquireTimeout, null)
          : new PoolExhaustedError(this.o.maxActive, this.o.acquireTimeout);
      this.unlink(waiter, error);
      waiter.reject(error);
    }
    if (this.head !== null) {
      this.waitTimer = setTimeout(this.onWaitTimer, Math.max(1, this.head.deadline - now()));
      this.waitTimer.unref();
    }
    this.dispatch();
    if (this.state !== OPEN) this.checkShutdown();
  }

  /** The first waiter not already waiting on a validation (at most `validating` are skipped). */
  private firstFree(): Waiter<T> | null {
    let waiter = this.head;
    while (waiter !== null && waiter.validation !== null) waiter = waiter.next;
    return waiter;
  }

  /** The first waiter with neither a create nor a validation working for it. */
  private firstNeedy(): Waiter<T> | null {
    let waiter = this.head;
    while (waiter !== null && (waiter.create !== null || waiter.validation !== null)) {
      waiter = waiter.next;
    }
    return waiter;
  }

  // --- handing out -----------------------------------------------------------------------------

  private size(): number {
    return this.active + this.idle.length + this.creating + this.validating;
  }

  /** Serves waiters from idle resources, then starts creates for waiters nothing works for. */
  private dispatch(): void {
    if (this.waiting === 0 || this.state === CLOSED) return;
    while (this.idle.length > 0) {
      const waiter = this.firstFree();
      if (waiter === null) break;
      const slot = this.idle.pop()!;
      if (this.o.maxLifetime > 0 && now() - slot.createdAt >= this.o.maxLifetime) {
        this.destroySlot(slot);
        continue;
      }
      this.handOut(slot, waiter, false);
    }
    while (this.size() < this.o.maxActive) {
      const waiter = this.firstNeedy();
      if (waiter === null) break;
      this.startCreate(waiter);
    }
  }

  /** Gives a resource that is in no list to the first free waiter, or parks it idle. */
  private offer(slot: Slot<T>, validated: boolean): void {
    const waiter = this.firstFree();
    if (waiter === null) this.park(slot);
    else this.handOut(slot, waiter, validated);
  }

  private handOut(slot: Slot<T>, waiter: Waiter<T>, validated: boolean): void {
    const verdict = validated || this.o.validate === null ? true : this.check(slot);
    if (verdict === true) this.give(slot, waiter);
    else if (verdict !== false) this.startValidation(slot, waiter, verdict);
    // false: check() destroyed it; the caller's dispatch() finds the waiter another.
  }

  private give(slot: Slot<T>, waiter: Waiter<T>): void {
    this.unlink(waiter, null);
    slot.state = HELD;
    this.active += 1;
    waiter.resolve(slot.resource);
  }

  private park(slot: Slot<T>): void {
    if (this.idle.length >= this.o.maxIdle || this.state === CLOSED) {
      this.destroySlot(slot);
      return;
    }
    slot.state = IDLE;
    if (this.sweepTimer === null && this.sweepPeriod > 0) {
      this.clock = this.lastHealthCheck = now();
      this.sweepTimer = setInterval(this.onSweep, this.sweepPeriod);
      this.sweepTimer.unref();
    }
    slot.idleSince = this.clock;
    this.idle.push(slot);
  }

  // --- validation ------------------------------------------------------------------------------

  /**
   * Runs `validate()`: `true` keeps the resource, `false` means it was destroyed, a thenable means
   * the answer comes later.
   */
  private check(slot: Slot<T>): boolean | PromiseLike<boolean> {
    let verdict: boolean | PromiseLike<boolean>;
    try {
      verdict = this.o.validate!(slot.resource);
    } catch {
      verdict = false;
    }
    if (verdict === true) return true;
    if (verdict !== null && typeof verdict === 'object' && typeof verdict.then === 'function') {
      return verdict;
    }
    this.validationFailures += 1;
    this.destroySlot(slot);
    return false;
  }

  private startValidation(
    slot: Slot<T>,
    waiter: Waiter<T> | null,
    verdict: PromiseLike<boolean>,
  ): void {
    slot.state = VALIDATING;
    slot.owner = waiter;
    if (waiter !== null) waiter.validation = slot;
    this.validating += 1;
    verdict.then(
      (ok) => this.validated(slot, ok === true),
      () => this.validated(slot, false),
    );
  }

  private validated(slot: Slot<T>, ok: boolean): void {
    if (slot.state !== VALIDATING) return; // destroyed by a forced close meanwhile
    this.validating -= 1;
    const waiter = slot.owner;
    slot.owner = null;
    if (waiter !== null) waiter.validation = null;
    if (!ok) this.validationFailures += 1;
    if (
      !ok ||
      this.state === CLOSED ||
      (this.o.maxLifetime > 0 && now() - slot.createdAt >= this.o.maxLifetime)
    ) {
      this.destroySlot(slot);
    } else if (waiter !== null) {
      this.give(slot, waiter);
    } else {
      this.offer(slot, true);
    }
    this.dispatch();
    if (this.state !== OPEN) this.checkShutdown();
  }

  // --- creating --------------------------------------------------------------------------------

  private startCreate(waiter: Waiter<T>): void {
    const op = new CreateOp<T>(waiter);
    waiter.create = op;
    this.creating += 1;
    let made: T | PromiseLike<T>;
    try {
      made = this.o.create(op.controller.signal);
    } catch (error) {
      made = Promise.reject(error);
    }
    Promise.resolve(made).then(
      (resource) => this.onCreated(op, resource),
      (error: unknown) => this.onCreateFailed(op, error),
    );
  }

  private abortCreate(op: CreateOp<T>, reason: unknown): void {
    op.aborted = true;
    op.owner = null;
    this.creating -= 1;
    this.zombies += 1;
    op.controller.abort(reason);
  }

  private onCreated(op: CreateOp<T>, resource: T): void {
    this.created += 1;
    if (op.aborted) {
      // Nobody wants it any more; it was made anyway (create ignored its signal).
      this.zombies -= 1;
      this.destroyed += 1;
      this.destroyResource(resource);
      if (this.state !== OPEN) this.checkShutdown();
      return;
    }
    this.creating -= 1;
    const owner = op.owner;
    op.owner = null;
    if (owner !== null) owner.create = null;
    const slot = new Slot(resource, now());
    this.slots.set(resource, slot);
    // Fresh resources skip validation; the oldest free waiter gets it (FIFO), not necessarily the
    // one that asked for it: that one inherits the served waiter's create, if it had one.
    this.offer(slot, true);
    this.dispatch();
    if (this.state !== OPEN) this.checkShutdown();
  }

  private onCreateFailed(op: CreateOp<T>, error: unknown): void {
    if (op.aborted) {
      this.zombies -= 1;
      if (this.state !== OPEN) this.checkShutdown();
      return;
    }
    this.creating -= 1;
    this.createErrors += 1;
    const owner = op.owner;
    op.owner = null;
    if (owner !== null) {
      owner.create = null;
      const reason = isOwnError(error) ? error : new DialError(null, { cause: error });
      this.unlink(owner, reason);
      owner.reject(reason);
    }
    this.dispatch();
    if (this.state !== OPEN) this.checkShutdown();
  }

  // --- destroying ------------------------------------------------------------------------------

  private destroySlot(slot: Slot<T>): Promise<void> {
    slot.state = DEAD;
    slot.owner = null;
    this.slots.delete(slot.resource);
    this.destroyed += 1;
    return this.destroyResource(slot.resource);
  }

  private destroyResource(resource: T): Promise<void> {
    let result: unknown;
    try {
      result = this.o.destroy(resource);
    } catch {
      return RESOLVED;
    }
    if (
      result !== null &&
      typeof result === 'object' &&
      typeof (result as PromiseLike<unknown>).then === 'function'
    ) {
      this.destroying += 1;
      return Promise.resolve(result).then(this.onDestroyed, this.onDestroyed);
    }
    return RESOLVED;
  }

  // --- sweeping --------------------------------------------------------------------------------

  /** Evicts idle resources past idleTimeout or maxLifetime; validates the rest when due. */
  private sweep(): void {
    const t = now() + TIMER_SLACK;
    this.clock = t - TIMER_SLACK;
    const { idleTimeout, maxLifetime, healthCheckInterval } = this.o;
    // idleSince is the coarse clock, up to one period before the real release: never evict early.
    const idleLimit = idleTimeout + this.sweepPeriod;
    const health =
      healthCheckInterval > 0 &&
      this.o.validate !== null &&
      t - this.lastHealthCheck >= healthCheckInterval - this.sweepPeriod / 2;
    if (health) this.lastHealthCheck = t;
    const idle = this.idle;
    let kept = 0;
    for (let i = 0; i < idle.length; i++) {
      const slot = idle[i]!;
      if (
        (idleTimeout > 0 && t - slot.idleSince >= idleLimit) ||
        (maxLifetime > 0 && t - slot.createdAt >= maxLifetime)
      ) {
        this.destroySlot(slot);
        continue;
      }
      if (health) {
        const verdict = this.check(slot);
        if (verdict === false) continue;
        if (verdict !== true) {
          this.startValidation(slot, null, verdict);
          continue;
        }
      }
      idle[kept++] = slot;
    }
    idle.length = kept;
    if (kept === 0 && this.sweepTimer !== null) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = null;
    }
    this.dispatch();
  }

  // --- shutting down ---------------------------------------------------------------------------

  private finishDrain(force: boolean): void {
    if (this.drainTimer !== null) clearTimeout(this.drainTimer);
    this.drainTimer = null;
    this.close(force ? { timeout: 0 } : undefined);
  }

  /** Past the close timeout: destroy what is still in use or being validated. */
  private forceClose(): void {
    this.closeTimer = null;
    for (const slot of this.slots.values()) {
      if (slot.state === HELD) this.active -= 1;
      else if (slot.state === VALIDATING) this.validating -= 1;
      this.destroySlot(slot);
    }
    this.resolveClose();
  }

  private checkShutdown(): void {
    if (this.state === DRAINING) {
      if (this.waiting === 0 && this.active === 0 && this.validating === 0) {
        this.finishDrain(false);
      }
      return;
    }
    if (
      this.closeResolve !== null &&
      this.active === 0 &&
      this.validating === 0 &&
      this.creating === 0 &&
      this.zombies === 0 &&
      this.destroying === 0
    ) {
      this.resolveClose();
    }
  }

  private resolveClose(): void {
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.closeTimer = null;
    const resolve = this.closeResolve;
    this.closeResolve = null;
    if (resolve !== null) resolve();
  }
}

/** The names {@link Pool.acquire} accepts. */
const ACQUIRE_OPTIONS: readonly string[] = ['signal'];
/** The names {@link Pool.close} and {@link Pool.drain} accept. */
const CLOSE_OPTIONS: readonly string[] = ['timeout'];

/** Checks `acquire()` options (off the fast path: only when some are given); returns the signal. */
function acquireSignal(options: AcquireOptions): AbortSignal | null {
  if (typeof options !== 'object' || options === null) {
    throw optionError(`acquire() options must be an object, got ${describe(options)}`);
  }
  rejectUnknownOptions(options, ACQUIRE_OPTIONS, 'acquire() options');
  const signal: unknown = options.signal;
  if (signal === undefined || signal === null) return null;
  // Duck-typed, as the pool uses it: a signal from another realm or a polyfill works too.
  const s = signal as Partial<AbortSignal>;
  if (
    typeof signal !== 'object' ||
    typeof s.aborted !== 'boolean' ||
    typeof s.addEventListener !== 'function'
  ) {
    throw optionError(`signal must be an AbortSignal, got ${describe(signal)}`);
  }
  return signal as AbortSignal;
}

function closeTimeout(
  options: CloseOptions | undefined,
  fallback: number,
  what: 'close()' | 'drain()',
): number {
  if (options === undefined) return fallback;
  if (typeof options !== 'object' || options === null) {
    throw optionError(`${what} options must be an object, got ${describe(options)}`);
  }
  rejectUnknownOptions(options, CLOSE_OPTIONS, `${what} options`);
  const timeout = options.timeout;
  return timeout === undefined ? fallback : checkInteger('timeout', timeout, 0, MAX_TIMER, true);
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
  return new PoolImpl(resolvePoolOptions(options));
}
