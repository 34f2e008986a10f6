import { checkBoolean, checkInteger, checkOptions, checkSignal, checkTime } from '@rerpc/internal';
import { AbortError } from './errors.js';
import type { Link } from './link.js';
import { SubscriptionOverflowError } from './subscription-errors.js';

/** Options of {@link Client.subscribe}. */
export interface SubscribeOptions {
  /** Ends the iteration (its next() rejects with `AbortError`) and unsubscribes. */
  signal?: AbortSignal;
  /** Deadline of the `<name>_subscribe` call, in ms; 0 disables. @default the client's timeout */
  timeout?: number;
  /** The events' notification method. @default `${name}_subscription` */
  notification?: string;
  /**
   * Events kept while the loop has not taken them; one more ends the iteration with
   * `SubscriptionOverflowError`.
   * @default 1024
   */
  maxBuffered?: number;
  /**
   * After the connection is lost, subscribe again on the next one (events sent meanwhile are
   * lost) instead of ending with `SubscriptionLostError`.
   * @default false
   */
  resubscribe?: boolean;
}

/** The default `maxBuffered` of a subscription. */
export const MAX_BUFFERED = 1024;
const SUBSCRIBE_OPTIONS: readonly string[] = [
  'signal',
  'timeout',
  'notification',
  'maxBuffered',
  'resubscribe',
];

/** A subscription's checked options. */
export interface SubscriptionSettings {
  readonly signal: AbortSignal | null;
  readonly timeout: number | undefined;
  readonly notification: string;
  readonly maxBuffered: number;
  readonly resubscribe: boolean;
}

/** Checks subscribe()'s options; throws a coded TypeError naming the option at fault. */
export function readSubscribeOptions(
  name: string,
  options: SubscribeOptions | undefined,
): SubscriptionSettings {
  const o = checkOptions(options, SUBSCRIBE_OPTIONS, 'subscribe() options') ?? {};
  const notification = o.notification ?? `${name}_subscription`;
  if (typeof notification !== 'string' || notification === '') {
    throw new TypeError(`notification must be a non-empty string, got ${String(notification)}`);
  }
  return {
    signal: checkSignal(o.signal),
    timeout: o.timeout === undefined ? undefined : checkTime('timeout', o.timeout),
    notification,
    maxBuffered: checkInteger('maxBuffered', o.maxBuffered ?? MAX_BUFFERED, 1),
    resubscribe: o.resubscribe === undefined ? false : checkBoolean('resubscribe', o.resubscribe),
  };
}

/** What a subscription asks of its table (subscriptions.ts). */
export interface SubscriptionTable {
  /** Calls `<name>_subscribe` (again, after a lost connection). */
  open(sub: Subscription<unknown>): void;
  /**
   * Stops routing its events and calls `<name>_unsubscribe` on its connection; resolves once
   * answered (or failed; at once when there is nothing to send yet).
   */
  unsubscribe(sub: Subscription<unknown>): Promise<void>;
}

const DONE: Promise<void> = Promise.resolve();
const OPENING = 0;
const OPEN = 1;
const ENDED = 2;

type Waiter<T> = {
  resolve: (result: IteratorResult<T, undefined>) => void;
  reject: (error: unknown) => void;
};

/**
 * One subscription as an async iterator: events are buffered (up to `maxBuffered`) until the
 * loop takes them, in arrival order; it ends on return() (leaving the loop), the signal, an
 * overflow, a lost connection (unless resubscribing) or the client's close.
 */
export class Subscription<T> implements AsyncIterableIterator<T, undefined> {
  readonly name: string;
  readonly params: unknown;
  readonly o: SubscriptionSettings;
  /** The server's subscription id and the link its events come on, once open. */
  id: unknown = null;
  link: Link | null = null;
  private state = OPENING;
  private buffer: T[] = [];
  private head = 0;
  private readonly waiters: Waiter<T>[] = [];
  /** Why it ended, thrown once the buffer is drained; null: it ended cleanly (or not yet). */
  private error: unknown = null;
  private readonly table: SubscriptionTable;
  private readonly onAbort = (): void =>
    void this.fail(new AbortError(this.o.signal!.reason, this.name));

  constructor(table: SubscriptionTable, name: string, params: unknown, o: SubscriptionSettings) {
    this.table = table;
    this.name = name;
    this.params = params;
    this.o = o;
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: end() removes the listener anyway, and a signal aborts once
    if (o.signal !== null) o.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  get ended(): boolean {
    return this.state === ENDED;
  }

  /** `<name>_subscribe` answered `id` on `link`: its events are routed here from now on. */
  opened(link: Link, id: unknown): void {
    this.link = link;
    this.id = id;
    this.state = OPEN;
  }

  /** One event (`params.result`), in order; false when it overflowed `maxBuffered` (it ended). */
  push(value: T): boolean {
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: unreached: an ended subscription's route is deleted first (unsubscribe, linkClosed, claim)
    if (this.state === ENDED) return true;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      waiter.resolve({ value, done: false });
      return true;
    }
    if (this.buffer.length - this.head >= this.o.maxBuffered) {
      void this.fail(new SubscriptionOverflowError(this.name, this.o.maxBuffered));
      return false;
    }
    this.buffer.push(value);
    return true;
  }

  /** Its connection was lost (`error`): it resubscribes, or ends with `error`. */
  lost(error: Error): void {
    // Stryker disable next-line ConditionalExpression: unreached: linkClosed() and claim() only reach a subscription not ended
    if (this.state === ENDED) return;
    this.link = null;
    this.id = null;
    if (this.o.resubscribe) {
      this.state = OPENING;
      this.table.open(this as Subscription<unknown>);
    } else {
      this.end(error);
    }
  }

  /** Ends it with `error` (after the buffered events) and unsubscribes. */
  fail(error: unknown): Promise<void> {
    if (this.state === ENDED) return DONE;
    const unsubscribed = this.table.unsubscribe(this as Subscription<unknown>);
    this.end(error);
    return unsubscribed;
  }

  /** Ends it: the buffered events are still taken, then `error` is thrown (or done). */
  end(error: unknown): void {
    if (this.state === ENDED) return;
    this.state = ENDED;
    this.error = error;
    this.o.signal?.removeEventListener('abort', this.onAbort);
    for (const waiter of this.waiters.splice(0)) this.settle(waiter);
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head]!;
      this.head += 1;
      // Drop what was taken once it is most of the array (no shift(): O(1) per event).
      // Stryker disable next-line all: compaction only frees memory; next() yields the same events
      if (this.head > 64 && this.head * 2 > this.buffer.length) {
        this.buffer = this.buffer.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.state === ENDED)
      return new Promise((resolve, reject) => this.settle({ resolve, reject }));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /**
   * Leaving the loop (break, return, a throw in its body): unsubscribes, and resolves once the
   * server answered the unsubscribe (or it failed); buffered events are dropped.
   */
  async return(): Promise<IteratorResult<T, undefined>> {
    this.buffer = [];
    this.head = 0;
    const unsubscribed = this.fail(null);
    this.error = null;
    await unsubscribed;
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Answers a pull once it ended: its error once, then done. */
  private settle(waiter: Waiter<T>): void {
    const error = this.error;
    if (error === null) {
      waiter.resolve({ value: undefined, done: true });
    } else {
      this.error = null;
      waiter.reject(error);
    }
  }
}
