import { describe } from '@rerpc/internal';
import type { MethodOptions, RegisterOptions } from '@rerpc/registry';
import type { Client } from './api.js';
import type { BatchItem, BatchResult } from './batch.js';
import { BATCH, NOTIFY, SINGLE } from './call.js';
import { CallingClient, type Message } from './client.js';
import { HandlerTable, type NotificationHandler } from './handlers.js';
import { Inbound } from './inbound.js';
import type { Link } from './link.js';
import { LSP_CANCEL, type ResolvedClientOptions, type ResolvedTarget } from './options.js';
import { type CallOptions, createServiceProxy, type ServiceProxy } from './proxy.js';

/**
 * The client as both ends of its connections: its own calls (CallingClient, client.ts), and the
 * methods and notification handlers it answers the server with (inbound.ts). See createClient()
 * (create-client.ts), which checks what it is given.
 */
export class ClientImpl extends CallingClient implements Client {
  /** What the client answers when the server calls it. */
  private readonly handlers = new HandlerTable();
  /** The server's calls running on each link. */
  private readonly inbound: Inbound;

  constructor(target: ResolvedTarget, options: ResolvedClientOptions) {
    super(target, options);
    const cancelMethod = options.cancelMethod ?? LSP_CANCEL;
    this.inbound = new Inbound(this.handlers, { ...options, cancelMethod });
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

  // --- calls from the server -------------------------------------------------------------------

  method(name: string, handler: unknown, options?: MethodOptions): void {
    this.handlers.method(name, handler, options);
  }

  register(instance: object, options?: RegisterOptions): string[] {
    return this.handlers.register(instance, options);
  }

  onNotification(name: string, handler: NotificationHandler): () => void {
    return this.handlers.onNotification(name, handler);
  }

  protected received(link: Link, message: Message): void {
    this.inbound.receive(link, message);
  }

  protected closed(link: Link): void {
    this.inbound.closed(link);
  }
}
