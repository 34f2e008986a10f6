import { callHandlerErrorListener, HandlerErrorLog } from '@rerpc/internal';
import { ErrorCode, type ErrorObject, RpcError } from '@rerpc/protocol';
import type { CallContext } from './call.js';
import type { HandlerErrorListener } from './options.js';
import type { Peer } from './peer.js';
import { INTERNAL_ERROR } from './wire.js';

/**
 * Turns what a handler threw (or a result that could not be encoded) into the error to answer
 * with, and reports what is not an `RpcError` to `onHandlerError`. Returns the answer; counting
 * it is the caller's.
 */
export class HandlerErrors {
  private readonly expose: boolean;
  private readonly listener: HandlerErrorListener | 'log' | null;
  /** The default log (`'log'`), shared in shape with @rerpc/client's. */
  private readonly log = new HandlerErrorLog();

  constructor(exposeErrors: boolean, onHandlerError: HandlerErrorListener | 'log' | null) {
    this.expose = exposeErrors;
    this.listener = onHandlerError;
  }

  /** The answer to a handler's throw: an `RpcError` keeps its code, anything else is -32603. */
  thrown(error: unknown, ctx: CallContext): ErrorObject {
    try {
      if (error instanceof RpcError) {
        const e = error as RpcError;
        // Always with data (one shape): encodeError() leaves it out when undefined.
        return { code: e.code, message: e.message, data: e.data };
      }
    } catch {
      // A hostile thrown value (a Proxy, a throwing getter) is an internal error, not a crash.
    }
    this.report(error, ctx);
    if (!this.expose) return INTERNAL_ERROR;
    return { code: ErrorCode.InternalError, message: 'Internal error', data: messageOf(error) };
  }

  /** The answer when a result cannot be encoded (a BigInt, a cycle, a schema mismatch). */
  unserialisable(cause: unknown, ctx: CallContext): ErrorObject {
    this.report(cause, ctx);
    if (!this.expose) return INTERNAL_ERROR;
    return {
      code: ErrorCode.InternalError,
      message: 'Internal error',
      data: `the result could not be serialised: ${messageOf(cause)}`,
    };
  }

  /** `onConnection` threw or rejected: the connection was refused; reported like a handler's error. */
  connectionFailed(error: unknown, peer: Peer): void {
    const listener = this.listener;
    // Stryker disable next-line ConditionalExpression: a fast path: report() does nothing without a listener either
    if (listener === null) return;
    if (listener !== 'log') {
      const ctx: CallContext = {
        id: undefined,
        method: 'onConnection',
        params: undefined,
        signal: peer.signal,
        deadline: Number.POSITIVE_INFINITY,
        remoteAddress: peer.remoteAddress,
        peer,
        state: {},
      };
      this.report(error, ctx);
      return;
    }
    this.log.once(
      // Stryker disable next-line StringLiteral: any key no method name can take; '' cannot be one either
      '\u0000onConnection',
      error,
      () =>
        '@rerpc/server: onConnection threw; the connection was refused (logged once per error class; set onHandlerError to log your own way, or null to silence):',
    );
  }

  private report(error: unknown, ctx: CallContext): void {
    const listener = this.listener;
    if (listener === null) return;
    if (listener !== 'log') {
      callHandlerErrorListener(listener, error, ctx);
      return;
    }
    const what = ctx.id === undefined ? 'notification' : 'call';
    this.log.once(
      ctx.method,
      error,
      (kind, more) =>
        `@rerpc/server: a ${what} of ${ctx.method} failed with ${kind}; the caller got -32603 "Internal error" (${more}; set onHandlerError to log your own way, or null to silence):`,
    );
  }
}

function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'unknown error';
  }
}
