import { describe, optionError } from '@rerpc/internal';
import { reportLater } from './report-later.js';

/**
 * The pool's `onDrain` listeners and `onIdle` waiters, and whether a drain is due. The pool says
 * what happened (`saturated`, `drained`, `idle`); this runs the listeners, each isolated from the
 * others' throws.
 */
export class Listeners {
  /** Set once the pool was saturated or refused a task; cleared when `onDrain` fires. */
  needsDrain = false;
  private drainListeners: Array<() => void> = [];
  private idleWaiters: Array<() => void> | null = null;

  onDrain(listener: () => void): () => void {
    if (typeof listener !== 'function') {
      throw optionError(`onDrain listener must be a function, got ${describe(listener)}`);
    }
    // Copy on write, so a listener that unsubscribes while we iterate does not skip another.
    this.drainListeners = [...this.drainListeners, listener];
    return () => {
      this.drainListeners = this.drainListeners.filter((l) => l !== listener);
    };
  }

  /** A promise for the next idle moment (the caller resolves at once if idle now). */
  nextIdle(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.idleWaiters === null) this.idleWaiters = [];
      this.idleWaiters.push(resolve);
    });
  }

  /** The pool is saturated or refused a task: `onDrain` fires once it is down to the threshold. */
  saturated(): void {
    this.needsDrain = true;
  }

  /** The queue is down to the drain threshold (the pool checks `needsDrain` first). */
  drained(): void {
    this.needsDrain = false;
    for (const listener of this.drainListeners) {
      try {
        listener();
      } catch (error) {
        reportLater(error);
      }
    }
  }

  /** Nothing runs or waits. */
  idle(): void {
    if (this.idleWaiters === null) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = null;
    for (const resolve of waiters) resolve();
  }
}
