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
 * is the signal's reason. Also what `ctx.peer.call()` rejects with when its `signal` aborts. Same code (and so `instanceof`) as worker-pool's `AbortError`.
 */
export class AbortError extends errorClass('AbortError', 'RERPC_ERR_ABORTED') {
  constructor(
    reason: unknown,
    message = 'handle() was abandoned: the signal given to it aborted before the answer was ready (see cause); its handlers were told to stop through ctx.signal',
  ) {
    super(message, { cause: reason });
  }
}

/**
 * A call to the peer (`ctx.peer.call()`) got no answer within its `timeout` (or the server's
 * `peerCallTimeout`). The request was sent; the peer may still run it.
 */
export class PeerTimeoutError extends errorClass('PeerTimeoutError', 'RERPC_ERR_PEER_TIMEOUT') {
  /** The timeout in force, in milliseconds. */
  declare readonly timeout: number;

  constructor(method: string, timeout: number) {
    super(
      `The peer did not answer ${method} within ${timeout} ms; it may still run it. Raise the call's timeout (or peerCallTimeout) if it is legitimately slow`,
    );
    Object.assign(this, { timeout });
  }
}

/**
 * `ctx.peer.call()` while `maxPeerCalls` calls to that peer wait for an answer: it was not sent.
 */
export class TooManyPeerCallsError extends errorClass(
  'TooManyPeerCallsError',
  'RERPC_ERR_TOO_MANY_PEER_CALLS',
) {
  constructor(limit: number) {
    super(
      `${limit} calls to this peer already wait for an answer (maxPeerCalls); this one was not sent. Wait for some to settle, or raise maxPeerCalls`,
    );
  }
}

/**
 * The `ctx.signal` reason of a handler whose caller cancelled the call (`$/cancelRequest`, or
 * the server's `cancelMethod`): the caller was answered -32800 "Request cancelled"; stop the work.
 */
export class RequestCancelledError extends errorClass(
  'RequestCancelledError',
  'RERPC_ERR_REQUEST_CANCELLED',
) {
  constructor(method: string) {
    super(
      `The caller cancelled ${method}; it was answered -32800 "Request cancelled". Stop the work`,
    );
  }
}
