import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkOptions, checkTime } from '@rerpc/internal';
import type { MethodOptions, RegisterOptions } from '@rerpc/registry';
import type { CallContext } from './call.js';
import { Core, type HandleOptions } from './core.js';
import { registerDiscover } from './discover.js';
import { ListenError, ServerClosedError } from './errors.js';
import { registerHealth } from './health.js';
import { type ListenOptions, type ResolvedListen, resolveListen } from './listen-options.js';
import { createListener, type HttpListener, type ListenerHost } from './listeners.js';
import type { Middleware } from './middleware.js';
import { type ResolvedServerOptions, resolveServerOptions, type ServerOptions } from './options.js';
import type { Peer } from './peer.js';
import { Sockets } from './sockets.js';
import type { Clock, CoreStats } from './stats.js';
import { resolveServe, type ServeOptions, type ServeStream, StreamConnection } from './stream.js';
import {
  registerSubscription,
  type SubscriptionHandler,
  type SubscriptionOptions,
} from './subscribe.js';
import { Connection, type ConnectionOwner, resetSocket } from './tcp.js';
import type { Channel, ChannelTransport } from './transport.js';
import { WsAcceptor } from './upgrade.js';
import { WebHandler } from './web.js';
import { resolveWebOptions, type WebOptions } from './web-options.js';

/** What `server.httpHandler()` returns: a node:http `'request'` listener (or a framework route). */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** What `server.upgradeHandler()` returns: a node:http(s) server's `'upgrade'` listener. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** The bound address: TCP (`host`, `port`, `family`) or a path. */
export type ServerAddress = { host: string; port: number; family: string } | { path: string };

/** Options of `close()`. */
export interface CloseOptions {
  /**
   * Milliseconds to wait before aborting handlers and destroying sockets: an integer from 0 to
   * 2^31 - 1, or `Infinity` to wait forever; default: the server's `closeTimeout`.
   */
  timeout?: number;
}

const CLOSE_OPTIONS: readonly string[] = ['timeout'];

/** A snapshot of the server's counters (each call returns a new object). */
export interface ServerStats extends CoreStats {
  connections: {
    /** Connections open now. */
    open: number;
    /** Connections accepted since the server was created. */
    total: number;
    /** Connections destroyed on arrival: over `maxConnections`, or while closing. */
    refused: number;
  };
  /**
   * Bytes read from and written to every connection (TCP, TLS, HTTP, WebSocket; for a mounted
   * `httpHandler`, its request bodies and answers), since the server was created.
   */
  bytes: { in: number; out: number };
}

/** A JSON-RPC 2.0 server: register methods, then `listen()` (or feed `handle()` from any transport). */
export interface Server extends AsyncDisposable {
  /** The resolved options (frozen). */
  readonly options: ResolvedServerOptions;
  /**
   * Exposes `instance`'s public methods as `Name.method` (never `constructor`, names starting with
   * `_`, getters, or anything of `Object.prototype`); returns the names registered.
   * @throws RegistrationError for a bad name, a duplicate, or an invalid schema.
   */
  register(instance: object, options?: RegisterOptions): string[];
  /**
   * Registers `handler(params, ctx)` under the full name `name`, with optional JSON Schemas for
   * params (checked with ajv: a mismatch answers -32602) and result (serialised with
   * fast-json-stringify).
   * @throws RegistrationError for a bad or duplicate name, or an invalid schema.
   */
  method(
    name: string,
    handler: (params: never, ctx: CallContext) => unknown,
    options?: MethodOptions,
  ): void;
  /**
   * Runs one connection over a stream pair: a Duplex, or `{ readable, writable }` such as
   * `{ readable: process.stdin, writable: process.stdout }` or a child process's pipes, framed
   * with Content-Length headers (as LSP) unless `framing: 'ndjson'`. Same limits, peers,
   * subscriptions and cancellation as a socket. Resolves when the connection is over: the peer
   * ended its side and every call in flight was answered (the writable side is then ended, but
   * never process.stdout), the stream closed, or `close()`. Rejects with `ServerClosedError`
   * after `close()` and with a `TypeError` for bad arguments.
   */
  serve(stream: ServeStream, options?: ServeOptions): Promise<void>;
  /**
   * Adds a middleware around every call's handler, in the order added (after params validation):
   * `(ctx, next) => next()` runs the handler; return a value to answer with it, throw (or return)
   * an `RpcError` to answer that error without running the handler. Free when none is added.
   * @throws TypeError when `middleware` is not a function.
   */
  use(middleware: Middleware): void;
  /**
   * Registers a subscription in the go-ethereum/jsonrpsee shape: `<name>_subscribe` (answers a
   * subscription id, a string unique within the server, then runs `handler(params, ctx, sink)`'s
   * events as notifications `{ method: options.notification ?? '<name>_subscription', params:
   * { subscription: id, result } }`, never before the reply) and `<name>_unsubscribe` (params
   * `[id]`, answers `true`, or `false` for an id not open on that connection). Over plain HTTP and
   * `handle()` subscribing is answered -32003.
   * @throws RegistrationError for a bad or duplicate name; TypeError for bad options.
   */
  subscription<P = never, E = unknown>(
    name: string,
    handler: SubscriptionHandler<P, E>,
    options?: SubscriptionOptions,
  ): void;
  /**
   * Starts accepting connections: TCP (`transport: 'tcp'`, the default) or HTTP + WebSocket on
   * one port (`transport: 'http'`), over TLS with `tls`; resolves with the bound address. Rejects
   * with `ListenError` (already listening, or the address could not be bound: see `cause`),
   * `ServerClosedError` after `close()`, or `TypeError` for invalid options.
   */
  listen(options?: ListenOptions): Promise<ServerAddress>;
  /**
   * A `(req, res)` handler serving JSON-RPC over HTTP POST (the status codes of
   * `transport: 'http'`) for an existing node:http(s) server or a framework route: every request
   * it is given is the endpoint (or the health check). Throws `TypeError` for invalid options.
   */
  httpHandler(options?: WebOptions): HttpHandler;
  /**
   * An `(req, socket, head)` listener for an existing node:http(s) server's `'upgrade'` event: a
   * WebSocket upgrade becomes a JSON-RPC connection (one JSON text per text message); the server
   * owns the socket from then on (`maxConnections`, `stats()`, `close()`). Check the path first
   * if the server has other WebSocket endpoints. Throws `TypeError` for invalid options.
   */
  upgradeHandler(options?: WebOptions): UpgradeHandler;
  /** The bound address, or `null` when not listening. */
  address(): ServerAddress | null;
  /**
   * The transport-free core: answers one JSON-RPC message or batch (text or UTF-8 bytes) with
   * the response text, or `null` when nothing is to be sent back (notifications, responses).
   * Rejects with `AbortError` when `options.signal` aborts first, with `ServerClosedError` when
   * `close()` gives up before the answer, and with a `TypeError` for invalid arguments; never for
   * bad input (that is answered).
   */
  handle(message: string | Uint8Array, options?: HandleOptions): Promise<string | null>;
  /**
   * The core for a persistent transport (the TCP one is built on it): feed parsed messages into
   * the returned channel; answers go to `transport.send`. Call `channel.destroy()` when the
   * connection closes.
   */
  openChannel(transport: ChannelTransport): Channel;
  /**
   * Graceful shutdown: stops accepting connections, answers every call already received (later
   * requests get -32002), half-closes each connection after its last answer, and resolves once all
   * are closed. Past `timeout` it aborts the handlers left (`ctx.signal`) and destroys the sockets.
   * Calling it again returns the same promise.
   */
  close(options?: CloseOptions): Promise<void>;
  stats(): ServerStats;
  /**
   * The peers of every open persistent connection (TCP, TLS, Unix, WebSocket, served streams), in
   * accept order: a snapshot, e.g. to notify them all.
   */
  peers(): Peer[];
}

/**
 * Creates a JSON-RPC 2.0 server (TCP with NDJSON framing by default, wire-compatible with Go
 * rerpc). Throws `TypeError` naming the option, the rule and the value for an invalid option.
 * @example
 * const server = createServer();
 * server.method('add', ([a, b]: [number, number]) => a + b);
 * const { port } = (await server.listen({ port: 4000 })) as { port: number };
 */
export function createServer(options?: ServerOptions): Server {
  return new RpcServer(resolveServerOptions(options));
}

/** `createServer` reading time from `clock`: for tests, not exported from the package. */
export function createServerWithClock(options: ServerOptions | undefined, clock: Clock): Server {
  return new RpcServer(resolveServerOptions(options), clock);
}

class RpcServer implements Server, ConnectionOwner {
  readonly options: ResolvedServerOptions;
  private readonly core: Core;
  private readonly sockets: Sockets;
  private readonly host: ListenerHost;
  /** `listen()` was called and has not failed. */
  private listening = false;
  private net: NetServer | null = null;
  /** The listener when it serves HTTP (`net` too): its idle keep-alive sockets close with it. */
  private http: HttpListener | null = null;
  private graceTimer: NodeJS.Timeout | null = null;
  private readonly graceEnd = (): void => {
    this.graceTimer = null;
    this.http!.close();
  };
  private closing: Promise<void> | null = null;
  private closeResolve: (() => void) | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  // Stryker disable next-line BooleanLiteral: net.close() closes the listening handle at once; its 'close' event waits only for sockets, which checkClosed() counts itself
  private listenerClosed = false;
  private subscriptionCount = 0;
  /** Subscription ids: unique within the server, hex like go-ethereum's. */
  private readonly nextSubscriptionId = (): string =>
    `0x${(++this.subscriptionCount).toString(16)}`;

  constructor(options: ResolvedServerOptions, clock?: Clock) {
    this.options = options;
    this.core = new Core(options, clock);
    registerHealth(this.core.registry, options.healthMethod);
    registerDiscover(this.core.registry, options.discover);
    this.sockets = new Sockets(options.maxConnections, () => this.checkClosed());
    this.host = {
      core: this.core,
      sockets: this.sockets,
      allowHalfOpen: options.allowHalfOpen,
      onConnection: (socket) => this.onConnection(socket),
    };
  }

  httpHandler(options?: WebOptions): HttpHandler {
    return new WebHandler(this.host, resolveWebOptions(options), false).request;
  }

  upgradeHandler(options?: WebOptions): UpgradeHandler {
    return new WsAcceptor(this.host, resolveWebOptions(options, 'upgradeHandler() options'), false)
      .upgrade;
  }

  register(instance: object, options?: RegisterOptions): string[] {
    return this.core.registry.register(instance, options);
  }

  method(
    name: string,
    handler: (params: never, ctx: CallContext) => unknown,
    options?: MethodOptions,
  ): void {
    this.core.registry.method(name, handler, options);
  }

  use(middleware: Middleware): void {
    this.core.use(middleware);
  }

  serve(stream: ServeStream, options?: ServeOptions): Promise<void> {
    if (this.closing !== null) return Promise.reject(new ServerClosedError());
    try {
      const { readable, writable, framing } = resolveServe(stream, options);
      return new StreamConnection(this.core, readable, writable, framing).done;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  subscription<P = never, E = unknown>(
    name: string,
    handler: SubscriptionHandler<P, E>,
    options?: SubscriptionOptions,
  ): void {
    registerSubscription(
      this.core.registry,
      name,
      handler as SubscriptionHandler<never, never>,
      options,
      this.nextSubscriptionId,
    );
  }

  handle(message: string | Uint8Array, options?: HandleOptions): Promise<string | null> {
    return this.core.handle(message, options);
  }

  openChannel(transport: ChannelTransport): Channel {
    return this.core.openChannel(transport);
  }

  listen(options: ListenOptions = {}): Promise<ServerAddress> {
    if (this.closing !== null) return Promise.reject(new ServerClosedError());
    if (this.listening) {
      return Promise.reject(
        new ListenError(
          'The server is already listening (or listen() is in progress); one server listens on one address: create another server for another address',
        ),
      );
    }
    let resolved: ResolvedListen;
    try {
      resolved = resolveListen(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const { args, where } = resolved;
    // Set now: a second listen() while this one loads its modules is refused.
    this.listening = true;
    return createListener(resolved, this.host).then((created) => {
      if (this.closing !== null) {
        // close() began while the listener's modules loaded.
        // Stryker disable next-line BooleanLiteral: once closing, listen() is refused before `listening` is read
        this.listening = false;
        throw new ServerClosedError();
      }
      const net = created.net;
      this.net = net;
      this.http = created.http;
      return new Promise<ServerAddress>((resolve, reject) => {
        net.once('error', (error: Error) => {
          this.net = null;
          this.http = null;
          this.listening = false;
          reject(
            new ListenError(
              `Could not listen on ${where}: ${error.message}; pick another port or path, or stop what holds it`,
              { cause: error },
            ),
          );
        });
        net.listen(args, () => {
          net.removeAllListeners('error');
          // Accept errors (e.g. EMFILE) after listening: Node retries; nothing to surface per call.
          net.on('error', noop);
          resolve(this.address()!);
        });
      });
    });
  }

  address(): ServerAddress | null {
    const a = this.net?.address() ?? null;
    if (a === null) return null;
    if (typeof a === 'string') return { path: a };
    return { host: a.address, port: a.port, family: a.family };
  }

  close(options?: CloseOptions): Promise<void> {
    if (this.closing !== null) return this.closing;
    let timeout: number;
    try {
      checkOptions(options, CLOSE_OPTIONS, 'close() options');
      timeout =
        options?.timeout === undefined
          ? this.options.closeTimeout
          : checkTime('timeout', options.timeout, true);
    } catch (error) {
      return Promise.reject(error);
    }
    this.closing = new Promise<void>((resolve) => {
      this.closeResolve = resolve;
    });
    if (this.net !== null) {
      const onClosed = (): void => {
        this.listenerClosed = true;
        this.checkClosed();
      };
      if (this.http === null) {
        this.net.close(onClosed);
      } else {
        // Stop accepting now, but leave idle keep-alive sockets open for closeGrace, so a request
        // already on its way gets 503 + Connection: close instead of a closed socket; http's own
        // close() then closes the idle ones.
        NetServer.prototype.close.call(this.net, onClosed);
        this.graceTimer = setTimeout(this.graceEnd, this.options.closeGrace);
        this.graceTimer.unref();
      }
    } else {
      this.listenerClosed = true;
    }
    this.core.beginClose(() => this.checkClosed());
    if (timeout === 0) {
      this.forceClose();
    } else if (timeout !== Number.POSITIVE_INFINITY) {
      this.closeTimer = setTimeout(() => this.forceClose(), timeout);
    }
    this.checkClosed();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  peers(): Peer[] {
    return this.core.peers();
  }

  stats(): ServerStats {
    const { connections, bytes } = this.sockets.snapshot();
    const core = this.core.snapshot();
    return {
      connections,
      calls: core.calls,
      errors: core.errors,
      ignoredResponses: core.ignoredResponses,
      bytes,
      latency: core.latency,
      subscriptions: core.subscriptions,
      peerCalls: core.peerCalls,
      cancellations: core.cancellations,
    };
  }

  connectionClosed(connection: Connection): void {
    this.sockets.closed(connection.socket);
  }

  private onConnection(socket: Socket): void {
    if (!this.sockets.admit(this.core.closing)) {
      // Stryker disable next-line StringLiteral: a guard: a socket destroyed at once emits no later error
      socket.on('error', noop);
      socket.destroy();
      return;
    }
    this.sockets.adopt(socket);
    new Connection(this.core, this, socket);
  }
  /** close() gave up waiting: abort every handler left and destroy every socket. */
  private forceClose(): void {
    this.closeTimer = null;
    const reason = new ServerClosedError(
      'The server closed before this call finished (close() timed out); stop the work',
    );
    // Each transport is told (TCP resets its socket; a handle() call rejects with the reason).
    this.core.abandon(reason);
    // Connections whose channel was already gone (a peer that left, still flushing) too: a reset,
    // not a FIN, since calls were abandoned and a FIN from us means "all I ran is answered".
    this.http?.closeAllConnections();
    this.sockets.forEach(resetSocket);
    // Sockets no transport owns yet (a TLS handshake under way) do not hold close() up.
    this.listenerClosed = true;
    this.checkClosed();
  }

  private checkClosed(): void {
    if (this.closeResolve === null) return;
    if (!this.listenerClosed || this.sockets.size > 0 || this.core.inFlight > 0) return;
    const resolve = this.closeResolve;
    this.closeResolve = null;
    clearTimeout(this.closeTimer ?? undefined);
    this.closeTimer = null;
    // Stryker disable next-line ConditionalExpression,BlockStatement: with no socket left, http.close() has nothing to close: now or at the grace timer's end (unref'd) is the same
    if (this.graceTimer !== null) {
      clearTimeout(this.graceTimer);
      this.graceTimer = null;
      this.http!.close();
    }
    this.core.shutDown();
    resolve();
  }
}

function noop(): void {}
