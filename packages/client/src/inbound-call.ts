import type { LinkInfo } from './link.js';

/** A request or notification id as the server sent it (null: a notification). */
export type InboundId = string | number | null;

/** What a handler registered on the client gets as `ctx` (a call from the server). */
export interface HandlerContext {
  /** The request's id as the server sent it; null for a notification. */
  readonly id: InboundId;
  readonly method: string;
  /**
   * Aborts when the answer is no longer wanted: the server cancelled the call (reason
   * `RequestCancelledError`), it ran past `handlerTimeout` (`HandlerTimeoutError`), or its
   * connection closed (`DisconnectedError`). Made on first read.
   */
  readonly signal: AbortSignal;
  /** The connection the call arrived on (and is answered on). */
  readonly link: LinkInfo;
}

/**
 * One request from the server, from its arrival to its answer: the handler's `ctx`. One shape;
 * the AbortController is made only when the handler reads `ctx.signal`.
 */
export class InboundCall implements HandlerContext {
  readonly id: InboundId;
  readonly method: string;
  readonly link: LinkInfo;
  /** Answered (or given up on): a later result is dropped. */
  done = false;
  /** The handlerTimeout timer of an asynchronous handler. */
  timer: NodeJS.Timeout | null = null;
  private controller: AbortController | null = null;
  /** Why it was aborted before the handler read `signal`. */
  private reason: unknown = undefined;

  constructor(id: InboundId, method: string, link: LinkInfo) {
    this.id = id;
    this.method = method;
    this.link = link;
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.reason !== undefined) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Tells the handler to stop (once). */
  abort(reason: unknown): void {
    // Stryker disable next-line ConditionalExpression: each call is aborted at most once (finish() and closed() mark it done first)
    if (this.reason !== undefined) return;
    this.reason = reason;
    if (this.controller !== null) this.controller.abort(reason);
  }
}
