import { LinkedList } from '@rerpc/internal';
import type { Call } from './call.js';

/**
 * The calls waiting for an answer under `handlerTimeout`, oldest first. Every call has the same
 * timeout, so arrival order is deadline order: a FIFO list (linked through the calls' `prev` and
 * `next`, which only this list writes) and one timer armed for its head replace a timer per call.
 * It answers questions (what expired, what is next); the core owns the timer and acts.
 */
export class DeadlineList {
  private readonly calls = new LinkedList<Call>();

  /** Appends `call` (the newest, so the last to expire). */
  add(call: Call): void {
    this.calls.push(call);
  }

  /** Takes `call` out, if it is in the list. */
  remove(call: Call): void {
    if (this.calls.has(call)) this.calls.remove(call);
  }

  /** The oldest call when it started at or before `cutoff`, taken out of the list; else null. */
  shiftStartedBy(cutoff: number): Call | null {
    const call = this.calls.head;
    if (call === null || call.start > cutoff) return null;
    this.calls.remove(call);
    return call;
  }

  /** The oldest call (its deadline is the next one), or null when the list is empty. */
  get oldest(): Call | null {
    return this.calls.head;
  }
}
