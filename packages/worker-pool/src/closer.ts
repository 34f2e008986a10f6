import { setMaxListeners } from 'node:events';
import { closeTimeout } from '@rerpc/internal';
import { PoolClosedError } from './errors.js';
import type { CloseOptions } from './types.js';

/** What a {@link Closer} asks of its pool once close stops waiting. */
export interface CloseHost {
  /** Reject what is queued; abandon and abort what runs, with `reason`. */
  abandonAll(reason: PoolClosedError): void;
  /** The pool's bookkeeping after slots or queue places were freed (drain and idle). */
  afterRelease(): void;
}

/**
 * A pool's close: the closed flag, the one close promise, the close timer, and the signal shared by
 * tasks that ignore their own. The pool says whether it is idle when close is called and calls
 * `idle()` each time it gets idle; when the timeout passes first, the closer has the pool abandon
 * what is left, aborts the shared signal and resolves.
 */
export class Closer {
  /** `true` once close() was called. */
  closed = false;
  /**
   * Set once close gave up waiting: what it rejected and aborted everything with. Nothing starts
   * after that (the queue is empty and the pool refuses work), so a task whose call returns while
   * this is set was running when close gave up.
   */
  abortReason: PoolClosedError | null = null;
  /** Aborted (with `abortReason`) once close() gives up waiting; shared by tasks that ignore their own. */
  readonly sharedSignal: AbortSignal;
  private readonly closeController = new AbortController();
  private readonly defaultTimeout: number;
  private readonly host: CloseHost;
  private closing: Promise<void> | null = null;
  private closeResolve: (() => void) | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  /**
   * The controllers of the own signals of the tasks being called now, innermost last. Such a task
   * is in none of the pool's lists until it returns (a fast-path task has no Job yet; a queued one
   * has left the queue), so this is how close reaches its signal while it runs.
   */
  private readonly calling: AbortController[] = [];

  constructor(defaultTimeout: number, host: CloseHost) {
    this.defaultTimeout = defaultTimeout;
    this.host = host;
    this.sharedSignal = this.closeController.signal;
    // Many running tasks may listen to the shared signal at once; that is not a leak.
    setMaxListeners(0, this.sharedSignal);
  }

  /** The pool's `close(options)`; `idle`: whether nothing runs or waits now. */
  close(options: CloseOptions | undefined, idle: boolean): Promise<void> {
    if (this.closing !== null) return this.closing;
    let timeout: number;
    try {
      timeout = closeTimeout(options, this.defaultTimeout);
    } catch (error) {
      return Promise.reject(error);
    }
    this.closed = true;
    this.closing = new Promise<void>((resolve) => {
      this.closeResolve = resolve;
    });
    if (idle) {
      this.finishClose();
    } else if (timeout === 0) {
      this.abortAll();
    } else if (timeout !== Number.POSITIVE_INFINITY) {
      this.closeTimer = setTimeout(() => this.abortAll(), timeout);
      this.closeTimer.unref();
    }
    return this.closing;
  }

  /** A task with its own signal is being called: close aborts that signal if it gives up meanwhile. */
  enter(controller: AbortController): void {
    this.calling.push(controller);
  }

  /** The innermost task given to `enter` has returned or thrown. */
  leave(): void {
    this.calling.pop();
  }

  /** Nothing runs or waits any more: a close that waits for that resolves. */
  idle(): void {
    // Stryker disable next-line ConditionalExpression: finishClose() once close finished finds no timer and no resolve: a no-op
    if (this.closeResolve !== null) this.finishClose();
  }

  /** close() stopped waiting: reject what is queued, abandon and abort what runs. */
  private abortAll(): void {
    this.closeTimer = null;
    const reason = new PoolClosedError(
      'The pool closed before this task finished (close timeout passed); it was aborted',
    );
    this.abortReason = reason;
    this.host.abandonAll(reason);
    // The tasks being called now (innermost first); each call answers its caller as it returns.
    for (let i = this.calling.length - 1; i >= 0; i--) this.calling[i]!.abort(reason);
    this.closeController.abort(reason);
    this.finishClose();
    this.host.afterRelease();
  }

  private finishClose(): void {
    // Stryker disable next-line ConditionalExpression: clearTimeout(null) does nothing; the check only skips the call
    if (this.closeTimer !== null) {
      clearTimeout(this.closeTimer);
      this.closeTimer = null;
    }
    const resolve = this.closeResolve;
    this.closeResolve = null;
    // Stryker disable next-line ConditionalExpression: finishClose() runs only while closing (closeResolve set): from close() itself, the timer, or afterRelease's check
    if (resolve !== null) resolve();
  }
}
