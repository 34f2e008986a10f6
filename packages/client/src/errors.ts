// Every error carries a stable `code` and a `Symbol.for` brand on its prototype, so `instanceof`
// works across two installed copies (undici: lib/core/errors.js). The brands of
// `PoolExhaustedError` and `AbortError` are the ones @rerpc/conn-pool uses for the same codes, so
// `instanceof` matches either package's class.

const TIMEOUT = Symbol.for('rerpc.error.RERPC_ERR_TIMEOUT');
const CONNECTION = Symbol.for('rerpc.error.RERPC_ERR_CONNECTION');
const POOL_EXHAUSTED = Symbol.for('rerpc.error.RERPC_ERR_POOL_EXHAUSTED');
const CLIENT_CLOSED = Symbol.for('rerpc.error.RERPC_ERR_CLIENT_CLOSED');
const ABORTED = Symbol.for('rerpc.error.RERPC_ERR_ABORTED');

function branded(value: unknown, brand: symbol): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

/**
 * The call's deadline (`timeout`, retries included) passed after its request was handed to a
 * connection. The request may have run on the server; a late answer is dropped.
 */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'RERPC_ERR_TIMEOUT';
  /** The timeout (ms) that passed. */
  readonly timeout: number;
  /** The method called (for a batch, `'batch'`). */
  readonly method: string;

  constructor(method: string, timeout: number, options?: { cause?: unknown }) {
    super(
      `${method} got no answer within ${timeout} ms (its timeout); it may still have run on the server. Raise timeout if the method is slow, or check the server's load`,
      options,
    );
    this.timeout = timeout;
    this.method = method;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, TIMEOUT);
  }
}
Object.defineProperty(TimeoutError.prototype, TIMEOUT, { value: true });

/**
 * Why a {@link ConnectionError} with `sent: false` happened: the server could not be reached
 * (`'unreachable'`), the connection was lost before the request left the client (`'lost'`), or
 * the server is shutting down and did not run the request (`'shutdown'`: it answered -32002, or
 * closed the connection after doing so).
 */
export type ConnectionFailure = 'unreachable' | 'lost' | 'shutdown';

/**
 * A connection failed. With `sent` false the call provably did not run (the dial failed, the
 * connection was lost before the request was written, or the server was shutting down and said
 * so) and it was retried as far as `maxRetries` and its deadline allowed. With `sent` true the
 * request may have run on the server, so it was not retried (unless `idempotent`).
 */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  readonly code = 'RERPC_ERR_CONNECTION';
  /** `host:port` or the socket path. */
  readonly address: string;
  /**
   * True when the call may have run on the server (its request was written and nothing says it
   * was not run); false when it provably did not run.
   */
  readonly sent: boolean;

  /**
   * @param detail a few words on what failed (`ECONNREFUSED`, `the server closed the connection`)
   * @param options `failure` says which `sent: false` case it is (default `'unreachable'`)
   */
  constructor(
    address: string,
    sent: boolean,
    detail: string,
    options?: { cause?: unknown; failure?: ConnectionFailure },
  ) {
    super(connectionMessage(address, sent, detail, options?.failure ?? 'unreachable'), options);
    this.address = address;
    this.sent = sent;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, CONNECTION);
  }
}

function connectionMessage(
  address: string,
  sent: boolean,
  detail: string,
  failure: ConnectionFailure,
): string {
  if (sent) {
    return `The connection to ${address} was lost after the request was written (${detail}), so it may have run and was not retried; retry it yourself if running it twice is safe, or mark the call idempotent`;
  }
  if (failure === 'shutdown') {
    return `The server at ${address} is shutting down and did not run the call (${detail}); no retry found a server within maxRetries and the call's timeout. It is safe to call again once a server is back, or raise maxRetries / timeout to wait for one`;
  }
  if (failure === 'lost') {
    return `The connection to ${address} was lost before the request was written (${detail}), so the call did not run, and no retry succeeded within maxRetries and its timeout; check that the server is running, or raise maxRetries / timeout`;
  }
  return `Could not reach ${address} (${detail}), so the call did not run; check that the server is running and listening there, or raise maxRetries / timeout to wait for it longer`;
}
Object.defineProperty(ConnectionError.prototype, CONNECTION, { value: true });

/**
 * The call's deadline passed while it waited for a connection (every connection being dialled
 * or none dialled yet): the request was never sent.
 */
export class PoolExhaustedError extends Error {
  override readonly name = 'PoolExhaustedError';
  readonly code = 'RERPC_ERR_POOL_EXHAUSTED';
  /** The client's `maxActive`. */
  readonly maxActive: number;
  /** The call's timeout (ms) that passed. */
  readonly timeout: number;

  constructor(address: string, maxActive: number, timeout: number, options?: { cause?: unknown }) {
    super(
      `No connection to ${address} became usable within ${timeout} ms (the call's timeout; maxActive is ${maxActive}), so the request was never sent; check that the server accepts connections quickly, or raise timeout`,
      options,
    );
    this.maxActive = maxActive;
    this.timeout = timeout;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, POOL_EXHAUSTED);
  }
}
Object.defineProperty(PoolExhaustedError.prototype, POOL_EXHAUSTED, { value: true });

/** The client is closed (or closing): the call was refused, or was cut off by `close()`'s timeout. */
export class ClientClosedError extends Error {
  override readonly name = 'ClientClosedError';
  readonly code = 'RERPC_ERR_CLIENT_CLOSED';

  constructor(message?: string, options?: { cause?: unknown }) {
    super(
      message ??
        'The client is closed and sends no more calls; make calls before close(), or create a new client',
      options,
    );
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, CLIENT_CLOSED);
  }
}
Object.defineProperty(ClientClosedError.prototype, CLIENT_CLOSED, { value: true });

/** The call's `signal` aborted it; `cause` is `signal.reason`. A late answer is dropped. */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'RERPC_ERR_ABORTED';

  constructor(reason: unknown, method = 'The call') {
    super(
      `${method} was aborted by its signal (see cause); if its request was already sent it may still run on the server`,
      { cause: reason },
    );
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, ABORTED);
  }
}
Object.defineProperty(AbortError.prototype, ABORTED, { value: true });
