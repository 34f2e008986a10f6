import type { Waiter } from './waiters.js';

/** One `create()` in flight; it always works for a waiter, or is aborted. */
export class CreateOp<T extends object> {
  readonly controller = new AbortController();
  owner: Waiter<T> | null;
  aborted = false;
  /** What `create()` made, or why it failed. */
  result: Promise<T> | null = null;

  constructor(owner: Waiter<T>) {
    this.owner = owner;
  }
}

/** What {@link Creates.settle} says about a create that settled. */
export const ZOMBIE = Symbol('zombie');

/**
 * The `create()` calls in flight, and their counters. Each works for one waiter; one whose waiter
 * left passes to another waiter with nothing working for it, or is aborted and becomes a zombie
 * until it settles (close waits for zombies, so nothing they make leaks).
 */
export class Creates<T extends object> {
  /** Creates working for a waiter. */
  inFlight = 0;
  /** Aborted creates not settled yet. */
  zombies = 0;
  /** Resources created since the pool was made (zombies' included). */
  made = 0;
  /** Creates that failed while a waiter wanted them. */
  failed = 0;
  private readonly create: (signal: AbortSignal) => T | PromiseLike<T>;

  constructor(create: (signal: AbortSignal) => T | PromiseLike<T>) {
    this.create = create;
  }

  /** Calls `create()` for `owner`; the caller handles `op.result`. */
  start(owner: Waiter<T>): CreateOp<T> {
    const op = new CreateOp<T>(owner);
    owner.create = op;
    this.inFlight += 1;
    let made: T | PromiseLike<T>;
    try {
      made = this.create(op.controller.signal);
    } catch (error) {
      made = Promise.reject(error);
    }
    op.result = Promise.resolve(made);
    return op;
  }

  /** Nobody needs it any more: its signal aborts with `reason`, and it becomes a zombie. */
  abort(op: CreateOp<T>, reason: unknown): void {
    op.aborted = true;
    op.owner = null;
    this.inFlight -= 1;
    this.zombies += 1;
    op.controller.abort(reason);
  }

  /**
   * `op` settled (`ok`: it made a resource). Returns `ZOMBIE` if it had been aborted (what it
   * made is unwanted), else the waiter it worked for, now detached (null if none).
   */
  settle(op: CreateOp<T>, ok: boolean): Waiter<T> | null | typeof ZOMBIE {
    if (ok) this.made += 1;
    if (op.aborted) {
      this.zombies -= 1;
      return ZOMBIE;
    }
    this.inFlight -= 1;
    if (!ok) this.failed += 1;
    const owner = op.owner;
    op.owner = null;
    // Stryker disable next-line ConditionalExpression: a create that is not aborted always has an owner (unlink() passes it on or aborts it)
    if (owner !== null) owner.create = null;
    return owner;
  }
}
