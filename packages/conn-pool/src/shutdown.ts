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

  /** What `close()` returns if it was called already. */
  get closePromise(): Promise<void> | null {
    return this.closing;
  }

  /** What `drain()` returns if it (or `close()`) was called already. */
  get drainPromise(): Promise<void> | null {
    return this.draining ?? this.closing;
  }

  /** `close()` was called and has not resolved: the pool calls `closed()` once all is destroyed. */
  get closeWaiting(): boolean {
    return this.closeResolve !== null;
  }

  /** Starts a drain; past `timeout` (finite), `onTimeout` runs (it forces the close). */
  drain(timeout: number, onTimeout: () => void): Promise<void> {
    this.state = DRAINING;
    this.draining = new Promise<void>((resolve) => {
      this.drainResolve = resolve;
    });
    if (timeout !== Number.POSITIVE_INFINITY) {
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
    if (this.drainResolve !== null) {
      closed.then(this.drainResolve);
      this.drainResolve = null;
    }
    if (this.drainTimer !== null) {
      this.clock.cancel(this.drainTimer);
      this.drainTimer = null;
    }
    if (timeout > 0 && timeout !== Number.POSITIVE_INFINITY) {
      this.closeTimer = this.clock.schedule(onTimeout, timeout, false);
    }
    return closed;
  }

  /** Everything is destroyed: `close()` (and a drain that led to it) resolves. */
  closed(): void {
    if (this.closeTimer !== null) {
      this.clock.cancel(this.closeTimer);
      this.closeTimer = null;
    }
    const resolve = this.closeResolve;
    this.closeResolve = null;
    if (resolve !== null) resolve();
  }
}
