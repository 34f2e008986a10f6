import { TIMER_SLACK } from './clock.js';
import { Disposer, RESOLVED } from './disposer.js';

// Entry states.
export const ACTIVE = 0;
export const RETIRED = 1;
export const IDLE = 2;
export const DEAD = 3;

/** One resource a shared pool knows: its state and its leases. Every field set here (one shape). */
export class Entry<T extends object> {
  readonly resource: T;
  state = ACTIVE;
  leases = 0;
  /** When it was last leased or unleased (ACTIVE), or parked (IDLE): the pool's coarse clock. */
  lastUse: number;

  constructor(resource: T, now: number) {
    this.resource = resource;
    this.lastUse = now;
  }
}

/** The limits a sweep applies (ms; 0 disables each). */
export interface SweepLimits {
  readonly parkTimeout: number;
  readonly idleTimeout: number;
  readonly maxIdle: number;
}

/**
 * How often the sweep runs: a quarter of the shorter of `parkTimeout` and `idleTimeout`, so a
 * resource is parked or evicted at most about half that late; 0 (no sweep) when nothing is ever
 * parked.
 */
export function sharedSweepPeriod(limits: SweepLimits): number {
  if (limits.parkTimeout === 0) return 0;
  const { idleTimeout, parkTimeout } = limits;
  const shortest =
    // Stryker disable next-line EqualityOperator: when idleTimeout equals parkTimeout either is the shorter
    idleTimeout > 0 && idleTimeout < parkTimeout ? idleTimeout : parkTimeout;
  return Math.max(1, Math.ceil(shortest / 4));
}

/**
 * Every resource of a shared pool: the open ones (the lease candidates, in the order they
 * opened), the retired ones still leased, the parked ones (a stack: the most recently parked is
 * taken back first, so the rest age out), their lease counts, the least-loaded choice, and the
 * destroying of them. The pool decides when; this keeps the lists and counters consistent.
 */
export class SharedResources<T extends object> {
  private readonly entries = new Map<T, Entry<T>>();
  /** Open resources, in the order they opened (ties in load go to the earliest). */
  readonly active: Entry<T>[] = [];
  /** Parked resources; the last is the most recently parked. */
  readonly idle: Entry<T>[] = [];
  /** Retired resources still leased. */
  retiring = 0;
  /** Leases held now, over every resource. */
  leases = 0;
  /** The load of the entry {@link pick} returned last. */
  bestLoad = 0;
  private readonly load: ((resource: T, leases: number) => number) | null;
  /** Destroys resources (a tracked one through `destroy()`, an untracked one directly) and counts it. */
  readonly disposer: Disposer<T>;

  /** @param onDestroyed called when an asynchronous `destroy()` settles */
  constructor(
    load: ((resource: T, leases: number) => number) | null,
    destroy: (resource: T) => unknown,
    onDestroyed: () => void,
  ) {
    this.load = load;
    this.disposer = new Disposer(destroy, onDestroyed);
  }

  get(resource: T): Entry<T> | undefined {
    return this.entries.get(resource);
  }

  /** Resources that exist: open, retiring or parked (the pool's close waits for all of them). */
  get size(): number {
    // Stryker disable next-line ArithmeticOperator: read only by close(), which emptied the open and parked lists (nothing opens once closed): only retiring counts
    return this.active.length + this.retiring + this.idle.length;
  }

  /**
   * The least-loaded open entry (its load in {@link bestLoad}), or null when none is open. The
   * per-lease scan: no allocation; a load of 0 or less ends it (nothing beats it).
   */
  pick(): Entry<T> | null {
    const list = this.active;
    const n = list.length;
    if (n === 0) return null;
    let best = list[0]!;
    const load = this.load;
    if (load === null) {
      let min = best.leases;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: lease counts are never negative: stopping at 0 only skips a scan that keeps the earliest on a tie
      for (let i = 1; i < n && min > 0; i++) {
        const entry = list[i]!;
        if (entry.leases < min) {
          best = entry;
          min = entry.leases;
        }
      }
      this.bestLoad = min;
    } else {
      let min = load(best.resource, best.leases);
      for (let i = 1; i < n && min > 0; i++) {
        const entry = list[i]!;
        const l = load(entry.resource, entry.leases);
        if (l < min) {
          best = entry;
          min = l;
        }
      }
      this.bestLoad = min;
    }
    return best;
  }

  lease(entry: Entry<T>, now: number): void {
    entry.leases += 1;
    entry.lastUse = now;
    this.leases += 1;
  }

  /** Ends one lease (the caller checked `entry.leases > 0`). */
  unlease(entry: Entry<T>, now: number): void {
    entry.leases -= 1;
    entry.lastUse = now;
    this.leases -= 1;
  }

  /** A resource `create()` made: open, at the end of the lease candidates. */
  add(resource: T, now: number): Entry<T> {
    const entry = new Entry(resource, now);
    this.entries.set(resource, entry);
    this.active.push(entry);
    return entry;
  }

  /** Takes the most recently parked entry back into use (the caller validates it), or null. */
  unpark(now: number): Entry<T> | null {
    const entry = this.idle.pop();
    if (entry === undefined) return null;
    entry.state = ACTIVE;
    entry.lastUse = now;
    this.active.push(entry);
    return entry;
  }

  /** Stops leasing an open entry; destroys it if it has no lease (returns whether it did). */
  retire(entry: Entry<T>): boolean {
    // Stryker disable BooleanLiteral: the pool's afterDestroy() for a retired open resource does nothing: no waiter waits while one is open, nor is one open once closed
    if (entry.leases === 0) {
      void this.destroy(entry);
      return true;
    }
    remove(this.active, entry);
    entry.state = RETIRED;
    this.retiring += 1;
    return false;
    // Stryker restore BooleanLiteral
  }

  /** Retires every open entry (see {@link retire}) and destroys every parked one. */
  retireAll(): void {
    const active = this.active;
    for (let i = active.length - 1; i >= 0; i--) this.retire(active[i]!);
    for (const entry of this.idle.splice(0)) void this.drop(entry);
  }

  /** Takes the entry out of whatever list holds it, forgets its leases, and destroys it. */
  destroy(entry: Entry<T>): Promise<void> {
    // Stryker disable next-line ConditionalExpression: the pool destroys only entries it tracks, and forgets one once dead (never DEAD here)
    if (entry.state === DEAD) return RESOLVED;
    if (entry.state === ACTIVE) remove(this.active, entry);
    else if (entry.state === IDLE) remove(this.idle, entry);
    else this.retiring -= 1; // RETIRED
    return this.drop(entry);
  }

  /** Destroys an entry already out of every list. */
  private drop(entry: Entry<T>): Promise<void> {
    entry.state = DEAD;
    this.leases -= entry.leases;
    entry.leases = 0;
    this.entries.delete(entry.resource);
    return this.disposer.discard(entry.resource);
  }

  /** Destroys every entry, leased or not. */
  destroyAll(): void {
    for (const entry of this.entries.values()) void this.destroy(entry);
  }

  /**
   * At `now`: parks the open entries with no lease unused for `parkTimeout` (destroying those
   * beyond `maxIdle`), and destroys the parked ones unused for `idleTimeout`. `lastUse` of an open
   * entry lags by up to one `period` (a coarse clock), so the limit is stretched by one period:
   * late, never early.
   */
  sweep(now: number, limits: SweepLimits, period: number): void {
    const t = now + TIMER_SLACK;
    const { parkTimeout, idleTimeout, maxIdle } = limits;
    const idle = this.idle;
    if (idleTimeout > 0) {
      // Oldest first (the bottom of the stack): stop at the first one still fresh.
      let evict = 0;
      while (evict < idle.length && t - idle[evict]!.lastUse >= idleTimeout) evict += 1;
      for (const entry of idle.splice(0, evict)) void this.drop(entry);
    }
    // Stryker disable next-line ConditionalExpression: the sweep runs only when parkTimeout > 0 (its period is 0 otherwise: no timer)
    if (parkTimeout === 0) return;
    const active = this.active;
    const limit = parkTimeout + period;
    for (let i = active.length - 1; i >= 0; i--) {
      const entry = active[i]!;
      if (entry.leases > 0 || t - entry.lastUse < limit) continue;
      if (idle.length >= maxIdle) {
        void this.destroy(entry);
        continue;
      }
      active.splice(i, 1);
      entry.state = IDLE;
      entry.lastUse = now;
      idle.push(entry);
    }
  }
}

/** Removes `entry` from a short list (open or parked resources: at most `maxActive`). */
function remove<T extends object>(list: Entry<T>[], entry: Entry<T>): void {
  const i = list.indexOf(entry);
  // Stryker disable next-line ConditionalExpression: the pool removes an entry only from the list its state names: always found
  if (i !== -1) list.splice(i, 1);
}
