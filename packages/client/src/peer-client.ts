import { asyncDispose, closeTimeout, describe, optionError } from '@rerpc/internal';
import type { MethodOptions, RegisterOptions } from '@rerpc/registry';
import type { Client, CloseOptions } from './api.js';
import type { BatchItem, BatchResult } from './batch.js';
import { BATCH, NOTIFY, PINNED, SINGLE } from './call.js';
import { CallingClient, type Message } from './client.js';
import { HandlerTable, type NotificationHandler } from './handlers.js';
import { Inbound } from './inbound.js';
import type { Link, PeerSide } from './link.js';
import { LSP_CANCEL, type ResolvedClientOptions } from './options.js';
import type { Platform } from './platform.js';
import { type CallOptions, createServiceProxy, type ServiceProxy } from './proxy.js';
import { checkCall } from './request.js';
import type { ClientStats } from './stats.js';
import { readSubscribeOptions, type SubscribeOptions, Subscription } from './subscription.js';
import { type SubscriptionHost, Subscriptions } from './subscriptions.js';
import type { ResolvedTarget, Transport } from './target.js';

function noop(): void {}

/**
 * The client as both ends of its connections: its own calls (CallingClient, client.ts), the
 * methods and notification handlers it answers the server with (inbound.ts), and its
 * subscriptions (subscriptions.ts). See createClient() (create-client.ts), which checks what it
 * is given.
 */
export class ClientImpl extends CallingClient implements Client, SubscriptionHost {
  private readonly transport: Transport;
  /** What the client answers when the server calls it. */
  private readonly handlers: HandlerTable;
  private readonly subs = new Subscriptions(this);
  /** The server's calls running on each link. */
  private readonly inbound: Inbound;
  protected readonly peer: PeerSide;
  private readonly closeDefault: number;
  private closePromise: Promise<void> | null = null;

  constructor(target: ResolvedTarget, options: ResolvedClientOptions, platform: Platform) {
    super(target, options, platform);
    this.handlers = new HandlerTable(platform.registry);
    this.transport = target.transport;
    this.closeDefault = options.closeTimeout;
    const cancelMethod = options.cancelMethod ?? LSP_CANCEL;
    const inbound = new Inbound(this.handlers, { ...options, cancelMethod });
    this.inbound = inbound;
    const subs = this.subs;
    this.peer = {
      received(link: Link, message: Message): void {
        // An HTTP answer that is a request: nothing can be answered there (it is dropped).
        if (link.info.transport === 'http') return;
        const method = message['method'];
        const event = message['id'] === undefined && typeof method === 'string';
        if (!event || !subs.event(link, method, message['params'])) inbound.receive(link, message);
      },
      closed(link: Link): void {
        inbound.closed(link);
        subs.linkClosed(link);
      },
      pinned: (link: Link, result: unknown) => subs.opened(link, result),
    };
  }

  call<T = unknown>(method: string, params?: object, options?: CallOptions): Promise<T> {
    return this.start(SINGLE, method, params, options) as Promise<T>;
  }

  notify(method: string, params?: object, options?: CallOptions): Promise<void> {
    return this.start(NOTIFY, method, params, options) as Promise<void>;
  }

  batch(
    items: readonly BatchItem[],
    options?: CallOptions,
  ): Promise<Array<BatchResult | undefined>> {
    return this.start(BATCH, 'batch', items, options) as Promise<Array<BatchResult | undefined>>;
  }

  service<T>(name: string): ServiceProxy<T> {
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(`name must be a non-empty string, got ${describe(name)}`);
    }
    return createServiceProxy<T>(this, name);
  }

  // --- subscriptions (subscriptions.ts) --------------------------------------------------------

  subscribe<T = unknown>(
    name: string,
    params?: object,
    options?: SubscribeOptions,
  ): AsyncIterableIterator<T, undefined> {
    checkCall(name, params);
    if (this.transport === 'http') {
      throw optionError(
        `subscribe() needs a connection the server can push events on (tcp://, tls://, ws(s)://, a Unix socket); an http(s):// answer ends its exchange, got ${name} for an http target`,
      );
    }
    const sub = new Subscription<T>(this.subs, name, params, readSubscribeOptions(name, options));
    this.subs.add(sub as Subscription<unknown>);
    return sub;
  }

  /**
   * @internal `<name>_subscribe`, a PINNED call (SubscriptionHost). Not aborted with the
   * subscription's signal: once sent, its answer is awaited (up to its timeout) so that a
   * subscription the server opened is unsubscribed.
   */
  subscribeCall(method: string, params: unknown, sub: Subscription<unknown>): Promise<unknown> {
    const timeout = sub.o.timeout;
    // Stryker disable next-line ConditionalExpression: (false) { timeout: undefined } also means the client's timeout
    return this.start(PINNED, method, params, timeout === undefined ? undefined : { timeout });
  }

  /**
   * @internal `<name>_unsubscribe` on the link the subscription held (SubscriptionHost); its
   * answer ends the lease. Not sent on a lost link, nor once close() began (the server drops a
   * closed connection's subscriptions).
   */
  unsubscribeCall(link: Link, method: string, params: unknown): Promise<void> {
    if (!link.dead && this.closePromise === null) {
      return this.start(SINGLE, method, params, undefined, link).then(noop, noop);
    }
    this.unpin(link);
    return Promise.resolve();
  }

  // --- calls from the server (inbound.ts) ------------------------------------------------------

  method(name: string, handler: unknown, options?: MethodOptions): void {
    this.handlers.method(name, handler, options);
  }

  register(instance: object, options?: RegisterOptions): string[] {
    return this.handlers.register(instance, options);
  }

  onNotification(name: string, handler: NotificationHandler): () => void {
    return this.handlers.onNotification(name, handler);
  }

  stats(): ClientStats {
    return {
      ...this.callStats(),
      inbound: this.inbound.snapshot(),
      subscriptions: this.subs.snapshot(),
    };
  }

  // --- close -----------------------------------------------------------------------------------

  close(options?: CloseOptions): Promise<void> {
    if (this.closePromise !== null) return this.closePromise;
    let timeout: number;
    try {
      timeout = closeTimeout(options, this.closeDefault);
    } catch (error) {
      return Promise.reject(error);
    }
    this.subs.closeAll(); // their unsubscribe calls go out before calls are refused
    this.closePromise = this.shutdown(timeout);
    return this.closePromise;
  }

  [asyncDispose](): Promise<void> {
    return this.close();
  }
}
