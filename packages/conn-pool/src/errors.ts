// Every error carries a stable `code` and a `Symbol.for` brand on its prototype, so `instanceof`
// works across two installed copies of this package (undici: lib/core/errors.js).

const POOL_EXHAUSTED = Symbol.for('rerpc.error.RERPC_ERR_POOL_EXHAUSTED');
const POOL_CLOSED = Symbol.for('rerpc.error.RERPC_ERR_POOL_CLOSED');
const DIAL_TIMEOUT = Symbol.for('rerpc.error.RERPC_ERR_DIAL_TIMEOUT');
const DIAL = Symbol.for('rerpc.error.RERPC_ERR_DIAL');
const ABORTED = Symbol.for('rerpc.error.RERPC_ERR_ABORTED');

function branded(value: unknown, brand: symbol): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

/**
 * `acquire()` waited `acquireTimeout` ms while all `maxActive` resources were in use and none was
 * released in time.
 */
export class PoolExhaustedError extends Error {
  override readonly name = 'PoolExhaustedError';
  readonly code = 'RERPC_ERR_POOL_EXHAUSTED';
  /** The pool's `maxActive`. */
  readonly maxActive: number;
  /** The `acquireTimeout` (ms) that passed. */
  readonly timeout: number;

  constructor(maxActive: number, timeout: number, options?: { cause?: unknown }) {
    super(
      `No resource became free within ${timeout} ms: all ${maxActive} (maxActive) are in use; release resources sooner, or raise maxActive or acquireTimeout`,
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

/** The pool is closed (or closing): the acquire was refused, or was pending when `close()` ran. */
export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';
  readonly code = 'RERPC_ERR_POOL_CLOSED';

  constructor(message?: string, options?: { cause?: unknown }) {
    super(
      message ??
        'The pool is closed and hands out no more resources; acquire before close(), or create a new pool',
      options,
    );
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, POOL_CLOSED);
  }
}
Object.defineProperty(PoolClosedError.prototype, POOL_CLOSED, { value: true });

/**
 * Creating a resource took too long: the TCP connector's `dialTimeout` passed before the socket
 * connected, or the pool's `acquireTimeout` passed while `create()` was still running (its signal
 * is then aborted).
 */
export class DialTimeoutError extends Error {
  override readonly name = 'DialTimeoutError';
  readonly code = 'RERPC_ERR_DIAL_TIMEOUT';
  /** The timeout (ms) that passed. */
  readonly timeout: number;
  /** What was dialled (`host:port` or a socket path), or `null` for a generic pool's `create()`. */
  readonly address: string | null;

  constructor(timeout: number, address: string | null, options?: { cause?: unknown }) {
    super(
      address === null
        ? `create() did not finish within ${timeout} ms (acquireTimeout), so its signal was aborted; check what create() waits for, or raise acquireTimeout`
        : `Connecting to ${address} did not finish within ${timeout} ms (dialTimeout); check that the address is right and reachable, or raise dialTimeout`,
      options,
    );
    this.timeout = timeout;
    this.address = address;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, DIAL_TIMEOUT);
  }
}
Object.defineProperty(DialTimeoutError.prototype, DIAL_TIMEOUT, { value: true });

/**
 * Creating a resource failed. From the TCP connector, `cause` is the socket error (its `code`
 * says why: `ECONNREFUSED`, `ENOTFOUND`, ...); from a generic pool, `cause` is what `create()`
 * threw.
 */
export class DialError extends Error {
  override readonly name = 'DialError';
  readonly code = 'RERPC_ERR_DIAL';
  /** What was dialled (`host:port` or a socket path), or `null` for a generic pool's `create()`. */
  readonly address: string | null;

  constructor(address: string | null, options: { cause: unknown }) {
    super(
      address === null
        ? `create() failed (${causeText(options.cause)}); see cause, and check what create() depends on`
        : `Could not connect to ${address} (${causeText(options.cause)}); check that the server is running and listening there`,
      options,
    );
    this.address = address;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, DIAL);
  }
}
Object.defineProperty(DialError.prototype, DIAL, { value: true });

/** The caller's signal aborted the acquire (or the dial); `cause` is the signal's `reason`. */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'RERPC_ERR_ABORTED';

  constructor(reason: unknown, message?: string) {
    super(message ?? 'The operation was aborted by its signal; see cause for the reason', {
      cause: reason,
    });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, ABORTED);
  }
}
Object.defineProperty(AbortError.prototype, ABORTED, { value: true });

function causeText(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code)
      ? `${code}: ${cause.message}`
      : cause.message;
  }
  return String(cause);
}

/** Errors of ours pass through `acquire()` untouched; anything else `create()` throws is wrapped. */
export function isOwnError(value: unknown): boolean {
  return (
    branded(value, DIAL) ||
    branded(value, DIAL_TIMEOUT) ||
    branded(value, ABORTED) ||
    branded(value, POOL_CLOSED) ||
    branded(value, POOL_EXHAUSTED)
  );
}
