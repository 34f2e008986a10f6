import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { checkInteger, checkOptions, checkTime, describe, optionError } from '@rerpc/internal';
import type { MethodOptions, RegisterOptions } from '@rerpc/registry';
import type { CallContext } from './call.js';
import { Core, type HandleOptions } from './core.js';
import { ListenError, ServerClosedError } from './errors.js';
import { type ResolvedServerOptions, resolveServerOptions, type ServerOptions } from './options.js';
import type { Clock, CoreStats } from './stats.js';
import { Connection, type ConnectionOwner, resetSocket } from './tcp.js';
import type { Channel, ChannelTransport } from './transport.js';

/** Where to listen: a TCP port (0 picks a free one) on a host, or a Unix socket / Windows pipe path. */
export type ListenOptions =
  | {
      /** @default 0 (any free port) */
      port?: number;
      /** @default '127.0.0.1' */
      host?: string;
      /** Pending connections the OS queues. @default 511 */
      backlog?: number;
    }
  | {
      path: string;
      /** @default 511 */
      backlog?: number;
    };

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
const LISTEN_OPTIONS: readonly string[] = ['port', 'host', 'backlog', 'path'];

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
  /** Bytes read from and written to every connection, since the server was created. */
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
   * Starts accepting TCP connections; resolves with the bound address. Rejects with
   * `ListenError` (already listening, or the address could not be bound: see `cause`),
   * `ServerClosedError` after `close()`, or `TypeError` for invalid options.
   */
  listen(options?: ListenOptions): Promise<ServerAddress>;
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
  private net: NetServer | null = null;
  private readonly connections = new Set<Connection>();
  private connectionsTotal = 0;
  private refused = 0;
  /** Bytes of connections already closed. */
  private bytesIn = 0;
  private bytesOut = 0;
  private closing: Promise<void> | null = null;
  private closeResolve: (() => void) | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  private listenerClosed = false;

  constructor(options: ResolvedServerOptions, clock?: Clock) {
    this.options = options;
    this.core = new Core(options, clock);
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

  handle(message: string | Uint8Array, options?: HandleOptions): Promise<string | null> {
    return this.core.handle(message, options);
  }

  openChannel(transport: ChannelTransport): Channel {
    return this.core.openChannel(transport);
  }

  listen(options: ListenOptions = {}): Promise<ServerAddress> {
    if (this.closing !== null) return Promise.reject(new ServerClosedError());
    if (this.net !== null) {
      return Promise.reject(
        new ListenError(
          'The server is already listening (or listen() is in progress); one server listens on one address: create another server for another address',
        ),
      );
    }
    let args: { port?: number; host?: string; path?: string; backlog?: number };
    let where: string;
    try {
      ({ args, where } = listenArgs(options));
    } catch (error) {
      return Promise.reject(error);
    }
    const net = createNetServer({ allowHalfOpen: true, noDelay: true }, (socket) =>
      this.onConnection(socket),
    );
    this.net = net;
    return new Promise<ServerAddress>((resolve, reject) => {
      const onError = (error: Error): void => {
        this.net = null;
        reject(
          new ListenError(
            `Could not listen on ${where}: ${error.message}; pick another port or path, or stop what holds it`,
            { cause: error },
          ),
        );
      };
      net.once('error', onError);
      net.listen(args, () => {
        net.off('error', onError);
        // Accept errors (e.g. EMFILE) after listening: Node retries; nothing to surface per call.
        net.on('error', noop);
        resolve(this.address()!);
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
      this.net.close(() => {
        this.listenerClosed = true;
        this.checkClosed();
      });
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

  stats(): ServerStats {
    let bytesIn = this.bytesIn;
    let bytesOut = this.bytesOut;
    for (const connection of this.connections) {
      bytesIn += connection.socket.bytesRead;
      bytesOut += connection.socket.bytesWritten;
    }
    const core = this.core.snapshot();
    return {
      connections: {
        open: this.connections.size,
        total: this.connectionsTotal,
        refused: this.refused,
      },
      calls: core.calls,
      errors: core.errors,
      ignoredResponses: core.ignoredResponses,
      bytes: { in: bytesIn, out: bytesOut },
      latency: core.latency,
    };
  }

  connectionClosed(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    this.bytesIn += connection.socket.bytesRead;
    this.bytesOut += connection.socket.bytesWritten;
    this.checkClosed();
  }

  private onConnection(socket: Socket): void {
    if (this.core.closing || this.connections.size >= this.options.maxConnections) {
      this.refused++;
      socket.on('error', noop);
      socket.destroy();
      return;
    }
    this.connectionsTotal++;
    this.connections.add(new Connection(this.core, this, socket));
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
    for (const connection of this.connections) resetSocket(connection.socket);
    this.checkClosed();
  }

  private checkClosed(): void {
    if (this.closeResolve === null) return;
    if (!this.listenerClosed || this.connections.size > 0 || this.core.inFlight > 0) return;
    const resolve = this.closeResolve;
    this.closeResolve = null;
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.closeTimer = null;
    this.core.shutDown();
    resolve();
  }
}

function noop(): void {}

function listenArgs(options: ListenOptions): {
  args: { port?: number; host?: string; path?: string; backlog?: number };
  where: string;
} {
  checkOptions(options, LISTEN_OPTIONS, 'listen() options');
  const backlog = checkInteger('backlog', options.backlog ?? 511, 1);
  if ('path' in options && options.path !== undefined) {
    if (typeof options.path !== 'string' || options.path.length === 0) {
      throw optionError(`path must be a non-empty string, got ${describe(options.path)}`);
    }
    return { args: { path: options.path, backlog }, where: options.path };
  }
  const o = options as { port?: number; host?: string };
  const port = checkInteger('port', o.port ?? 0, 0, 65535);
  const host = o.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.length === 0) {
    throw optionError(`host must be a non-empty string, got ${describe(host)}`);
  }
  return { args: { port, host, backlog }, where: `${host}:${port}` };
}
