import type { FrameParseError, FramingError } from '@rerpc/codec';
import { ErrorCode, type ErrorObject } from '@rerpc/protocol';

/**
 * The server's own JSON-RPC error codes, in the spec's implementation-defined range
 * -32099..-32000.
 */
export const ServerErrorCode = Object.freeze({
  /** The handler did not finish within `handlerTimeout`; `ctx.signal` was aborted. */
  HandlerTimeout: -32001,
  /** The request arrived after `close()` began; it was not run. Safe to retry elsewhere. */
  ShuttingDown: -32002,
  /** `<name>_subscribe` over plain HTTP or `handle()`: there is no connection to push events on. */
  SubscriptionsUnavailable: -32003,
  /** `<name>_subscribe` past `maxSubscriptionsPerConnection` on that connection. */
  TooManySubscriptions: -32004,
} as const);

export type ServerErrorCode = (typeof ServerErrorCode)[keyof typeof ServerErrorCode];

/**
 * LSP's RequestCancelled: the answer to a call its caller cancelled (`$/cancelRequest`). Outside
 * the implementation-defined range, as LSP defines it (vscode-jsonrpc's `ErrorCodes`).
 */
export const REQUEST_CANCELLED_CODE = -32800;

export const REQUEST_CANCELLED: ErrorObject = Object.freeze({
  code: REQUEST_CANCELLED_CODE,
  message: 'Request cancelled',
});

export const INTERNAL_ERROR: ErrorObject = Object.freeze({
  code: ErrorCode.InternalError,
  message: 'Internal error',
});

export const SHUTTING_DOWN: ErrorObject = Object.freeze({
  code: ServerErrorCode.ShuttingDown,
  message: 'Server is shutting down',
  data: 'the request arrived after the server began to close; it was not run',
});

export const PARAMS_UNCHECKABLE: ErrorObject = Object.freeze({
  code: ErrorCode.InvalidParams,
  message: 'Invalid params',
  data: 'the params could not be checked against the schema (nested too deeply?)',
});

/** Method names are echoed in `data`, cut to this many characters. */
const MAX_ECHO = 200;

/** -32601 with data naming the method, like Go rerpc's "service NoSuch not found". */
export function methodNotFound(method: string): ErrorObject {
  const name = method.length > MAX_ECHO ? `${method.slice(0, MAX_ECHO)}…` : method;
  return {
    code: ErrorCode.MethodNotFound,
    message: 'Method not found',
    data: `method ${name} not found`,
  };
}

export function handlerTimedOut(method: string, timeout: number): ErrorObject {
  return {
    code: ServerErrorCode.HandlerTimeout,
    message: 'Handler timed out',
    data: `${method} did not finish within ${timeout} ms`,
  };
}

export function parseError(detail: string): ErrorObject {
  return { code: ErrorCode.ParseError, message: 'Parse error', data: detail };
}

/** -32600 for a message nested deeper than maxDepth; the connection keeps serving. */
export function tooDeep(limit: number): ErrorObject {
  return {
    code: ErrorCode.InvalidRequest,
    message: 'Invalid Request',
    data: `message nested deeper than maxDepth (${limit})`,
  };
}

/** -32600 for a message over maxMessageBytes; on a connection, that connection is then closed. */
export function messageTooLarge(limit: number, closing: boolean): ErrorObject {
  return {
    code: ErrorCode.InvalidRequest,
    message: 'Invalid Request',
    data: `message exceeds maxMessageBytes (${limit} bytes)${closing ? '; the connection is closed' : ''}`,
  };
}

/** -32600 for a batch over maxBatchLength: nothing in it runs. */
export function batchTooLong(length: number, limit: number): ErrorObject {
  return {
    code: ErrorCode.InvalidRequest,
    message: 'Invalid Request',
    data: `batch of ${length} members exceeds maxBatchLength (${limit}); split it`,
  };
}

/** The answer (id null) to a message the codec could not decode; every transport uses it. */
export function undecodable(error: FrameParseError, maxDepth: number): ErrorObject {
  if (error.reason === 'depth') return tooDeep(maxDepth);
  if (error.reason === 'utf8') return parseError('the message is not valid UTF-8');
  // Stryker disable next-line OptionalChaining,StringLiteral: defensive: @rerpc/codec gives every 'json' error its JSON.parse (or empty-body) error as cause
  const why = (error.cause as Error | undefined)?.message ?? 'syntax error';
  return parseError(`invalid JSON: ${why}`);
}

/** -32700 for a Content-Length header that cannot be read: the stream is closed after it (`what`). */
export function malformedHeader(error: FramingError, what: string): ErrorObject {
  return parseError(
    `malformed Content-Length header ${JSON.stringify(error.header)}; the ${what} is closed`,
  );
}
