// The client's subscriptions (geth / jsonrpsee shape, as @rerpc/server's subscription()):
// `<name>_subscribe` answers an id on the connection that carries its events, notifications
// `{ subscription: id, result }` follow on that connection, `<name>_unsubscribe` [id] ends it.
// This table routes each event to its subscription, and follows each subscription through a
// lost connection and the client's close.

import { AbortError, ClientClosedError } from './errors.js';
import type { Link } from './link.js';
import type { SubscriptionStats } from './stats.js';
import type { Subscription, SubscriptionTable } from './subscription.js';
import { SubscriptionLostError } from './subscription-errors.js';

type Message = Record<string, unknown>;

function noop(): void {}

/** What the table asks of the client. */
export interface SubscriptionHost {
  /**
   * Calls `method` (a PINNED call: its answer keeps its connection); resolves with what
   * {@link Subscriptions.opened} returned for its answer.
   */
  subscribeCall(method: string, params: unknown, sub: Subscription<unknown>): Promise<unknown>;
  /**
   * Calls `method` with `params` on `link` (ending the lease the subscribe call passed on);
   * resolves once answered or failed.
   */
  unsubscribeCall(link: Link, method: string, params: unknown): Promise<void>;
}

/** Where a subscription id's events go: to `sub` once claimed; kept in `early` until then. */
interface Route {
  readonly link: Link;
  readonly id: unknown;
  sub: Subscription<unknown> | null;
  early: unknown[];
}

export class Subscriptions implements SubscriptionTable {
  private readonly host: SubscriptionHost;
  /** By the server's subscription id (unique per server). */
  private readonly routes = new Map<unknown, Route>();
  /** Every subscription not ended, to end them at close(). */
  private readonly live = new Set<Subscription<unknown>>();
  /**
   * A ref'd timer while any subscription is live: its events arrive on unref'd sockets, so
   * without it a script whose only work is a `for await` over one would exit mid-loop.
   */
  private keepAlive: NodeJS.Timeout | null = null;
  private closed = false;
  // Counters (stats().subscriptions).
  private opens = 0;
  private events = 0;
  private overflowed = 0;
  private lost = 0;

  constructor(host: SubscriptionHost) {
    this.host = host;
  }

  /** Starts `sub`: calls `<name>_subscribe`. */
  add(sub: Subscription<unknown>): void {
    // Stryker disable next-line ConditionalExpression,BlockStatement: speed path: the subscribe call would reject with ClientClosedError too
    if (this.closed) {
      sub.end(new ClientClosedError());
      return;
    }
    const signal = sub.o.signal;
    if (signal?.aborted === true) {
      sub.end(new AbortError(signal.reason, sub.name));
      return;
    }
    this.live.add(sub);
    if (this.keepAlive === null) this.keepAlive = setInterval(noop, 2 ** 30);
    this.open(sub);
  }

  /** `sub` ended: it no longer holds the process. */
  private forget(sub: Subscription<unknown>): void {
    this.live.delete(sub);
    // Stryker disable next-line ConditionalExpression: (keepAlive !== null → true) clearInterval(null) does nothing
    if (this.live.size === 0 && this.keepAlive !== null) {
      clearInterval(this.keepAlive);
      this.keepAlive = null;
    }
  }

  open(sub: Subscription<unknown>): void {
    this.host.subscribeCall(`${sub.name}_subscribe`, sub.params, sub).then(
      (route) => this.claim(sub, route as Route),
      (error: unknown) => {
        this.forget(sub);
        sub.end(error);
      },
    );
  }

  /**
   * The subscribe call was answered `id` on `link` (called at once, before any later message on
   * `link` is read): the events that follow are kept for the subscription until it claims them.
   */
  opened(link: Link, id: unknown): Route {
    const route: Route = { link, id, sub: null, early: [] };
    this.routes.set(id, route);
    return route;
  }

  private claim(sub: Subscription<unknown>, route: Route): void {
    if (sub.ended || route.link.dead) {
      // Given up on (or its connection lost) while the answer was on its way.
      this.routes.delete(route.id);
      if (sub.ended) {
        void this.host.unsubscribeCall(route.link, `${sub.name}_unsubscribe`, [route.id]);
      } else {
        this.lost += 1;
        sub.lost(new SubscriptionLostError(sub.name));
        if (sub.ended) this.forget(sub);
      }
      return;
    }
    route.sub = sub;
    this.opens += 1;
    sub.opened(route.link, route.id);
    const early = route.early;
    // Stryker disable next-line ArrayDeclaration: early is read only here; once claimed, events go to sub
    route.early = [];
    for (const value of early) {
      if (!sub.push(value)) {
        this.overflowed += 1;
        break;
      }
    }
  }

  /** A notification on `link`: true when it was a subscription's event (then it is taken). */
  event(link: Link, method: string, params: unknown): boolean {
    if (typeof params !== 'object' || params === null) return false;
    const route = this.routes.get((params as Message)['subscription']);
    if (route === undefined || route.link !== link) return false;
    const sub = route.sub;
    const result = (params as Message)['result'];
    if (sub === null) route.early.push(result);
    else if (method !== sub.o.notification) return false;
    else if (!sub.push(result)) this.overflowed += 1;
    this.events += 1;
    return true;
  }

  unsubscribe(sub: Subscription<unknown>): Promise<void> {
    this.forget(sub);
    const link = sub.link;
    if (link === null) return Promise.resolve(); // still opening: claim() unsubscribes
    this.routes.delete(sub.id);
    return this.host.unsubscribeCall(link, `${sub.name}_unsubscribe`, [sub.id]);
  }

  /** `link` closed: its subscriptions resubscribe or end with SubscriptionLostError. */
  linkClosed(link: Link): void {
    for (const [id, route] of this.routes) {
      if (route.link !== link) continue;
      this.routes.delete(id);
      const sub = route.sub;
      if (sub === null) continue; // claim() sees the dead link
      this.lost += 1;
      sub.lost(new SubscriptionLostError(sub.name));
      if (sub.ended) this.forget(sub);
    }
  }

  snapshot(): SubscriptionStats {
    return {
      active: this.live.size,
      opened: this.opens,
      events: this.events,
      overflowed: this.overflowed,
      lost: this.lost,
    };
  }

  /** The client is closing: every subscription unsubscribes and ends with ClientClosedError. */
  closeAll(): void {
    // Stryker disable next-line BooleanLiteral: read only by add()'s speed path (marked there)
    this.closed = true;
    for (const sub of [...this.live]) void sub.fail(new ClientClosedError());
  }
}
