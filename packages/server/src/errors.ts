import { errorClass } from '@rerpc/internal';

// Each error has a stable `code`; `instanceof` works across two installed copies of this package
// (errorClass() brands each class with its code; undici: lib/core/errors.js).

/**
 * The server is closed: `listen()` after `close()` rejects with it; it is the `ctx.signal`
 * reason of a handler still running when `close()` gave up waiting, and what `handle()` rejects
 * with then.
 */
export class ServerClosedError extends errorClass(
  'ServerClosedError',
  'RERPC_ERR_SERVER_CLOSED',
  'The server is closed and cannot listen again; create a new server with createServer()',
) {}

/** `listen()` failed: the server is already listening, or the socket could not be bound (see `cause`). */
export class ListenError extends errorClass('ListenError', 'RERPC_ERR_LISTEN') {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The `ctx.signal` reason of a handler that ran past `handlerTimeout`: the caller was already
 * answered with -32001 "Handler timed out"; stop the work.
 */
export class HandlerTimeoutError extends errorClass(
  'HandlerTimeoutError',
  'RERPC_ERR_HANDLER_TIMEOUT',
) {
  /** The `handlerTimeout` in force, in milliseconds. */
  declare readonly timeout: number;

  constructor(method: string, timeout: number, options?: { cause?: unknown }) {
    super(
      `${method} did not finish within handlerTimeout (${timeout} ms); the caller got -32001 "Handler timed out". Stop the work when ctx.signal aborts, or raise handlerTimeout`,
      options,
    );
    Object.assign(this, { timeout });
  }
}

/**
 * The `ctx.signal` reason of a handler whose peer went away (the connection closed or failed, or
 * the `signal` given to `handle()` aborted): nobody will read the answer; stop the work.
 */
export class DisconnectedError extends errorClass(
  'DisconnectedError',
  'RERPC_ERR_DISCONNECTED',
  'The peer disconnected before this call was answered; nobody will read the answer, so stop the work',
) {}

/**
 * What `handle()` rejects with when the `signal` given to it aborts before the answer: the
 * exchange is over, and its handlers' `ctx.signal` aborted (reason `DisconnectedError`). `cause`
 * is the signal's reason. Same code (and so `instanceof`) as worker-pool's `AbortError`.
 */
export class AbortError extends errorClass('AbortError', 'RERPC_ERR_ABORTED') {
  constructor(reason: unknown) {
    super(
      'handle() was abandoned: the signal given to it aborted before the answer was ready (see cause); its handlers were told to stop through ctx.signal',
      { cause: reason },
    );
  }
}
