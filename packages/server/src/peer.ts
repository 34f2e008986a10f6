import type { IncomingHttpHeaders } from 'node:http';
import type { PeerCertificate } from 'node:tls';
import { connectionClosed, type ServerConnectionMessage } from './diagnostics.js';
import { DisconnectedError } from './errors.js';
import type { ResolvedServerOptions } from './options.js';
import { type PeerCallOptions, PeerCalls, type PeerWire } from './peer-calls.js';
import type { PeerStats } from './peer-stats.js';
import { SubscriptionTable, type SubscriptionWire } from './subscription.js';
import type { ChannelTransport } from './transport.js';

/** How a peer is connected. */
export type PeerTransport = 'tcp' | 'tls' | 'unix' | 'ws' | 'wss' | 'stream';

/**
 * The other end of a persistent connection (TCP, TLS, Unix socket, WebSocket, a served stream):
 * `ctx.peer` in a handler, an element of `server.peers()`. Over plain HTTP and `handle()` there
 * is no connection to call back on, and `ctx.peer` is `null`.
 */
export interface Peer {
  /** A number unique within the server (1, 2, … in accept order). */
  readonly id: number;
  readonly transport: PeerTransport;
  /** The peer's address, or `null` (a Unix socket, a stream). */
  readonly remoteAddress: string | null;
  /** The TLS client certificate (`tls`, `wss`), or `null` when there is none. */
  readonly certificate: PeerCertificate | null;
  /** The HTTP upgrade request's headers (`ws`, `wss`), or `null`. */
  readonly headers: IncomingHttpHeaders | null;
  /** A plain object for the connection's own data (an identity set by `onConnection`); may be replaced. */
  state: Record<string, unknown>;
  /** Aborts when the connection closes (reason: `DisconnectedError` or `ServerClosedError`). */
  readonly signal: AbortSignal;
  /** The connection has closed: calls reject, notifications are not sent. */
  readonly closed: boolean;
  /**
   * Calls `method` on the peer (a JSON-RPC request with the server's own numeric id) and resolves
   * with its result. Rejects with `RpcError` (an error answer), `PeerTimeoutError`, `AbortError`
   * (`options.signal`), `TooManyPeerCallsError` (`maxPeerCalls` pending; not sent),
   * `DisconnectedError` (the connection closed first) or a `TypeError` for bad arguments.
   */
  call<T = unknown>(method: string, params?: unknown, options?: PeerCallOptions): Promise<T>;
  /**
   * Sends a notification; returns false when the connection has closed (nothing was sent).
   * Throws a `TypeError` for a non-string method or params that are not an object or array.
   */
  notify(method: string, params?: unknown): boolean;
}

/**
 * A connection's peer side, owned by its channel: the calls to the peer, the close signal, the
 * state object. The channel closes it when the connection ends; the handler sees it through a
 * `ConnectionPeer`, which holds it privately.
 */
export class PeerLink implements PeerWire, SubscriptionWire {
  readonly id: number;
  readonly transport: ChannelTransport;
  readonly calls: PeerCalls;
  readonly peer: ConnectionPeer;
  state: Record<string, unknown> | null = null;
  private readonly options: ResolvedServerOptions;
  private readonly stats: PeerStats;
  private table: SubscriptionTable | null = null;
  private controller: AbortController | null = null;
  private closeReason: unknown = null;

  constructor(
    id: number,
    transport: ChannelTransport,
    options: ResolvedServerOptions,
    stats: PeerStats,
  ) {
    this.id = id;
    this.transport = transport;
    this.options = options;
    this.stats = stats;
    this.calls = new PeerCalls(this, options.peerCallTimeout, options.maxPeerCalls, stats);
    this.peer = new ConnectionPeer(this);
  }

  /** The connection's subscriptions (made on first use). */
  subscriptions(): SubscriptionTable {
    if (this.table === null) {
      this.table = new SubscriptionTable(
        this,
        this.options.maxSubscriptionsPerConnection,
        this.options,
        this.stats,
      );
      if (this.closeReason !== null) this.table.closeAll();
    }
    return this.table;
  }

  /** Calls to the peer pending or subscriptions open: the connection is in use. */
  get busy(): boolean {
    return this.calls.size > 0 || (this.table !== null && this.table.size > 0);
  }

  congested(): boolean {
    return this.transport.congested?.() ?? false;
  }

  /** The transport's write buffer drained. */
  drained(): void {
    if (this.table !== null) this.table.drained();
  }

  get closed(): boolean {
    return this.closeReason !== null;
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.closeReason !== null) this.controller.abort(this.closeReason);
    }
    return this.controller.signal;
  }

  write(text: string): boolean {
    if (this.closeReason !== null) return false;
    this.transport.send(text);
    return true;
  }

  /** The connection closed (or ended): pending calls reject, the signal aborts with `reason`. */
  close(reason: unknown): void {
    if (this.closeReason !== null) return;
    this.closeReason = reason;
    this.calls.close(
      new DisconnectedError(
        'The connection closed before the peer answered this call; it may or may not have run there',
        { cause: reason },
      ),
    );
    this.table?.closeAll();
    if (this.controller !== null) this.controller.abort(reason);
    // Stryker disable next-line ConditionalExpression: a fast path: publishing without subscribers does nothing
    if (connectionClosed.hasSubscribers) {
      const message: ServerConnectionMessage = { peer: this.peer, reason };
      connectionClosed.publish(message);
    }
  }
}

const inspect = Symbol.for('nodejs.util.inspect.custom');

/** The link behind a `ctx.peer` (package-private: subscriptions reach their table through it). */
export let linkOf: (peer: ConnectionPeer) => PeerLink;

/** What handlers get as `ctx.peer`: read-only views of the link, plus `state`, `call`, `notify`. */
export class ConnectionPeer implements Peer {
  readonly #link: PeerLink;

  static {
    linkOf = (peer) => peer.#link;
  }

  constructor(link: PeerLink) {
    this.#link = link;
  }

  get id(): number {
    return this.#link.id;
  }

  get transport(): PeerTransport {
    return this.#link.transport.kind ?? 'stream';
  }

  get remoteAddress(): string | null {
    return this.#link.transport.remoteAddress ?? null;
  }

  get certificate(): PeerCertificate | null {
    return this.#link.transport.peerCertificate?.() ?? null;
  }

  get headers(): IncomingHttpHeaders | null {
    return this.#link.transport.headers ?? null;
  }

  get state(): Record<string, unknown> {
    const link = this.#link;
    if (link.state === null) link.state = {};
    return link.state;
  }

  set state(value: Record<string, unknown>) {
    this.#link.state = value;
  }

  get signal(): AbortSignal {
    return this.#link.signal;
  }

  get closed(): boolean {
    return this.#link.closed;
  }

  call<T = unknown>(method: string, params?: unknown, options?: PeerCallOptions): Promise<T> {
    return this.#link.calls.call(method, params, options) as Promise<T>;
  }

  notify(method: string, params?: unknown): boolean {
    return this.#link.calls.notify(method, params);
  }

  [inspect](): object {
    return {
      id: this.id,
      transport: this.transport,
      remoteAddress: this.remoteAddress,
      closed: this.closed,
      state: this.#link.state ?? {},
    };
  }
}
