import { errorClass } from '@rerpc/internal';

// The reasons a handler's `ctx.signal` aborts with (a request the server sent to this client).
// The codes, hence the brands, are @rerpc/server's for the same events on its side: `instanceof`
// matches either package's class.

/**
 * The `ctx.signal` reason of a handler that ran past `handlerTimeout`: the server was already
 * answered with -32001 "Handler timed out"; stop the work.
 */
export class HandlerTimeoutError extends errorClass(
  'HandlerTimeoutError',
  'RERPC_ERR_HANDLER_TIMEOUT',
) {
  /** The `handlerTimeout` in force, in milliseconds. */
  declare readonly timeout: number;

  constructor(method: string, timeout: number) {
    super(
      `${method} did not finish within handlerTimeout (${timeout} ms); the server got -32001 "Handler timed out". Stop the work when ctx.signal aborts, or raise handlerTimeout`,
    );
    Object.assign(this, { timeout });
  }
}

/**
 * The `ctx.signal` reason of a handler whose connection closed (or the client closed) before it
 * was answered: nobody will read the answer; stop the work.
 */
export class DisconnectedError extends errorClass(
  'DisconnectedError',
  'RERPC_ERR_DISCONNECTED',
  'The connection to the server closed before this call was answered; nobody will read the answer, so stop the work',
) {}

/**
 * The `ctx.signal` reason of a handler whose caller (the server) cancelled the call
 * (`$/cancelRequest`, or the client's `cancelMethod`): it was answered -32800 "Request
 * cancelled"; stop the work.
 */
export class RequestCancelledError extends errorClass(
  'RequestCancelledError',
  'RERPC_ERR_REQUEST_CANCELLED',
) {
  constructor(method: string) {
    super(
      `The server cancelled ${method}; it was answered -32800 "Request cancelled". Stop the work`,
    );
  }
}
