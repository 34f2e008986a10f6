// The life of a request the server sends this client, top-down: arrive (a message with a
// `method` on a persistent link) → find the handler (-32601 if none) → check the per-link limit
// (-32003) and the params (-32602) → run it with a ctx → answer on the same link, once: its
// result, its error, -32001 past handlerTimeout, -32800 when the server cancels it; nothing once
// the link has closed. Notifications run their onNotification() handler (or a method of that
// name) and are never answered. The client's own calls never pass here: client.ts tells
// requests from responses by `method`, so the ids of the two directions never collide.

import { callHandlerErrorListener, cancelledId, HandlerErrorLog } from '@rerpc/internal';
import { ErrorCode, type ErrorObject, RpcError } from '@rerpc/protocol';
import { DisconnectedError, HandlerTimeoutError, RequestCancelledError } from './handler-errors.js';
import type { HandlerTable } from './handlers.js';
import { InboundCall, type InboundId } from './inbound-call.js';
import type { Link } from './link.js';
import type { HandlerErrorListener, ResolvedCancelMethod } from './options.js';
import type { InboundStats } from './stats.js';

type Message = Record<string, unknown>;

/** The server sent more requests at once than `maxHandlersPerLink` lets run. */
export const TOO_MANY_REQUESTS = -32003;
/** LSP's RequestCancelled: the server cancelled the call. */
export const REQUEST_CANCELLED = -32800;
/** The handler ran past `handlerTimeout` (as @rerpc/server answers it). */
export const HANDLER_TIMED_OUT = -32001;

const INTERNAL: ErrorObject = Object.freeze({
  code: ErrorCode.InternalError,
  message: 'Internal error',
});

/** The options the inbound side uses. */
export interface InboundOptions {
  readonly maxHandlersPerLink: number;
  readonly handlerTimeout: number;
  /** The notification that cancels a call (the server's `$/cancelRequest`), or its object form. */
  readonly cancelMethod: Exclude<ResolvedCancelMethod, null>;
  readonly onHandlerError: HandlerErrorListener | 'log' | null;
}

/** Calls from the server, running on each link, by id. */
export class Inbound {
  private readonly handlers: HandlerTable;
  private readonly o: InboundOptions;
  private readonly running = new Map<Link, Map<InboundId, InboundCall>>();
  private readonly expire = (call: InboundCall, link: Link): void => this.timedOut(call, link);
  /** The default `onHandlerError` ('log'). */
  private readonly log = new HandlerErrorLog();
  // Counters (stats().inbound): plain integers, one increment per outcome.
  private answered = 0;
  private failed = 0;
  private timedOutCount = 0;
  private cancelledCount = 0;
  private refused = 0;
  private invalid = 0;
  private notifications = 0;
  /** The cancel notification's name, its params member naming the call, whether to answer. */
  private readonly cancelName: string;
  private readonly cancelIdParam: string;
  private readonly cancelAnswer: boolean;

  constructor(handlers: HandlerTable, o: InboundOptions) {
    this.handlers = handlers;
    this.o = o;
    const cancel = o.cancelMethod;
    this.cancelName = typeof cancel === 'string' ? cancel : cancel.method;
    this.cancelIdParam = typeof cancel === 'string' ? 'id' : cancel.idParam;
    this.cancelAnswer = typeof cancel === 'string' || cancel.answer;
  }

  /** A request or notification (`msg.method` is set) arrived on `link`. */
  receive(link: Link, msg: Message): void {
    const method = msg['method'];
    const id = msg['id'];
    if (id === undefined) {
      // Stryker disable next-line ConditionalExpression: a non-string method finds no handler (names are strings): dropped either way
      if (typeof method === 'string') this.notification(link, method, msg['params']);
      return;
    }
    if (typeof method !== 'string' || !validId(id)) {
      this.invalid += 1;
      this.answerError(link, validId(id) ? id : null, invalid('not a valid JSON-RPC request'));
      return;
    }
    const params = msg['params'];
    if (params !== undefined && (typeof params !== 'object' || params === null)) {
      this.invalid += 1;
      this.answerError(link, id, invalid('params must be an array or an object'));
      return;
    }
    const entry = this.handlers.get(method);
    if (entry === undefined) {
      this.invalid += 1;
      this.answerError(link, id, { code: ErrorCode.MethodNotFound, message: 'Method not found' });
      return;
    }
    let calls = this.running.get(link);
    if (calls === undefined) {
      calls = new Map();
      this.running.set(link, calls);
    }
    if (calls.size >= this.o.maxHandlersPerLink) {
      this.refused += 1;
      const data = `${calls.size} calls from the server already run on this connection (maxHandlersPerLink)`;
      this.answerError(link, id, { code: TOO_MANY_REQUESTS, message: 'Too many requests', data });
      return;
    }
    if (calls.has(id)) {
      this.invalid += 1;
      this.answerError(link, id, invalid(`id ${JSON.stringify(id)} is already in use`));
      return;
    }
    const problem = entry.validate === null ? null : entry.validate(params);
    if (problem !== null) {
      this.invalid += 1;
      this.answerError(link, id, problem);
      return;
    }
    const call = new InboundCall(id, method, link.info);
    let result: unknown;
    try {
      result = entry.handler(params, call);
    } catch (error) {
      this.answerError(link, id, this.thrown(error, call));
      return;
    }
    if (!isThenable(result)) {
      this.answer(link, call, entry.encoder, result);
      return;
    }
    calls.set(id, call);
    if (this.o.handlerTimeout > 0) {
      call.timer = setTimeout(this.expire, this.o.handlerTimeout, call, link);
      call.timer.unref();
    }
    result.then(
      (value) => {
        if (this.finish(link, call)) this.answer(link, call, entry.encoder, value);
      },
      (error: unknown) => {
        if (this.finish(link, call)) this.answerError(link, id, this.thrown(error, call));
      },
    );
  }

  /** `link` closed: every handler still running on it is told to stop; their answers are dropped. */
  closed(link: Link): void {
    const calls = this.running.get(link);
    if (calls === undefined) return;
    this.running.delete(link);
    for (const call of calls.values()) {
      this.stop(call);
      call.abort(new DisconnectedError());
    }
  }

  private notification(link: Link, method: string, params: unknown): void {
    if (method === this.cancelName) {
      this.cancelled(link, params);
      return;
    }
    const handler = this.handlers.notification(method) ?? this.handlers.get(method)?.handler;
    if (handler === undefined) return;
    this.notifications += 1;
    const ctx = new InboundCall(null, method, link.info);
    try {
      const result = handler(params as never, ctx as never);
      // Nobody is answered; a failure goes to onHandlerError.
      if (isThenable(result)) result.then(undefined, (error: unknown) => this.thrown(error, ctx));
    } catch (error) {
      this.thrown(error, ctx);
    }
  }

  /**
   * The server cancelled one of its calls: its handler stops, and it is answered -32800 once
   * (unless the object form of `cancelMethod` says `answer: false`, as MCP: then nothing is sent).
   */
  private cancelled(link: Link, params: unknown): void {
    const id = cancelledId(params, this.cancelIdParam);
    const call = id === null ? undefined : this.running.get(link)?.get(id as InboundId);
    if (call === undefined || !this.finish(link, call)) return;
    this.cancelledCount += 1;
    call.abort(new RequestCancelledError(call.method));
    if (!this.cancelAnswer) return;
    this.answerError(link, call.id, { code: REQUEST_CANCELLED, message: 'Request cancelled' });
  }

  private timedOut(call: InboundCall, link: Link): void {
    call.timer = null;
    if (!this.finish(link, call)) return;
    this.timedOutCount += 1;
    const timeout = this.o.handlerTimeout;
    call.abort(new HandlerTimeoutError(call.method, timeout));
    const data = `${call.method} did not finish within ${timeout} ms`;
    this.answerError(link, call.id, {
      code: HANDLER_TIMED_OUT,
      message: 'Handler timed out',
      data,
    });
  }

  /** Takes the call off its link's table; false when it was already answered or given up on. */
  private finish(link: Link, call: InboundCall): boolean {
    if (call.done) return false;
    this.stop(call);
    // A call not done is in its link's table under its id: closed() stops every call it drops,
    // and an id already running is refused.
    const calls = this.running.get(link)!;
    calls.delete(call.id);
    // Stryker disable next-line ConditionalExpression: (false) an empty table kept until the link closes counts 0 running
    if (calls.size === 0) this.running.delete(link);
    return true;
  }

  private stop(call: InboundCall): void {
    call.done = true;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: clearTimeout(null) does nothing; an uncleared (unref'd) timer finds the call done
    if (call.timer !== null) clearTimeout(call.timer);
    call.timer = null;
  }

  private answer(
    link: Link,
    call: InboundCall,
    encoder: { success(id: InboundId, result: unknown): string },
    result: unknown,
  ): void {
    let text: string;
    try {
      text = encoder.success(call.id, result);
    } catch (error) {
      this.report(error, call);
      this.failed += 1;
      link.respond(JSON.stringify({ jsonrpc: '2.0', error: INTERNAL, id: call.id }));
      return;
    }
    this.answered += 1;
    link.respond(text);
  }

  private answerError(link: Link, id: InboundId, error: ErrorObject): void {
    link.respond(JSON.stringify({ jsonrpc: '2.0', error, id }));
  }

  /**
   * What a handler threw or rejected with: the answer (an `RpcError` as it is, anything else
   * -32603 without details, reported to `onHandlerError`), counted as failed.
   */
  private thrown(error: unknown, call: InboundCall): ErrorObject {
    if (call.id !== null) this.failed += 1;
    if (error instanceof RpcError) {
      const object: ErrorObject = { code: error.code, message: error.message };
      // Stryker disable next-line ConditionalExpression: JSON.stringify drops data: undefined
      if (error.data !== undefined) object.data = error.data;
      return object;
    }
    this.report(error, call);
    return INTERNAL;
  }

  /** Tells `onHandlerError` (or its default log) about a handler's failure. */
  private report(error: unknown, call: InboundCall): void {
    const listener = this.o.onHandlerError;
    if (listener === null) return;
    if (listener !== 'log') {
      callHandlerErrorListener(listener, error, call);
      return;
    }
    const what = call.id === null ? 'notification' : 'call';
    const outcome =
      call.id === null ? 'nothing was answered' : 'the server got -32603 "Internal error"';
    this.log.once(
      call.method,
      error,
      (kind, more) =>
        `@rerpc/client: a ${what} of ${call.method} from the server failed with ${kind}; ${outcome} (${more}; set onHandlerError to log your own way, or null to silence):`,
    );
  }

  /** The counters of calls from the server; `running` is read off the per-link tables. */
  snapshot(): InboundStats {
    let running = 0;
    for (const calls of this.running.values()) running += calls.size;
    return {
      running,
      answered: this.answered,
      failed: this.failed,
      timedOut: this.timedOutCount,
      cancelled: this.cancelledCount,
      refused: this.refused,
      invalid: this.invalid,
      notifications: this.notifications,
    };
  }
}

function validId(id: unknown): id is InboundId {
  return typeof id === 'string' || typeof id === 'number' || id === null;
}

function invalid(data: string): ErrorObject {
  return { code: ErrorCode.InvalidRequest, message: 'Invalid Request', data };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
