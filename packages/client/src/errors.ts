import { errorClass } from '@rerpc/internal';
import { BACKOFF, type Call, ON_CONNECTION, WAITING } from './call.js';

// Each class has a stable `code` and is branded with it (see @rerpc/internal's `errorClass()`), so
// `instanceof` works across two installed copies. `PoolExhaustedError` and `AbortError` share
// their codes, hence their brands, with @rerpc/conn-pool's classes: `instanceof` matches either.

/**
 * The call's deadline (`timeout`, retries included) passed after its request was handed to a
 * connection. The request may have run on the server; a late answer is dropped.
 */
export class TimeoutError extends errorClass('TimeoutError', 'RERPC_ERR_TIMEOUT') {
  /** The timeout (ms) that passed. */
  declare readonly timeout: number;
  /** The method called (for a batch, `'batch'`). */
  declare readonly method: string;

  constructor(method: string, timeout: number, options?: { cause?: unknown }) {
    super(
      `${method} got no answer within ${timeout} ms (its timeout); it may still have run on the server. Raise timeout if the method is slow, or check the server's load`,
      options,
    );
    Object.assign(this, { timeout, method });
  }
}

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
export class ConnectionError extends errorClass('ConnectionError', 'RERPC_ERR_CONNECTION') {
  /** `host:port`, the socket path, or the target URL (`http(s)://`, `ws(s)://`). */
  declare readonly address: string;
  /**
   * True when the call may have run on the server (its request was written and nothing says it
   * was not run); false when it provably did not run.
   */
  declare readonly sent: boolean;

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
    // Stryker disable next-line StringLiteral: connectionMessage() words any failure but 'lost' and 'shutdown' as unreachable
    super(connectionMessage(address, sent, detail, options?.failure ?? 'unreachable'), options);
    Object.assign(this, { address, sent });
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

/**
 * The call's deadline passed while it waited for a connection (every connection being dialled
 * or none dialled yet): the request was never sent.
 */
export class PoolExhaustedError extends errorClass(
  'PoolExhaustedError',
  'RERPC_ERR_POOL_EXHAUSTED',
) {
  /** The client's `maxActive`. */
  declare readonly maxActive: number;
  /** The call's timeout (ms) that passed. */
  declare readonly timeout: number;

  constructor(address: string, maxActive: number, timeout: number, options?: { cause?: unknown }) {
    super(
      `No connection to ${address} became usable within ${timeout} ms (the call's timeout; maxActive is ${maxActive}), so the request was never sent; check that the server accepts connections quickly, or raise timeout`,
      options,
    );
    Object.assign(this, { maxActive, timeout });
  }
}

/** The client is closed (or closing): the call was refused, or was cut off by `close()`'s timeout. */
export class ClientClosedError extends errorClass(
  'ClientClosedError',
  'RERPC_ERR_CLIENT_CLOSED',
  'The client is closed and sends no more calls; make calls before close(), or create a new client',
) {}

/**
 * What a call whose deadline passed fails with, by where it is: `TimeoutError` on a connection
 * (it may have run), `PoolExhaustedError` waiting for one (never sent), the last attempt's error
 * while backing off; null when it is settled (or not started).
 */
export function expiryError(call: Call, address: string, maxActive: number): Error | null {
  const cause = call.lastError ?? undefined;
  switch (call.state) {
    case ON_CONNECTION:
      return new TimeoutError(call.method, call.timeout, { cause });
    case WAITING:
      return new PoolExhaustedError(address, maxActive, call.timeout, { cause });
    case BACKOFF:
      return (call.lastError as Error | null) ?? new TimeoutError(call.method, call.timeout);
    default:
      return null;
  }
}

/** The ClientClosedError of a call that close()'s `timeout` cut off. */
export function cutOff(method: string, timeout: number): ClientClosedError {
  return new ClientClosedError(
    `close() gave up waiting for ${method} after ${timeout} ms (its timeout) and cut it off; it may still run on the server. Give close() a longer timeout to let calls finish`,
  );
}

/** The call's `signal` aborted it; `cause` is `signal.reason`. A late answer is dropped. */
export class AbortError extends errorClass('AbortError', 'RERPC_ERR_ABORTED') {
  constructor(reason: unknown, method = 'The call') {
    super(
      `${method} was aborted by its signal (see cause); if its request was already sent it may still run on the server`,
      { cause: reason },
    );
  }
}

/**
 * What failed, in a few words for a `ConnectionError` message (which names the address itself):
 * the system error code (`ECONNREFUSED`), not conn-pool's `DialError` message around it, which
 * repeats the address and its own advice.
 */
export function failureDetail(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { code?: unknown; timeout?: unknown; limit?: unknown };
  switch (e.code) {
    case 'RERPC_ERR_DIAL_TIMEOUT':
      return `not connected within dialTimeout, ${String(e.timeout)} ms`;
    case 'RERPC_ERR_DIAL':
      return e.cause === undefined ? e.message : failureDetail(e.cause);
    case 'RERPC_ERR_FRAME_TOO_LARGE':
      return `an answer larger than maxMessageBytes, ${String(e.limit)} bytes`;
    case 'RERPC_ERR_FRAMING':
      return 'malformed Content-Length framing';
  }
  // Node's system errors: `connect ECONNREFUSED 127.0.0.1:4000` says no more than its code.
  // Stryker disable next-line ConditionalExpression: (typeof → true) test() of a non-string code (a number, undefined) never matches
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
  return e.message;
}

/**
 * The HTTP server answered a POST with a status that carries no JSON-RPC answer (an `http(s)://`
 * target). `sent` says whether the calls may have run: false for 4xx (the server refused the
 * request before running it) and 503 (draining, or over its connection limit); true for other
 * 5xx. 429 and 503 were retried within `maxRetries` and the call's timeout (after `Retry-After`
 * when the server sent one). Its message says what to do for that status.
 */
export class HttpStatusError extends errorClass('HttpStatusError', 'RERPC_ERR_HTTP_STATUS') {
  /** The HTTP status code. */
  declare readonly status: number;
  /** The target URL. */
  declare readonly address: string;
  /** True when the calls may have run on the server; false when they provably did not. */
  declare readonly sent: boolean;
  /** The server's `Retry-After`, in milliseconds; null when it sent none. */
  declare readonly retryAfter: number | null;

  constructor(
    address: string,
    status: number,
    sent: boolean,
    advice: string,
    retryAfter: number | null,
    options?: { cause?: unknown },
  ) {
    super(`The server at ${address} answered HTTP ${status}: ${advice}`, options);
    Object.assign(this, { status, address, sent, retryAfter });
  }
}
