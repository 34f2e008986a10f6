import { type SignalWatch, SignalWatches, type WatchNode } from '@rerpc/internal';
import { AbortError } from './errors.js';
import type { LeaseWaiter } from './shared-types.js';

const noop = (): void => {};

/**
 * A waiting `acquire()` of a shared pool: a {@link LeaseWaiter} that settles a promise. Made only
 * when nothing is open (the slow path); one that gave up (its signal aborted) declines the
 * resource it is later offered.
 */
class AcquireWaiter<T extends object> implements LeaseWaiter<T>, WatchNode<AcquireWaiter<T>> {
  readonly promise: Promise<T>;
  readonly signal: AbortSignal | null;
  private resolve: (value: T) => void = noop;
  private reject: (reason: unknown) => void = noop;
  done = false;
  private readonly watches: SignalWatches<AcquireWaiter<T>>;
  watch: SignalWatch<AcquireWaiter<T>> | null = null;
  watchPrev: AcquireWaiter<T> | null = null;
  watchNext: AcquireWaiter<T> | null = null;

  constructor(signal: AbortSignal | null, watches: SignalWatches<AcquireWaiter<T>>) {
    this.signal = signal;
    this.watches = watches;
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  leased(resource: T): boolean {
    if (this.done) return false;
    // Stryker disable next-line BooleanLiteral: a waiter it leased to is out of the queue and unwatched: nothing offers, fails or aborts it again
    this.done = true;
    this.watches.remove(this);
    this.resolve(resource);
    return true;
  }

  failed(error: unknown): void {
    // Stryker disable next-line ConditionalExpression: only close() fails a waiter that gave up (still queued), and rejecting a settled promise or unlinking an unlinked watch does nothing
    if (this.done) return;
    // Stryker disable next-line BooleanLiteral: a failed waiter is out of the queue and unwatched
    this.done = true;
    this.watches.remove(this);
    this.reject(error);
  }

  /** Its signal aborted (the watch already unlinked it). */
  aborted(): void {
    // Stryker disable next-line ConditionalExpression: only the watch calls aborted(), and a settled waiter is no longer watched
    if (this.done) return;
    this.done = true;
    this.reject(new AbortError(this.signal!.reason));
  }
}

/**
 * The waiters of a shared pool, first come, first served: an array with a head index (no
 * `shift()`), reset when it empties. Also makes the promise-backed waiters of `acquire()`, with
 * one 'abort' listener per distinct signal among them.
 */
export class LeaseQueue<T extends object> {
  /** Served slots before `head` are cleared, so a served waiter is not kept alive. */
  private list: (LeaseWaiter<T> | undefined)[] = [];
  private head = 0;
  private readonly watches = new SignalWatches<AcquireWaiter<T>>((waiter) => waiter.aborted());

  get size(): number {
    return this.list.length - this.head;
  }

  push(waiter: LeaseWaiter<T>): void {
    this.list.push(waiter);
  }

  /** The oldest waiter, taken out of the queue; undefined when none waits. */
  shift(): LeaseWaiter<T> | undefined {
    // Stryker disable next-line ConditionalExpression: serveWaiters() shifts only while waiters wait
    if (this.head === this.list.length) return undefined;
    const waiter = this.list[this.head]!;
    this.list[this.head] = undefined;
    this.head += 1;
    // Stryker disable next-line ConditionalExpression,BlockStatement: resetting the emptied array only frees memory: served slots are cleared, and size, push and takeAll count from head
    if (this.head === this.list.length) {
      this.list = [];
      this.head = 0;
    }
    return waiter;
  }

  /** Takes every waiter out, oldest first. */
  takeAll(): LeaseWaiter<T>[] {
    const waiters = (this.head === 0 ? this.list : this.list.slice(this.head)) as LeaseWaiter<T>[];
    this.list = [];
    this.head = 0;
    return waiters;
  }

  /** A waiter for `acquire()` (the caller checked `signal.aborted`), queued at the tail. */
  acquire(signal: AbortSignal | null): Promise<T> {
    const waiter = new AcquireWaiter<T>(signal, this.watches);
    if (signal !== null) this.watches.add(waiter, signal);
    this.list.push(waiter);
    return waiter.promise;
  }
}
