import type { LeaseWaiter } from '@rerpc/conn-pool';
import type { SignalWatch, WatchNode } from '@rerpc/internal';
import type { BatchState } from './batch.js';
import type { Link } from './link.js';
import type { CallSettings } from './request.js';

/** What a {@link Call} record carries. */
export const SINGLE = 0;
export const BATCH = 1;
export const NOTIFY = 2;
/**
 * A single call whose answer keeps its connection: the lease it held passes to what it opened
 * (a subscription), which receives events there (see CallingClient.pinned()).
 */
export const PINNED = 3;

/** Where a call is. */
export const NEW = 0;
/** In the connection pool's queue, waiting for a connection to be dialled. */
export const WAITING = 1;
/** Waiting out a retry's backoff. */
export const BACKOFF = 2;
/** Handed to a connection: queued for its next write, or written and awaiting an answer. */
export const ON_CONNECTION = 3;
export const DONE = 4;

/** What the client does for its calls' timers; implemented by the client. */
export interface CallHost {
  /** The call's deadline passed. */
  expire(call: Call): void;
  /** The call's retry backoff ended. */
  retry(call: Call): void;
  /** A connection opened for the waiting call, leased to it: send it there. */
  send(conn: Link, call: Call): void;
  /** No connection could be opened for the waiting call (`error` says why). */
  unreachable(call: Call, error: unknown): void;
}

/**
 * One call, notification or batch, from `call()` to its settlement: a preallocated record with
 * every field set in the constructor (one shape), linked into the client's list of live calls so
 * the shared timer and `close()` can reach it without a per-call timer or closure. With a signal
 * it is also a node of that signal's watch list.
 */
export class Call implements WatchNode<Call>, LeaseWaiter<Link> {
  readonly host: CallHost;
  readonly kind: number;
  /** The method; `'batch'` for a batch. */
  readonly method: string;
  /**
   * The request, encoded once when the call is made (so params mutated later do not change it,
   * and params that cannot be encoded reject at once); every attempt sends this text.
   */
  readonly text: string;
  readonly idempotent: boolean;
  /** Milliseconds, 0 for none. */
  readonly timeout: number;
  readonly signal: AbortSignal | null;
  /** `performance.now()` when the call was made. */
  readonly start: number;
  resolve: (value: unknown) => void = noop;
  reject: (reason: unknown) => void = noop;
  state = NEW;
  /** The id (for a batch, the first: its requests have `id .. id + ids - 1`); 0 for none. */
  readonly id: number;
  /** Ids a batch's requests take (1 for a single call, 0 for a notification). */
  ids: number;
  conn: Link | null = null;
  /** The connection's write generation when the request was queued (see Link.gen). */
  gen = 0;
  /** Failed attempts so far. */
  attempts = 0;
  /** Why the last attempt failed. */
  lastError: unknown = null;
  /** A native timer for a timeout shorter than the shared timer's resolution. */
  timer: NodeJS.Timeout | null = null;
  /** The timer of a retry's backoff (see Deadlines). */
  backoff: NodeJS.Timeout | null = null;
  prev: Call | null = null;
  next: Call | null = null;
  /** A batch's answers; null for a single call or notification. */
  readonly batch: BatchState | null;
  /** The watch on `signal` this call is linked into while unsettled (see SignalWatches). */
  watch: SignalWatch<Call> | null = null;
  watchPrev: Call | null = null;
  watchNext: Call | null = null;

  constructor(
    host: CallHost,
    kind: number,
    method: string,
    text: string,
    id: number,
    settings: CallSettings,
    start: number,
    batch: BatchState | null,
  ) {
    this.host = host;
    this.kind = kind;
    this.method = method;
    this.text = text;
    this.id = id;
    this.idempotent = settings.idempotent;
    this.timeout = settings.timeout;
    this.signal = settings.signal;
    this.start = start;
    this.batch = batch;
    this.ids = kind === BATCH ? batch!.slots.length : kind === NOTIFY ? 0 : 1;
  }

  /** `performance.now()` at which it times out; `Infinity` for none. */
  get deadline(): number {
    return this.timeout > 0 ? this.start + this.timeout : Number.POSITIVE_INFINITY;
  }

  /**
   * The connection pool leased `conn` to this waiting call (LeaseWaiter): it is sent there, unless
   * it gave up meanwhile (deadline, abort, close), which declines the lease.
   */
  leased(conn: Link): boolean {
    if (this.state !== WAITING) return false;
    this.host.send(conn, this);
    return true;
  }

  /** The pool could open no connection for this waiting call (LeaseWaiter). */
  failed(error: unknown): void {
    if (this.state === WAITING) this.host.unreachable(this, error);
  }

  /**
   * The call's promise, its resolve and reject stored on the call. One shared executor instead of
   * a closure per call (Node 20 has no `Promise.withResolvers`).
   */
  makePromise(): Promise<unknown> {
    making = this;
    return new Promise<unknown>(executor);
  }
}

function noop(): void {}

let making: Call | null = null;
function executor(resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
  const call = making!;
  making = null;
  call.resolve = resolve;
  call.reject = reject;
}
