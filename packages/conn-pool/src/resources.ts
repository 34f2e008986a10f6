import { Disposer } from './disposer.js';
import { DEAD, HELD, Slot, VALIDATING } from './slots.js';
import type { Waiter } from './waiters.js';

/**
 * Every resource the pool knows (its slot), how many are held or being validated, and the
 * destroying of them: `destroy()` calls and their async completions, counted.
 */
export class Resources<T extends object> {
  private readonly slots = new Map<T, Slot<T>>();
  /** Handed out and not yet released or destroyed. */
  active = 0;
  /** Idle resources being validated by an asynchronous `validate()`. */
  validating = 0;
  validationFailures = 0;
  /** Destroys resources (a tracked one through `destroy()`, an untracked one directly) and counts it. */
  readonly disposer: Disposer<T>;
  private readonly validateFn: ((resource: T) => boolean | PromiseLike<boolean>) | null;

  /** @param onDestroyed called when an asynchronous `destroy()` settles */
  constructor(
    destroy: (resource: T) => unknown,
    validate: ((resource: T) => boolean | PromiseLike<boolean>) | null,
    onDestroyed: () => void,
  ) {
    this.disposer = new Disposer(destroy, onDestroyed);
    this.validateFn = validate;
  }

  get(resource: T): Slot<T> | undefined {
    return this.slots.get(resource);
  }

  /** A resource `create()` made; not counted as held until {@link hold}. */
  add(resource: T, createdAt: number): Slot<T> {
    const slot = new Slot(resource, createdAt);
    this.slots.set(resource, slot);
    return slot;
  }

  hold(slot: Slot<T>): void {
    slot.state = HELD;
    this.active += 1;
  }

  /** A held slot came back (released or destroyed). */
  unhold(): void {
    this.active -= 1;
  }

  /**
   * Runs `validate()`: `true` keeps the resource, `false` means it was destroyed, a thenable means
   * the answer comes later (see {@link startValidation}).
   */
  check(slot: Slot<T>): boolean | PromiseLike<boolean> {
    let verdict: boolean | PromiseLike<boolean>;
    // Stryker disable BlockStatement: an emptied catch leaves verdict undefined, which fails below as false does
    try {
      verdict = this.validateFn!(slot.resource);
    } catch {
      verdict = false;
    }
    // Stryker restore BlockStatement
    if (verdict === true) return true;
    if (verdict !== null && typeof verdict === 'object' && typeof verdict.then === 'function') {
      return verdict;
    }
    this.validationFailures += 1;
    this.destroy(slot);
    return false;
  }

  /** An asynchronous validation starts, for `waiter` (or for the health check: null). */
  startValidation(slot: Slot<T>, waiter: Waiter<T> | null): void {
    slot.state = VALIDATING;
    slot.owner = waiter;
    if (waiter !== null) waiter.validation = slot;
    this.validating += 1;
  }

  /**
   * An asynchronous validation ended. Returns false if the slot is no longer being validated (a
   * forced close destroyed it); else detaches its waiter (the caller read `slot.owner` first).
   */
  endValidation(slot: Slot<T>, ok: boolean): boolean {
    if (slot.state !== VALIDATING) return false;
    this.validating -= 1;
    const waiter = slot.owner;
    slot.owner = null;
    if (waiter !== null) waiter.validation = null;
    if (!ok) this.validationFailures += 1;
    return true;
  }

  destroy(slot: Slot<T>): Promise<void> {
    slot.state = DEAD;
    slot.owner = null;
    this.slots.delete(slot.resource);
    return this.disposer.discard(slot.resource);
  }

  /** Past the close timeout: destroys every slot, held or being validated too. */
  destroyAll(): void {
    for (const slot of this.slots.values()) {
      // Stryker disable ConditionalExpression: past the close timeout only held or validating slots are left (close() destroyed the idle ones)
      if (slot.state === HELD) this.active -= 1;
      else if (slot.state === VALIDATING) this.validating -= 1;
      // Stryker restore ConditionalExpression
      this.destroy(slot);
    }
  }
}
