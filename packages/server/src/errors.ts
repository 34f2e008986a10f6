// Every error carries a stable `code` and a `Symbol.for` brand on its prototype, so `instanceof`
// works across two installed copies of this package (undici: lib/core/errors.js).

const SERVER_CLOSED = Symbol.for('rerpc.error.RERPC_ERR_SERVER_CLOSED');
const LISTEN = Symbol.for('rerpc.error.RERPC_ERR_LISTEN');
const HANDLER_TIMEOUT = Symbol.for('rerpc.error.RERPC_ERR_HANDLER_TIMEOUT');
const DISCONNECTED = Symbol.for('rerpc.error.RERPC_ERR_DISCONNECTED');

function branded(value: unknown, brand: symbol): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

/**
 * The server is closed: `listen()` after `close()` rejects with it, and it is the `ctx.signal`
 * reason of a handler still running when `close()` gave up waiting.
 */
export class ServerClosedError extends Error {
  override readonly name = 'ServerClosedError';
  readonly code = 'RERPC_ERR_SERVER_CLOSED';

  constructor(message?: string, options?: { cause?: unknown }) {
    super(
      message ??
        'The server is closed and cannot listen again; create a new server with createServer()',
      options,
    );
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, SERVER_CLOSED);
  }
}
Object.defineProperty(ServerClosedError.prototype, SERVER_CLOSED, { value: true });

/** `listen()` failed: the server is already listening, or the socket could not be bound (see `cause`). */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  readonly code = 'RERPC_ERR_LISTEN';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, LISTEN);
  }
}
Object.defineProperty(ListenError.prototype, LISTEN, { value: true });

/**
 * The `ctx.signal` reason of a handler that ran past `handlerTimeout`: the caller was already
 * answered with -32001 "Handler timed out"; stop the work.
 */
export class HandlerTimeoutError extends Error {
  override readonly name = 'HandlerTimeoutError';
  readonly code = 'RERPC_ERR_HANDLER_TIMEOUT';
  /** The `handlerTimeout` in force, in milliseconds. */
  readonly timeout: number;

  constructor(method: string, timeout: number, options?: { cause?: unknown }) {
    super(
      `${method} did not finish within handlerTimeout (${timeout} ms); the caller got -32001 "Handler timed out". Stop the work when ctx.signal aborts, or raise handlerTimeout`,
      options,
    );
    this.timeout = timeout;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, HANDLER_TIMEOUT);
  }
}
Object.defineProperty(HandlerTimeoutError.prototype, HANDLER_TIMEOUT, { value: true });

/**
 * The `ctx.signal` reason of a handler whose peer went away (the connection closed or failed, or
 * the `signal` given to `handle()` aborted): nobody will read the answer; stop the work.
 */
export class DisconnectedError extends Error {
  override readonly name = 'DisconnectedError';
  readonly code = 'RERPC_ERR_DISCONNECTED';

  constructor(message?: string, options?: { cause?: unknown }) {
    super(
      message ??
        'The peer disconnected before this call was answered; nobody will read the answer, so stop the work',
      options,
    );
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, DISCONNECTED);
  }
}
Object.defineProperty(DisconnectedError.prototype, DISCONNECTED, { value: true });
