import { closeTimeout } from '@rerpc/internal';
import type { Clock, TimerHandle } from './clock.js';

export const OPEN = 0;
export const DRAINING = 1;
export const CLOSED = 2;

/**
 * The pool's drain and close: its state (OPEN, DRAINING, CLOSED), their promises and their
 * timers. The pool does the work on resources and says when that is done (`closed()`); this keeps
 * `drain()` and `close()` idempotent and ends a drain with the close it leads to.
 */
export class Shutdown {
  state = OPEN;
  private readonly clock: Clock;
  private closing: Promise<void> | null = null;
  private closeResolve: (() => void) | null = null;
  private closeTimer: TimerHandle | null = null;
  private draining: Promise<void> | null = null;
  private drainResolve: (() => void) | null = null;
  private drainTimer: TimerHandle | null = null;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** `close()` was called and has not resolved: the pool calls `closed()` once all is destroyed. */
  get closeWaiting(): boolean {
    // Stryker disable next-line ConditionalExpression: read only once close() has started (a drain checks its own state first), when closed() again cancels and resolves nothing
    return this.closeResolve !== null;
  }

  /**
   * How `drain()` or `close()` (`what`) begins, in both pool modes: the promise to return at once
   * (it was called already, or `options` are invalid: a rejection, as async methods never throw),
   * or the timeout to start it with (`fallback`, the `closeTimeout` option, unless given).
   */
  start(what: 'drain()' | 'close()', options: unknown, fallback: number): Promise<void> | number {
    // A drain called after close() returns the close's promise.
    const started = what === 'close()' ? this.closing : (this.draining ?? this.closing);
    if (started !== null) return started;
    try {
      return closeTimeout(options, fallback, what);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Starts a drain; past `timeout` (finite), `onTimeout` runs (it forces the close). */
  drain(timeout: number, onTimeout: () => void): Promise<void> {
    this.state = DRAINING;
    this.draining = new Promise<void>((resolve) => {
      this.drainResolve = resolve;
    });
    if (timeout !== Number.POSITIVE_INFINITY) {
      // Stryker disable next-line BooleanLiteral: the drain timer's first call closes the pool, and close() cancels it
      this.drainTimer = this.clock.schedule(onTimeout, timeout, false);
    }
    return this.draining;
  }

  /**
   * Starts the close; past `timeout` (finite and > 0), `onTimeout` runs (it destroys what is still
   * out). A drain in progress ends with it.
   */
  close(timeout: number, onTimeout: () => void): Promise<void> {
    this.state = CLOSED;
    const closed = new Promise<void>((resolve) => {
      this.closeResolve = resolve;
    });
    this.closing = closed;
    // Stryker disable next-line ConditionalExpression: closed.then(null) adds nothing
    if (this.drainResolve !== null) {
      closed.then(this.drainResolve);
      this.drainResolve = null;
    }
    // Stryker disable next-line ConditionalExpression: cancelling a null handle does nothing
    if (this.drainTimer !== null) {
      this.clock.cancel(this.drainTimer);
      this.drainTimer = null;
    }
    if (
      // Stryker disable next-line ConditionalExpression,EqualityOperator: at timeout 0 the pool forces the close at once, and its closed() cancels a 0 ms timer
      timeout > 0 &&
      timeout !== Number.POSITIVE_INFINITY
    ) {
      // Stryker disable next-line BooleanLiteral: the close timer's first call destroys everything, and its closed() cancels it
      this.closeTimer = this.clock.schedule(onTimeout, timeout, false);
    }
    return closed;
  }

  /** Everything is destroyed: `close()` (and a drain that led to it) resolves. */
  closed(): void {
    // Stryker disable next-line ConditionalExpression: cancelling a null handle does nothing
    if (this.closeTimer !== null) {
      this.clock.cancel(this.closeTimer);
      this.closeTimer = null;
    }
    const resolve = this.closeResolve;
    this.closeResolve = null;
    // Stryker disable next-line ConditionalExpression: the pools call closed() only while close() waits: checkShutdown() asks closeWaiting, and a forced close runs before anything can resolve it (a create aborted by close() settles later)
    if (resolve !== null) resolve();
  }
}
