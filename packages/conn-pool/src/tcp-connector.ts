import { connect, type LookupFunction, type NetConnectOpts, type Socket } from 'node:net';
import {
  checkBoolean,
  checkFunction,
  checkInteger,
  checkTime,
  describe,
  optionError,
  rejectUnknownOptions,
} from '@rerpc/internal';
import { AbortError, DialError, DialTimeoutError } from './errors.js';

/** Where to connect: a TCP host and port, or a Unix socket / Windows named pipe path. */
export type TcpTarget = { host?: string; port: number } | { path: string };

/** Options of {@link createTcpConnector}. Times are in milliseconds. */
export interface TcpConnectorOptions {
  /**
   * How long a connect may take before it fails with `DialTimeoutError`. 0 disables (the OS
   * timeout applies). Go rerpc's `DialTimeout`.
   * @default 5000
   */
  dialTimeout?: number;
  /**
   * TCP keep-alive: the idle time before the first probe. 0 disables keep-alive. Go's
   * `net.Dialer` default.
   * @default 15000
   */
  keepAlive?: number;
  /**
   * Disables Nagle's algorithm, so small requests go out at once (what RPC wants).
   * @default true
   */
  noDelay?: boolean;
  /**
   * A custom DNS lookup, as `net.connect`'s `lookup` (only used when `host` is a name).
   * @default dns.lookup
   */
  lookup?: LookupFunction;
}

/** The TCP connector's defaults, one place (the README's table is tested against it). */
export const CONNECTOR_DEFAULTS = Object.freeze({
  host: 'localhost',
  dialTimeout: 5_000,
  keepAlive: 15_000,
  noDelay: true,
});

/** The keys a target may have. */
const TARGET_KEYS: readonly string[] = ['host', 'port', 'path'];
/** The names {@link createTcpConnector} accepts as options. */
const CONNECTOR_OPTIONS: readonly string[] = ['dialTimeout', 'keepAlive', 'noDelay', 'lookup'];

/**
 * Dials sockets for a pool: spread it into `createPool()` options. Each method is an own,
 * `this`-free function; `address` is own but not enumerable, so a spread leaves it out.
 */
export interface TcpConnector {
  /**
   * Connects, resolving with the socket once it is connected. Rejects with `DialError` (`cause` is
   * the socket error, e.g. `ECONNREFUSED`), `DialTimeoutError` after `dialTimeout`, or
   * `AbortError` (`cause` = `signal.reason`) when `signal` aborts; the socket is destroyed then.
   */
  create(signal?: AbortSignal): Promise<Socket>;
  /** Destroys the socket. */
  destroy(socket: Socket): void;
  /** `true` while the socket is usable: not destroyed, not ended by either side, writable. */
  validate(socket: Socket): boolean;
  /** `host:port` or the socket path, as used in error messages. */
  readonly address: string;
}

// Pooled sockets sit idle with no listener of their own; an 'error' then (ECONNRESET from the
// peer) would be an uncaught exception. This keeps the process alive; the socket is destroyed
// by the error, so validate() evicts it.
const ignoreError = (): void => {};

function validate(socket: Socket): boolean {
  // Stryker disable ConditionalExpression,LogicalOperator: overlapping checks; a destroyed or ended socket fails several (destroy() also clears writable and makes readyState 'closed'; end(), ours or, with allowHalfOpen off, the one Node makes on the peer's end, clears writable), so no single one decides
  return (
    !socket.destroyed &&
    socket.writable &&
    !socket.writableEnded &&
    !socket.readableEnded &&
    socket.readyState === 'open'
  );
  // Stryker restore ConditionalExpression,LogicalOperator
}

function destroy(socket: Socket): void {
  socket.destroy();
}

/**
 * Creates `create` / `destroy` / `validate` for TCP (or Unix socket) connections, to spread into
 * {@link createPool}. Throws a `TypeError` with code `RERPC_ERR_INVALID_OPTION` naming the option
 * if one is invalid or unknown.
 *
 * @example
 * const pool = createPool({ ...createTcpConnector({ host: '127.0.0.1', port: 4000 }), maxActive: 10 });
 */
export function createTcpConnector(
  target: TcpTarget,
  options: TcpConnectorOptions = {},
): TcpConnector {
  if (typeof target !== 'object' || target === null || Array.isArray(target)) {
    throw optionError(`target must be { host, port } or { path }, got ${describe(target)}`);
  }
  rejectUnknownOptions(target, TARGET_KEYS, 'createTcpConnector() target');
  if (typeof options !== 'object' || options === null) {
    throw optionError(`createTcpConnector() options must be an object, got ${describe(options)}`);
  }
  rejectUnknownOptions(options, CONNECTOR_OPTIONS, 'createTcpConnector() options');
  let address: string;
  let connectOptions: NetConnectOpts;
  const keepAlive = checkTime('keepAlive', options.keepAlive ?? CONNECTOR_DEFAULTS.keepAlive);
  const dialTimeout = checkTime(
    'dialTimeout',
    options.dialTimeout ?? CONNECTOR_DEFAULTS.dialTimeout,
  );
  const noDelay = checkBoolean('noDelay', options.noDelay ?? CONNECTOR_DEFAULTS.noDelay);
  if (options.lookup !== undefined) checkFunction('lookup', options.lookup);
  if ('path' in target) {
    const t = target as { host?: unknown; port?: unknown };
    if (t.port !== undefined || t.host !== undefined) {
      throw optionError(
        'target must be { host, port } or { path }, not both: a path (Unix socket or pipe) has no host or port',
      );
    }
    if (typeof target.path !== 'string' || target.path === '') {
      throw optionError(`path must be a non-empty string, got ${describe(target.path)}`);
    }
    address = target.path;
    connectOptions = {
      path: target.path,
      noDelay,
      keepAlive: keepAlive > 0,
      // Stryker disable next-line ConditionalExpression,EqualityOperator: with keep-alive off (0) the initial delay is never read
      ...(keepAlive > 0 ? { keepAliveInitialDelay: keepAlive } : {}),
    };
  } else {
    const port = checkInteger('port', target.port, 1, 65_535);
    const host = target.host ?? CONNECTOR_DEFAULTS.host;
    if (typeof host !== 'string' || host === '') {
      throw optionError(`host must be a non-empty string, got ${describe(host)}`);
    }
    address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    connectOptions = {
      host,
      port,
      noDelay,
      keepAlive: keepAlive > 0,
      // Stryker disable next-line ConditionalExpression,EqualityOperator: with keep-alive off (0) the initial delay is never read
      ...(keepAlive > 0 ? { keepAliveInitialDelay: keepAlive } : {}),
      // Stryker disable next-line ConditionalExpression: lookup: undefined is net.connect's default
      ...(options.lookup !== undefined ? { lookup: options.lookup } : {}),
    };
  }
  Object.freeze(connectOptions);

  function create(signal?: AbortSignal): Promise<Socket> {
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    return new Promise<Socket>((resolve, reject) => {
      const socket = connect(connectOptions);
      let timer: NodeJS.Timeout | null = null;
      const settle = (): void => {
        // Stryker disable next-line StringLiteral: 'connect' is a once() listener, gone after it fired; after a failure the socket is destroyed
        socket.off('connect', onConnect);
        socket.off('error', onError);
        // Stryker disable next-line ConditionalExpression: clearTimeout(null) does nothing
        if (timer !== null) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (error: Error): void => {
        settle();
        // Stryker disable next-line StringLiteral: defensive; a socket destroyed without an error emits none
        socket.on('error', ignoreError);
        socket.destroy();
        reject(error);
      };
      const onConnect = (): void => {
        settle();
        socket.on('error', ignoreError);
        resolve(socket);
      };
      const onError = (error: Error): void => fail(new DialError(address, { cause: error }));
      const onAbort = (): void => fail(new AbortError(signal!.reason));
      socket.once('connect', onConnect);
      socket.once('error', onError);
      if (dialTimeout > 0) {
        timer = setTimeout(() => fail(new DialTimeoutError(dialTimeout, address)), dialTimeout);
        timer.unref();
      }
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: settle() removes the listener on every outcome
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  // `address` is not enumerable, so `{ ...connector }` is exactly the factory `createPool()` takes.
  return Object.freeze(
    Object.defineProperty({ create, destroy, validate }, 'address', {
      value: address,
      enumerable: false,
    }) as TcpConnector,
  );
}
