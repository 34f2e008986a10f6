import type { Call } from './call.js';

/**
 * The calls waiting for an answer under `handlerTimeout`, oldest first. Every call has the same
 * timeout, so arrival order is deadline order: a FIFO list (linked through the calls' `tPrev` and
 * `tNext`, which only this list writes) and one timer armed for its head replace a timer per call.
 * It answers questions (what expired, what is next); the core owns the timer and acts.
 */
export class DeadlineList {
  private head: Call | null = null;
  private tail: Call | null = null;

  /** Appends `call` (the newest, so the last to expire). */
  add(call: Call): void {
    call.tPrev = this.tail;
    if (this.tail === null) this.head = call;
    else this.tail.tNext = call;
    this.tail = call;
  }

  /** Takes `call` out, if it is in the list. */
  remove(call: Call): void {
    if (call.tPrev === null && this.head !== call) return;
    if (call.tPrev === null) this.head = call.tNext;
    else call.tPrev.tNext = call.tNext;
    if (call.tNext === null) this.tail = call.tPrev;
    else call.tNext.tPrev = call.tPrev;
    call.tPrev = null;
    call.tNext = null;
  }

  /** The oldest call when it started at or before `cutoff`, taken out of the list; else null. */
  shiftStartedBy(cutoff: number): Call | null {
    const call = this.head;
    if (call === null || call.start > cutoff) return null;
    this.remove(call);
    return call;
  }

  /** The oldest call (its deadline is the next one), or null when the list is empty. */
  get oldest(): Call | null {
    return this.head;
  }
}
