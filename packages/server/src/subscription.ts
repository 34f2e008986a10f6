import { errorClass } from '@rerpc/internal';
import type { PeerStats } from './peer-stats.js';

/** What a subscription handler pushes events through (its third argument). */
export interface SubscriptionSink<T = unknown> {
  /** The subscription id the client got (a string unique within the server). */
  readonly id: string;
  /**
   * Queues one event and resolves once it is handed to the connection: at once while the
   * connection keeps up, later while its write buffer is full (so `await sink.send(x)` in a loop
   * goes at the client's pace). Events wait, in order, until the subscribe reply is written.
   * Rejects with `SubscriptionClosedError` once the subscription is closed (unsubscribed,
   * disconnected) and with `SubscriptionOverflowError` when `maxSubscriptionBuffer` events (or
   * `maxSubscriptionBufferBytes`) already wait.
   */
  send(value: T): Promise<void>;
  /** Queues one event unless the buffer is full or the subscription closed; false then (dropped). */
  trySend(value: T): boolean;
  /** The connection can take an event now (not backpressured, nothing waiting, reply written). */
  readonly writable: boolean;
  /** Aborts when the subscription ends: unsubscribed, or the connection closed. */
  readonly signal: AbortSignal;
  /** The subscription has ended. */
  readonly closed: boolean;
}

/** `sink.send()` after the subscription ended, or for an event dropped by its end. */
export class SubscriptionClosedError extends errorClass(
  'SubscriptionClosedError',
  'RERPC_ERR_SUBSCRIPTION_CLOSED',
  'The subscription ended (the client unsubscribed or disconnected); stop sending to it (see sink.signal)',
) {}

/** `sink.send()` while the subscription's buffer is full: the event was not queued. */
export class SubscriptionOverflowError extends errorClass(
  'SubscriptionOverflowError',
  'RERPC_ERR_SUBSCRIPTION_OVERFLOW',
  "The subscription's buffer is full (maxSubscriptionBuffer / maxSubscriptionBufferBytes); await each send() so events go at the client's pace, or raise the limits",
) {}

/** What a connection's subscriptions need of it. */
export interface SubscriptionWire {
  /** Writes one JSON text; false when the connection can no longer send. */
  write(text: string): boolean;
  /** The connection's write buffer is full: wait for `drained()`. */
  congested(): boolean;
}

export interface SubscriptionLimits {
  readonly maxSubscriptionBuffer: number;
  readonly maxSubscriptionBufferBytes: number;
}

// Subscription states.
const PENDING = 0; // the subscribe reply is not written yet: events wait
const ACTIVE = 1;
const CLOSED = 2;

/**
 * One subscription: its events waiting to be written (texts, and the `send()` promises to settle
 * once written), in order, bounded by events and bytes. Owned by its connection's
 * `SubscriptionTable`.
 */
export class Subscription implements SubscriptionSink {
  readonly id: string;
  /** The subscribe handler returned: the reply carrying the id is a success. */
  ready = false;
  private readonly table: SubscriptionTable;
  private readonly prefix: string;
  private state = PENDING;
  private texts: string[] = [];
  private waiters: Array<Settle | null> = [];
  private head = 0;
  private bytes = 0;
  private controller: AbortController | null = null;

  constructor(table: SubscriptionTable, id: string, notification: string) {
    this.table = table;
    this.id = id;
    this.prefix = `{"jsonrpc":"2.0","method":${JSON.stringify(notification)},"params":{"subscription":${JSON.stringify(id)},"result":`;
  }

  get closed(): boolean {
    return this.state === CLOSED;
  }

  get writable(): boolean {
    return this.state === ACTIVE && this.head === this.texts.length && !this.table.congested();
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.state === CLOSED) this.controller.abort(new SubscriptionClosedError());
    }
    return this.controller.signal;
  }

  send(value: unknown): Promise<void> {
    if (this.state === CLOSED) return Promise.reject(new SubscriptionClosedError());
    let text: string;
    try {
      text = this.encode(value);
    } catch (error) {
      return Promise.reject(error);
    }
    if (!this.room(text)) {
      this.table.dropped();
      return Promise.reject(new SubscriptionOverflowError());
    }
    return new Promise<void>((resolve, reject) => {
      this.push(text, { resolve, reject });
      this.flush();
    });
  }

  trySend(value: unknown): boolean {
    if (this.state === CLOSED) return false;
    const text = this.encode(value);
    if (!this.room(text)) {
      this.table.dropped();
      return false;
    }
    this.push(text, null);
    this.flush();
    return true;
  }

  /** The subscribe call's answer was sent: events may follow it, or it failed and this ends. */
  answered(): void {
    if (this.state !== PENDING) return;
    if (!this.ready) {
      this.table.close(this.id);
      return;
    }
    this.state = ACTIVE;
    this.flush();
  }

  /** Writes waiting events while the connection takes them; the table calls it on drain too. */
  flush(): void {
    if (this.state !== ACTIVE) return;
    const texts = this.texts;
    while (this.head < texts.length) {
      if (this.table.congested()) {
        this.table.wait(this);
        return;
      }
      const i = this.head++;
      const text = texts[i]!;
      this.bytes -= text.length;
      this.table.write(text);
      this.waiters[i]?.resolve();
    }
    // All written: start the arrays over (head index, no shift(): O(1) per event).
    this.texts = [];
    this.waiters = [];
    this.head = 0;
  }

  /** Ends it (unsubscribe, disconnect): waiting sends reject, the signal aborts. */
  end(): void {
    // Stryker disable next-line ConditionalExpression: defensive: the table ends each subscription once, as it leaves the table
    if (this.state === CLOSED) return;
    this.state = CLOSED;
    const error = new SubscriptionClosedError();
    // Stryker disable next-line EqualityOperator: waiters[length] is undefined, which ?. skips
    for (let i = this.head; i < this.waiters.length; i++) this.waiters[i]?.reject(error);
    // Stryker disable ArrayDeclaration: only frees the queue: a closed subscription never reads it again
    this.texts = [];
    this.waiters = [];
    // Stryker restore ArrayDeclaration
    this.head = 0;
    this.bytes = 0;
    if (this.controller !== null) this.controller.abort(error);
  }

  private encode(value: unknown): string {
    return `${this.prefix}${JSON.stringify(value) ?? 'null'}}}`;
  }

  private room(text: string): boolean {
    const limits = this.table.limits;
    return (
      this.texts.length - this.head < limits.maxSubscriptionBuffer &&
      this.bytes + text.length <= limits.maxSubscriptionBufferBytes
    );
  }

  private push(text: string, waiter: Settle | null): void {
    this.texts.push(text);
    this.waiters.push(waiter);
    this.bytes += text.length;
  }
}

interface Settle {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * A connection's subscriptions: opened by `<name>_subscribe` (up to `maxSubscriptionsPerConnection`),
 * ended by `<name>_unsubscribe` or the connection's close; the ones waiting for the connection's
 * write buffer to drain.
 */
export class SubscriptionTable {
  readonly limits: SubscriptionLimits;
  private readonly wire: SubscriptionWire;
  private readonly max: number;
  private readonly stats: PeerStats;
  private readonly open = new Map<string, Subscription>();
  private waiting: Subscription[] = [];
  private closedFlag = false;

  constructor(wire: SubscriptionWire, max: number, limits: SubscriptionLimits, stats: PeerStats) {
    this.wire = wire;
    this.max = max;
    this.limits = limits;
    this.stats = stats;
  }

  get size(): number {
    return this.open.size;
  }

  /** `maxSubscriptionsPerConnection`. */
  limitOf(): number {
    return this.max;
  }

  /** A new subscription, or null when the connection has closed or is at its cap. */
  add(id: string, notification: string): Subscription | null {
    if (this.closedFlag || this.open.size >= this.max) return null;
    const subscription = new Subscription(this, id, notification);
    this.open.set(id, subscription);
    this.stats.subscriptionOpened();
    return subscription;
  }

  /** Ends subscription `id`; false when it is not open on this connection. */
  close(id: string): boolean {
    const subscription = this.open.get(id);
    if (subscription === undefined) return false;
    this.open.delete(id);
    subscription.end();
    this.stats.subscriptionClosed();
    return true;
  }

  /** Writes one of its subscriptions' events. */
  write(text: string): void {
    if (this.wire.write(text)) this.stats.eventSent();
  }

  /** An event was refused: its subscription's buffer was full. */
  dropped(): void {
    this.stats.eventDropped();
  }

  congested(): boolean {
    return this.wire.congested();
  }

  wait(subscription: Subscription): void {
    // Stryker disable next-line ConditionalExpression: a duplicate only flushes again after the first, finding nothing left or the buffer full (and waits again)
    if (!this.waiting.includes(subscription)) this.waiting.push(subscription);
  }

  /** The connection's write buffer drained: waiting subscriptions write on, in turn. */
  drained(): void {
    // Stryker disable next-line ConditionalExpression: a fast path: an empty list flushes nothing
    if (this.waiting.length === 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const subscription of waiting) subscription.flush();
  }

  /** The connection closed: every subscription ends. */
  closeAll(): void {
    this.closedFlag = true;
    this.waiting = [];
    for (const subscription of this.open.values()) {
      subscription.end();
      this.stats.subscriptionClosed();
    }
    this.open.clear();
  }
}
