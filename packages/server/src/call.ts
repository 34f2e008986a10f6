import { encodeBatch } from '@rerpc/codec';
import type { ListNode } from '@rerpc/internal';
import type { ErrorObject, Id } from '@rerpc/protocol';
import type { MethodEntry } from '@rerpc/registry';
import type { Lane } from './lane.js';
import type { Peer, PeerLink } from './peer.js';

/** What a handler gets as its second argument. */
export interface CallContext {
  /** The request's id; `undefined` for a notification (which is never answered). */
  readonly id: Id | undefined;
  /** The full method name, e.g. `'ArithService.Add'`. */
  readonly method: string;
  /** The call's params (validated against the method's schema), for middleware; `undefined` when absent. */
  readonly params: unknown;
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
  /**
   * The connection the call came on, to call or notify the client back (`peer.call`,
   * `peer.notify`), with its transport, address, certificate or upgrade headers and per-connection
   * `state`; `null` over plain HTTP and `handle()`, where there is no connection to call back on.
   */
  readonly peer: Peer | null;
  /**
   * The handler's own place for per-call data (middleware-style code, logging): an empty object on
   * first read; may be replaced. The server never reads it.
   */
  state: Record<string, unknown>;
}

/** What a call needs of the channel it arrived on (`ServerChannel` is the one implementation). */
export interface CallChannel {
  readonly remoteAddress: string | null;
  readonly link: PeerLink | null;
  /** A call's deadline (`Date.now()` ms) from its start time. */
  deadlineOf(start: number): number;
  /** The handler returned (`error` null) or threw: answer, then give its slot back. */
  finished(call: Call, error: unknown, value: unknown): void;
  /** The call ran past `handlerTimeout`: answer `error`, abort its handler with `reason`. */
  expire(call: Call, error: ErrorObject, reason: unknown): void;
}

// Call states.
export const PENDING = 0;
/** Answered (or dropped); a late result from its handler is ignored. */
export const DONE = 1;

/**
 * One dispatched call: one object per call, every field set in the constructor (one shape).
 *
 * A call is a node of up to three intrusive lists, and each list's links belong to that list's
 * owner alone: `cPrev`/`cNext`/`linked` to its channel (calls not finished synchronously, for
 * disconnects), `prev`/`next` to the core's `DeadlineList` (arrival order, for timeouts),
 * `qNext` to the `Scheduler` (its lane's queue while it waits for a handler slot). `state` is
 * written by the channel only. Handlers never see it: they get `ctx`, a `HandlerContext` that can
 * only read it, so nothing a handler does (in plain JavaScript too) can corrupt the server.
 */
export class Call implements ListNode<Call> {
  readonly id: Id | undefined;
  readonly channel: CallChannel;
  /** Its channel's place in the scheduler's fair queue. */
  readonly lane: Lane<Call>;
  readonly entry: MethodEntry;
  readonly params: unknown;
  readonly batch: Batch | null;
  readonly index: number;
  /** Clock time (ms, coarse: see CallStats.now) when the call arrived. */
  readonly start: number;
  state: number;
  private controller: AbortController | null;
  private abortReason: unknown;
  /** In the channel's list (and the deadline list when handlerTimeout > 0). */
  linked: boolean;
  cPrev: Call | null;
  cNext: Call | null;
  prev: Call | null;
  next: Call | null;
  /** Next in its lane's queue of calls waiting for a handler slot. */
  qNext: Call | null;
  /** Run once the call's answer was sent (a subscribe call's events may follow); rarely set. */
  onAnswer: (() => void) | null;
  /** What the handler gets. */
  readonly ctx: HandlerContext;

  constructor(
    channel: CallChannel,
    lane: Lane<Call>,
    entry: MethodEntry,
    params: unknown,
    id: Id | undefined,
    batch: Batch | null,
    index: number,
    start: number,
  ) {
    this.id = id;
    this.channel = channel;
    this.lane = lane;
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
    this.prev = null;
    this.next = null;
    this.qNext = null;
    this.onAnswer = null;
    this.ctx = new HandlerContext(this);
  }

  get deadline(): number {
    return this.channel.deadlineOf(this.start);
  }

  /** Its answer was sent (alone) or kept for its batch: `onAnswer` runs now or with the batch. */
  answered(): void {
    const hook = this.onAnswer!;
    if (this.batch === null) hook();
    else (this.batch.after ??= []).push(hook);
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

  get aborted(): boolean {
    return this.abortReason !== null;
  }

  abort(reason: unknown): void {
    // Stryker disable next-line ConditionalExpression: unreachable twice: both callers (expire, abortAll) take the call out of PENDING first
    if (this.abortReason !== null) return;
    this.abortReason = reason;
    if (this.controller !== null) this.controller.abort(reason);
  }
}

/** Runs `hook` once the answer of `ctx`'s call has been sent (for subscriptions; package-private). */
export let afterAnswer: (ctx: HandlerContext, hook: () => void) => void;

const inspect = Symbol.for('nodejs.util.inspect.custom');

/**
 * The `ctx` a handler gets: read-only views of its call, plus `state` for the handler's own use.
 * The call is held in a private field, so assigning `ctx.id`, `ctx.signal` or anything else
 * throws (in strict mode) or does nothing, and never reaches the server's record.
 */
export class HandlerContext implements CallContext {
  readonly #call: Call;
  #state: Record<string, unknown> | null = null;

  static {
    afterAnswer = (ctx, hook) => {
      ctx.#call.onAnswer = hook;
    };
  }

  constructor(call: Call) {
    this.#call = call;
  }

  get id(): Id | undefined {
    return this.#call.id;
  }

  get method(): string {
    return this.#call.entry.name;
  }

  get params(): unknown {
    return this.#call.params;
  }

  get signal(): AbortSignal {
    return this.#call.signal;
  }

  get deadline(): number {
    return this.#call.deadline;
  }

  get remoteAddress(): string | null {
    return this.#call.channel.remoteAddress;
  }

  get peer(): Peer | null {
    const link = this.#call.channel.link;
    return link === null ? null : link.peer;
  }

  get state(): Record<string, unknown> {
    if (this.#state === null) this.#state = {};
    return this.#state;
  }

  set state(value: Record<string, unknown>) {
    this.#state = value;
  }

  /** `console.log(ctx)` shows what a handler can use, not the server's internals. */
  [inspect](): object {
    const call = this.#call;
    return {
      id: call.id,
      method: call.entry.name,
      remoteAddress: call.channel.remoteAddress,
      deadline: call.deadline,
      aborted: call.aborted,
      state: this.#state ?? {},
    };
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
  /** Hooks of members to run once the batch is sent (`Call.onAnswer`). */
  after: Array<() => void> | null;

  constructor(length: number) {
    this.parts = new Array<string | null>(length).fill(null);
    this.pending = 1;
    this.after = null;
  }

  /** The batch's answer (its answered members as one array), or null when none is answered. */
  text(): string | null {
    const parts: string[] = [];
    for (const part of this.parts) if (part !== null) parts.push(part);
    return parts.length > 0 ? encodeBatch(parts) : null;
  }
}

/**
 * 5. Run: the worker pool's task, one shared function, so no closure per call (and one
 * parameter, so the pool makes no signal for it).
 */
export function runCall(call: Call): unknown {
  // Answered already (timed out while queued, or its peer left): never start it.
  // Stryker disable next-line ConditionalExpression: a second guard: the scheduler's pump() skips answered calls, and submit() starts a call as it arrives
  if (call.state !== PENDING) return undefined;
  return call.entry.handler(call.params, call.ctx);
}

/** 6. The worker pool's callback, shared by every call. */
export function callDone(error: unknown, value: unknown, call: Call): void {
  call.channel.finished(call, error, value);
}
