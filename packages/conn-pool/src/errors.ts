import { errorClass } from '@rerpc/internal';

// Each error has a stable `code`; `instanceof` works across two installed copies of this package
// (errorClass() brands each class with its code; undici: lib/core/errors.js). `PoolExhaustedError`
// and `AbortError` share their codes, and so their brands, with @rerpc/client's classes of the
// same names.

/**
 * `acquire()` waited `acquireTimeout` ms while all `maxActive` resources were in use and none was
 * released in time.
 */
export class PoolExhaustedError extends errorClass(
  'PoolExhaustedError',
  'RERPC_ERR_POOL_EXHAUSTED',
) {
  /** The pool's `maxActive`. */
  declare readonly maxActive: number;
  /** The `acquireTimeout` (ms) that passed. */
  declare readonly timeout: number;

  constructor(maxActive: number, timeout: number, options?: { cause?: unknown }) {
    super(
      `No resource became free within ${timeout} ms: all ${maxActive} (maxActive) are in use; release resources sooner, or raise maxActive or acquireTimeout`,
      options,
    );
    Object.assign(this, { maxActive, timeout });
  }
}

/** The pool is closed (or closing): the acquire was refused, or was pending when `close()` ran. */
export class PoolClosedError extends errorClass(
  'PoolClosedError',
  'RERPC_ERR_POOL_CLOSED',
  'The pool is closed and hands out no more resources; acquire before close(), or create a new pool',
) {}

/**
 * Creating a resource took too long: the TCP connector's `dialTimeout` passed before the socket
 * connected, or the pool's `acquireTimeout` passed while `create()` was still running (its signal
 * is then aborted).
 */
export class DialTimeoutError extends errorClass('DialTimeoutError', 'RERPC_ERR_DIAL_TIMEOUT') {
  /** The timeout (ms) that passed. */
  declare readonly timeout: number;
  /** What was dialled (`host:port` or a socket path), or `null` for a generic pool's `create()`. */
  declare readonly address: string | null;

  constructor(timeout: number, address: string | null, options?: { cause?: unknown }) {
    super(
      address === null
        ? `create() did not finish within ${timeout} ms (acquireTimeout), so its signal was aborted; check what create() waits for, or raise acquireTimeout`
        : `Connecting to ${address} did not finish within ${timeout} ms (dialTimeout); check that the address is right and reachable, or raise dialTimeout`,
      options,
    );
    Object.assign(this, { timeout, address });
  }
}

/**
 * Creating a resource failed. From the TCP connector, `cause` is the socket error (its `code`
 * says why: `ECONNREFUSED`, `ENOTFOUND`, ...); from a generic pool, `cause` is what `create()`
 * threw.
 */
export class DialError extends errorClass('DialError', 'RERPC_ERR_DIAL') {
  /** What was dialled (`host:port` or a socket path), or `null` for a generic pool's `create()`. */
  declare readonly address: string | null;

  constructor(address: string | null, options: { cause: unknown }) {
    super(
      address === null
        ? `create() failed (${causeText(options.cause)}); see cause, and check what create() depends on`
        : `Could not connect to ${address} (${causeText(options.cause)}); check that the server is running and listening there`,
      options,
    );
    Object.assign(this, { address });
  }
}

/** The caller's signal aborted the acquire (or the dial); `cause` is the signal's `reason`. */
export class AbortError extends errorClass('AbortError', 'RERPC_ERR_ABORTED') {
  constructor(reason: unknown, message?: string) {
    super(message ?? 'The operation was aborted by its signal; see cause for the reason', {
      cause: reason,
    });
  }
}

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
    value instanceof DialError ||
    value instanceof DialTimeoutError ||
    value instanceof AbortError ||
    value instanceof PoolClosedError ||
    value instanceof PoolExhaustedError
  );
}
