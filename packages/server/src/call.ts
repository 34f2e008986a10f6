import type { Id } from '@rerpc/protocol';
import type { MethodEntry } from '@rerpc/registry';
import type { ServerChannel } from './channel.js';

/** What a handler gets as its second argument. */
export interface CallContext {
  /** The request's id; `undefined` for a notification (which is never answered). */
  readonly id: Id | undefined;
  /** The full method name, e.g. `'ArithService.Add'`. */
  readonly method: string;
  /**
   * Aborts when the answer is no longer wanted: `handlerTimeout` passed (reason
   * `HandlerTimeoutError`), the peer disconnected (`DisconnectedError`), or `close()` gave up
   * waiting (`ServerClosedError`). Created on first read, so handlers that never read it pay
   * nothing.
   */
  readonly signal: AbortSignal;
  /** When the server stops waiting for this call, in `Date.now()` milliseconds; `Infinity` when `handlerTimeout` is 0. */
  readonly deadline: number;
  /** The peer's address (`socket.remoteAddress`), or `null` when unknown (a Unix socket, `handle()` without one). */
  readonly remoteAddress: string | null;
}

// Call states.
export const PENDING = 0;
/** Answered (or dropped); a late result from its handler is ignored. */
export const DONE = 1;

/**
 * One dispatched call, and the `ctx` its handler gets: one object per call, every field set in
 * the constructor (one shape). Calls that do not finish synchronously are also nodes of two
 * intrusive lists (their channel's, for disconnects; the server's, in arrival order, for
 * timeouts) and, when the worker pool is full, of the server's overflow queue.
 */
export class Call implements CallContext {
  readonly id: Id | undefined;
  readonly channel: ServerChannel;
  readonly entry: MethodEntry;
  readonly params: unknown;
  readonly batch: Batch | null;
  readonly index: number;
  /** `performance.now()` (coarse: see Core.now) when the call arrived. */
  readonly start: number;
  state: number;
  private controller: AbortController | null;
  private abortReason: unknown;
  /** In the channel's list (and the timeout list when handlerTimeout > 0). */
  linked: boolean;
  cPrev: Call | null;
  cNext: Call | null;
  tPrev: Call | null;
  tNext: Call | null;
  /** Next in the overflow queue. */
  qNext: Call | null;

  constructor(
    channel: ServerChannel,
    entry: MethodEntry,
    params: unknown,
    id: Id | undefined,
    batch: Batch | null,
    index: number,
    start: number,
  ) {
    this.id = id;
    this.channel = channel;
    this.entry = entry;
    this.params = params;
    this.batch = batch;
    this.index = index;
    this.start = start;
    this.state = PENDING;
    this.controller = null;
    this.abortReason = null;
    this.linked = false;
    this.cPrev = null;
    this.cNext = null;
    this.tPrev = null;
    this.tNext = null;
    this.qNext = null;
  }

  get method(): string {
    return this.entry.name;
  }

  get remoteAddress(): string | null {
    return this.channel.remoteAddress;
  }

  get deadline(): number {
    const timeout = this.channel.core.options.handlerTimeout;
    return timeout === 0 ? Number.POSITIVE_INFINITY : performance.timeOrigin + this.start + timeout;
  }

  get signal(): AbortSignal {
    // Lazy: an AbortController per call would cost more than a small handler (worker-pool
    // measured ~4 µs for a signal on Node 20).
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.abortReason !== null) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.abortReason !== null) return;
    this.abortReason = reason;
    if (this.controller !== null) this.controller.abort(reason);
  }
}

/**
 * A batch being answered: one slot per member (`null` for a member that gets no answer), sent as
 * one array once the last pending call finishes.
 */
export class Batch {
  readonly parts: Array<string | null>;
  /** Member calls not finished yet, plus one while the batch is still being dispatched. */
  pending: number;

  constructor(length: number) {
    this.parts = new Array<string | null>(length).fill(null);
    this.pending = 1;
  }
}

/** The worker-pool task: one shared function, so no closure per call (and one parameter, so the pool makes no signal for it). */
export function runCall(call: Call): unknown {
  // Answered already (timed out while queued, or its peer left): never start it.
  if (call.state !== PENDING) return undefined;
  return call.entry.handler(call.params, call);
}

/** The worker-pool callback, shared by every call. */
export function callDone(error: unknown, value: unknown, call: Call): void {
  call.channel.complete(call, error, value);
}
