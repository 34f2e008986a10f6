import { type SignalWatch, SignalWatches, type WatchNode } from '@rerpc/internal';
import type { CreateOp } from './creates.js';
import type { Slot } from './slots.js';

const noop = (): void => {};

/**
 * One queued acquire: a node of the FIFO doubly linked list. Kept small (it is allocated per
 * acquire that waits): its signal's watch node is a separate object, made only with a signal.
 */
export class Waiter<T extends object> {
  readonly signal: AbortSignal | null;
  /** When it times out (the pool's clock), or 0 for never. */
  readonly deadline: number;
  readonly promise: Promise<T>;
  resolve: (value: T) => void = noop;
  reject: (reason: unknown) => void = noop;
  /** The create working for it, or null. */
  create: CreateOp<T> | null = null;
  /** The slot being validated for it, or null. */
  validation: Slot<T> | null = null;
  prev: Waiter<T> | null = null;
  next: Waiter<T> | null = null;
  /** Its node in its signal's watch, or null (no signal). */
  link: WatchLink<T> | null = null;

  constructor(signal: AbortSignal | null, deadline: number) {
    this.signal = signal;
    this.deadline = deadline;
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

/** A waiter's node in its signal's watch. */
class WatchLink<T extends object> implements WatchNode<WatchLink<T>> {
  readonly waiter: Waiter<T>;
  watch: SignalWatch<WatchLink<T>> | null = null;
  watchPrev: WatchLink<T> | null = null;
  watchNext: WatchLink<T> | null = null;

  constructor(waiter: Waiter<T>) {
    this.waiter = waiter;
  }
}

/**
 * The acquires waiting for a resource, first come, first served, with one 'abort' listener per
 * distinct signal among them (one per waiter printed MaxListenersExceededWarning past 10 acquires
 * sharing a signal). Deadlines grow along the queue (one `acquireTimeout` for all), so only the
 * head's matters.
 */
export class WaiterQueue<T extends object> {
  head: Waiter<T> | null = null;
  private tail: Waiter<T> | null = null;
  size = 0;
  private readonly watches: SignalWatches<WatchLink<T>>;

  /** @param onAbort called with a waiter whose signal aborted (it is still queued) */
  constructor(onAbort: (waiter: Waiter<T>) => void) {
    this.watches = new SignalWatches<WatchLink<T>>((link) => onAbort(link.waiter));
  }

  /** Queues a new waiter at the tail (the caller checked `signal.aborted`). */
  push(signal: AbortSignal | null, deadline: number): Waiter<T> {
    const waiter = new Waiter<T>(signal, deadline);
    if (this.tail === null) {
      this.head = waiter;
    } else {
      this.tail.next = waiter;
      waiter.prev = this.tail;
    }
    this.tail = waiter;
    this.size += 1;
    if (signal !== null) {
      waiter.link = new WatchLink(waiter);
      this.watches.add(waiter.link, signal);
    }
    return waiter;
  }

  /** Takes a waiter out of the queue and its signal's watch. */
  remove(waiter: Waiter<T>): void {
    if (waiter.prev === null) this.head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === null) this.tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = waiter.next = null;
    this.size -= 1;
    if (waiter.link !== null) this.watches.remove(waiter.link);
  }

  /** The head, if its deadline is at or before `t`; else null. */
  due(t: number): Waiter<T> | null {
    const head = this.head;
    return head !== null && head.deadline <= t ? head : null;
  }

  /** The first waiter not already waiting on a validation (at most `validating` are skipped). */
  firstFree(): Waiter<T> | null {
    let waiter = this.head;
    while (waiter !== null && waiter.validation !== null) waiter = waiter.next;
    return waiter;
  }

  /** The first waiter with neither a create nor a validation working for it. */
  firstNeedy(): Waiter<T> | null {
    let waiter = this.head;
    while (waiter !== null && (waiter.create !== null || waiter.validation !== null)) {
      waiter = waiter.next;
    }
    return waiter;
  }
}
