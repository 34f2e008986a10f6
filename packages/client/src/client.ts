// The life of a call, top-down: start (validate, encode once, track) → send (on the link the
// link set leases, or wait for one) → answer (match by id) → settle; and the ways an attempt
// fails: a lost link, a failed POST, a -32002 refusal, a deadline, an abort, close(). The pieces
// answer with decisions and report events through interfaces they declare, so none imports
// this file: link.ts (what carries calls: a TCP connection, a WebSocket, an HTTP origin) and
// platform.ts (which, by target: links.ts in Node, browser-links.ts in a browser), connection-set.ts (conn-pool's shared pool: choice, dialling,
// waiters, parking, retiring; each call on a link holds one lease), deadlines.ts (live calls,
// the shared timer's sweep), retry.ts (the pure policy), request.ts (validation, ids, encoding),
// response.ts and batch.ts (answers), stats.ts (counters).

import { SignalWatches } from '@rerpc/internal';
import type { RpcError } from '@rerpc/protocol';
import { ANSWERED, type BatchItem, BatchState, PARTLY_REFUSED, REFUSED } from './batch.js';
import {
  BACKOFF,
  BATCH,
  Call,
  type CallHost,
  DONE,
  NEW,
  NOTIFY,
  ON_CONNECTION,
  PINNED,
  WAITING,
} from './call.js';
import { Deadlines } from './deadlines.js';
import type { CallTracer, ClientCallKind, ClientCallTrace } from './diagnostics.js';
import {
  AbortError,
  ClientClosedError,
  ConnectionError,
  type ConnectionFailure,
  cutOff,
  expiryError,
  failureDetail,
} from './errors.js';
import type { Link, LinkHost, LinkSet, PeerSide } from './link.js';
import { connectionStats } from './link-pool.js';
import type { ResolvedClientOptions } from './options.js';
import type { Platform } from './platform.js';
import type { CallOptions } from './proxy.js';
import { batchSlots, CallSettings, checkCall, Requests, readCallOptions } from './request.js';
import { responseError } from './response.js';
import { GIVE_UP, retryDelay, SHUTTING_DOWN } from './retry.js';
import { CallCounters, type CallingStats } from './stats.js';
import type { ResolvedTarget } from './target.js';

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;

/** A decoded message, as the links deliver it. */
export type Message = Record<string, unknown>;

const NONE: readonly Call[] = [];
/** A trace's `kind`, by Call kind (SINGLE, BATCH, NOTIFY, PINNED). */
const KIND_NAMES: readonly ClientCallKind[] = ['call', 'batch', 'notify', 'subscribe'];

/**
 * The client's own calls, from start to settlement. The public API around it, and the calls the
 * server makes to the client, are in peer-client.ts.
 */
export abstract class CallingClient implements CallHost, LinkHost {
  private readonly o: ResolvedClientOptions;
  private readonly address: string;
  /** Ids, request texts, and the `cancelMethod` notification. */
  private readonly requests: Requests;
  /** The connections: a shared pool, one lease per call on a connection. */
  private readonly conns: LinkSet;
  /** Every unsettled call, and its timers. */
  private readonly deadlines: Deadlines;
  /** The one abort listener per caller signal that unsettled calls use. */
  private readonly watches = new SignalWatches<Call>((call) => this.abort(call));
  private readonly counters = new CallCounters();
  /** The options of the call being started (see readCallOptions). */
  private readonly settings = new CallSettings();
  private state = OPEN;
  /** `performance.now()` when the chunk being decoded arrived (LinkHost). */
  clock = 0;
  /** The platform's `tracingChannel('rerpc:client:call')`, or null. */
  private readonly tracer: CallTracer | null;

  constructor(target: ResolvedTarget, options: ResolvedClientOptions, platform: Platform) {
    this.o = options;
    this.requests = new Requests(options.cancelMethod);
    this.address = target.address;
    this.conns = platform.links(this, target, options);
    this.tracer = platform.tracer;
    this.deadlines = new Deadlines(() => this.tick());
  }

  // --- start -----------------------------------------------------------------------------------

  /**
   * Validates, encodes the request once, tracks the call, and sends it (or queues it): what
   * `call()`, `notify()` and `batch()` do (see PeerClient). With `on`, it is sent there.
   */
  protected start(
    kind: number,
    method: string,
    params: unknown,
    options: CallOptions | undefined,
    on: Link | null = null,
  ): Promise<unknown> {
    const tracer = this.tracer;
    if (tracer?.hasSubscribers) {
      const trace: ClientCallTrace = {
        method,
        params,
        kind: KIND_NAMES[kind]!,
        target: this.address,
        id: null,
        result: undefined,
        error: undefined,
      };
      return tracer.tracePromise(this.begin, trace, this, kind, method, options, on, trace);
    }
    return this.begin(kind, method, options, on, null, params);
  }

  /**
   * start(), inside `tracingChannel('rerpc:client:call')` when `trace` is given: its params
   * (which a `start` subscriber may have replaced) are sent, and its id is set.
   */
  private begin(
    kind: number,
    method: string,
    options: CallOptions | undefined,
    on: Link | null,
    trace: ClientCallTrace | null,
    params?: unknown,
  ): Promise<unknown> {
    if (trace !== null) params = trace.params;
    const settings = this.settings;
    const requests = this.requests;
    let slots: number[] | null = null;
    let text: string;
    try {
      // A batch's items are checked first, even on a closed client.
      if (kind === BATCH) slots = batchSlots(params);
      if (this.state !== OPEN) return Promise.reject(new ClientClosedError());
      // Stryker disable next-line ConditionalExpression: a batch ('batch', its items checked above) passes checkCall()
      if (kind !== BATCH) checkCall(method, params);
      readCallOptions(options, kind, this.o.timeout, settings);
      const aborted = settings.signal?.aborted === true;
      if (aborted) return Promise.reject(new AbortError(settings.signal!.reason, method));
      text = requests.encode(kind, method, params, slots);
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = settings.signal;
    const batch =
      kind === BATCH ? new BatchState(slots!, (params as readonly BatchItem[]).length) : null;
    const id = requests.id;
    if (trace !== null && kind !== NOTIFY) trace.id = id;
    const call = new Call(this, kind, method, text, id, settings, performance.now(), batch);
    const promise = call.makePromise();
    this.deadlines.add(call);
    if (signal !== null) this.watches.add(call, signal);
    // `on`: a link whose lease a PINNED call passed on, to this call (which ends it).
    if (on === null) this.assign(call);
    else this.send(on, call);
    return promise;
  }

  // --- send ------------------------------------------------------------------------------------

  /** Sends the call on the connection the pool leases, or queues it until one is dialled. */
  private assign(call: Call): void {
    const conn = this.conns.lease();
    if (conn === null) {
      call.state = WAITING;
      this.conns.wait(call);
    } else {
      this.send(conn, call);
    }
  }

  /**
   * Hands the call's request (encoded once, in start()) to the connection. A retry resends the
   * same text with the same id: the connection it was sent on is gone, so no answer to the first
   * attempt can arrive on the new one. The call holds one lease on `conn` (see leave()).
   * @internal Also how a waiting call is sent once the pool leases it a connection (CallHost).
   */
  send(conn: Link, call: Call): void {
    if (call.batch !== null) call.batch.begin();
    call.conn = conn;
    call.gen = conn.gen;
    call.state = ON_CONNECTION;
    conn.carry(call);
  }

  /** @internal A dial failed with no connection open, for a waiting call (CallHost). */
  unreachable(call: Call, error: unknown): void {
    this.attemptFailed(call, this.connectionError(false, error), false);
  }

  /** The call leaves its connection (settled, cancelled, retried): its one lease ends. */
  private leave(call: Call): void {
    const conn = call.conn;
    if (conn === null) return;
    call.conn = null;
    this.conns.unlease(conn);
  }

  // --- answer (LinkHost) -----------------------------------------------------------------

  message(conn: Link, value: unknown): void {
    if (!Array.isArray(value)) {
      const batched = this.reply(conn, value);
      if (batched !== null) this.finishBatch(conn, batched);
    } else {
      if (value.length === 0) this.counters.dropped += 1;
      let touched: Call[] | null = null;
      for (const item of value) {
        const batched = this.reply(conn, item);
        if (batched === null) continue;
        if (touched === null) touched = [batched];
        else if (!touched.includes(batched)) touched.push(batched);
      }
      // One reply array answers a whole batch: a request it left out will never be answered.
      for (const call of touched ?? NONE) {
        call.batch!.closeReply(conn.pending, call.id);
        this.finishBatch(conn, call);
      }
    }
  }

  /** Where what arrives for the client as a peer goes (PeerClient). */
  protected abstract readonly peer: PeerSide;

  unreadable(_conn: Link): void {
    this.counters.dropped += 1;
  }

  /**
   * One response, matched by id to the pending call it answers, which it settles; an unknown,
   * late, null or non-number id (a Go server answers notifications with id null) is dropped and
   * counted. A batch's response is recorded and its batch returned (else null).
   */
  private reply(conn: Link, value: unknown): Call | null {
    // Null, and any other value but an object (whose `method` and `id` are undefined), is dropped.
    const message = value as Message | null;
    // A request or notification from the server: never one of our answers, whatever its id.
    if (message?.['method'] !== undefined) {
      this.peer.received(conn, message);
      return null;
    }
    const id = message?.['id'];
    // Stryker disable next-line ConditionalExpression: take() finds no other value (ids compare with ===)
    const call = typeof id === 'number' ? conn.pending.take(id) : undefined;
    if (call === undefined) {
      this.counters.dropped += 1;
      return null;
    }
    if (call.batch !== null) {
      call.batch.record((id as number) - call.id, value as Message);
      return call;
    }
    const error = responseError(value as Message);
    if (error !== null && error.code === SHUTTING_DOWN) {
      this.refused(conn, call, error);
      return null;
    }
    this.counters.answered(this.clock - call.start);
    if (error === null) {
      const result = (value as Message)['result'];
      if (call.kind === PINNED) call.conn = null; // its lease passes to what it opened
      this.settle(call);
      call.resolve(call.kind === PINNED ? this.peer.pinned(conn, result) : result);
    } else {
      // Stryker disable next-line BooleanLiteral: with an answered code other than -32002 the policy reads no `sent`
      this.attemptFailed(call, error, true, error.code); // the policy never retries it: it ran
    }
    return null;
  }

  private finishBatch(conn: Link, call: Call): void {
    // Stryker disable next-line ConditionalExpression: defensive: reply() just took it off pending: unsettled
    if (call.state === DONE) return;
    const batch = call.batch!;
    const outcome = batch.outcome();
    if (outcome === REFUSED) {
      this.refused(conn, call, batch.refusal());
      return;
    }
    if (outcome === PARTLY_REFUSED) this.shuttingDown(conn);
    else if (outcome !== ANSWERED) return;
    this.counters.answered(this.clock - call.start);
    this.settle(call);
    call.resolve(batch.results);
  }

  written(conn: Link, notes: Call[], error: Error | null | undefined): void {
    for (const call of notes) {
      // A call's conn is set exactly while it is ON_CONNECTION: one settled since is skipped.
      if (call.conn !== conn) continue;
      if (error) {
        this.attemptFailed(call, this.connectionError(true, error), true);
      } else {
        this.settle(call);
        call.resolve(call.batch === null ? undefined : call.batch.results);
      }
    }
  }

  // --- failed attempts -------------------------------------------------------------------------

  /**
   * The POST that carried `calls` failed (an HTTP status, or its connection): each fails or is
   * retried on its own; the link stays in use.
   */
  failed(link: Link, calls: readonly Call[], error: Error, sent: boolean, retry: number): void {
    const http = (error as { code?: unknown }).code === 'RERPC_ERR_HTTP_STATUS';
    for (const call of calls) {
      if (call.conn !== link) continue; // settled or retried since: no longer on the link
      link.forget(call);
      const failure = http ? error : this.connectionError(sent, error);
      this.attemptFailed(call, failure, sent, null, retry);
    }
  }

  /**
   * The connection is unusable: every call on it fails or is retried. A call whose request was
   * written may have run (`sent`), unless `notRun` says the server ran none of them.
   */
  lost(conn: Link, error: Error, notRun = false): void {
    this.peer.closed(conn);
    if (conn.dead) return;
    // Stryker disable next-line BooleanLiteral: the pool's destroy() (next line) sets it too, for each link the pool holds
    conn.dead = true;
    void this.conns.destroy(conn); // its calls' leases are forgotten: their unlease is ignored
    const detail = failureDetail(error);
    const failure = notRun ? 'shutdown' : 'lost';
    for (const call of conn.release()) {
      // A batch appears once per request; it is handled the first time (attemptFailed() takes
      // it off the connection).
      if (call.conn !== conn) continue;
      const sent = !notRun && conn.wrote(call);
      this.attemptFailed(call, this.connectionError(sent, error, failure, detail), sent);
    }
  }

  /**
   * The server answered -32002 ("Server is shutting down"): the call was not run. It is retried
   * (idempotent or not) within its deadline, on another connection: this one, and every other,
   * is retired.
   */
  private refused(conn: Link, call: Call, error: RpcError): void {
    this.shuttingDown(conn);
    const detail = `it answered -32002 "${error.message}"`;
    const failed = this.connectionError(false, error, 'shutdown', detail);
    // Stryker disable next-line BooleanLiteral: with -32002 answered the policy reads no `sent`
    this.attemptFailed(call, failed, false, SHUTTING_DOWN);
  }

  /**
   * `conn` answered -32002: the server behind it is shutting down. Every connection dialled so
   * far most likely leads to that same server, so all are retired (parked ones closed at once,
   * the others once their last call leaves them): a call sent on one of them could cross the
   * server's FIN (after its grace period), and could then not be told from a call that ran.
   */
  private shuttingDown(conn: Link): void {
    conn.refusedSeen = true;
    this.conns.retireAll(conn);
  }

  /** A ConnectionError for this client's server (`detail`: a few words on what failed). */
  private connectionError(
    sent: boolean,
    cause: unknown,
    // Stryker disable next-line StringLiteral: ConnectionError words any failure but 'lost' and 'shutdown' as unreachable
    failure: ConnectionFailure = 'unreachable',
    detail = failureDetail(cause),
  ): ConnectionError {
    return new ConnectionError(this.address, sent, detail, { cause, failure });
  }

  /**
   * One attempt failed with `error` (`answered`: the JSON-RPC code the server answered with, if
   * it did; `atLeast`: see retryDelay()). The retry policy says whether it is tried again and
   * when; otherwise it fails.
   */
  private attemptFailed(
    call: Call,
    error: Error,
    sent: boolean,
    answered: number | null = null,
    atLeast = 0,
  ): void {
    this.leave(call);
    call.lastError = error;
    const delay =
      // Stryker disable next-line ConditionalExpression: defensive: close() settles every call before it is CLOSED
      this.state === CLOSED
        ? GIVE_UP
        : retryDelay(this.o, call, sent, answered, performance.now(), Math.random, atLeast);
    if (delay === GIVE_UP) {
      this.fail(call, error);
      return;
    }
    call.attempts += 1;
    this.counters.retries += 1;
    call.state = BACKOFF;
    this.deadlines.backoff(call, delay);
  }

  /** @internal A backoff ended (CallHost). */
  retry(call: Call): void {
    if (call.state !== BACKOFF) return;
    call.state = NEW;
    // Stryker disable next-line ConditionalExpression,BlockStatement: defensive: close() settled (and untimed) every backoff
    if (this.state === CLOSED) {
      this.fail(call, new ClientClosedError());
      return;
    }
    this.assign(call);
  }

  /** @internal The call's deadline passed (CallHost). */
  expire(call: Call): void {
    const error = expiryError(call, this.address, this.o.maxActive);
    if (error === null) return;
    // A timeout on a link counts against its server (outlier ejection, several servers).
    if (call.state === ON_CONNECTION && call.conn !== null) this.conns.timedOut?.(call.conn);
    // A WAITING call is left in the pool's waiters: it declines the lease (Call.leased).
    this.cancel(call, error);
  }

  /** The call's signal aborted (SignalWatches). */
  private abort(call: Call): void {
    if (call.state !== DONE) this.cancel(call, new AbortError(call.signal!.reason, call.method));
  }

  /**
   * Fails the call wherever it is. On a connection its ids are forgotten there: a late answer
   * (-32800 too) is dropped (and counted), and the connection stays in use; each id still
   * unanswered gets a `cancelMethod` notification after its request, so the server can stop.
   */
  private cancel(call: Call, error: Error): void {
    const conn = call.conn;
    if (call.state === ON_CONNECTION && conn !== null) {
      conn.forget(call, this.requests.cancelNote);
      this.leave(call);
    }
    this.fail(call, error);
  }

  // --- settle ----------------------------------------------------------------------------------

  private fail(call: Call, error: unknown): void {
    // Stryker disable next-line ConditionalExpression: defensive: every caller checks the call is unsettled
    if (call.state === DONE) return;
    this.counters.failed(error);
    this.settle(call);
    call.reject(error);
  }

  /** Marks the call done and releases everything it held (timers, signal listener, list node). */
  private settle(call: Call): void {
    call.state = DONE;
    this.leave(call);
    this.deadlines.remove(call);
    // Stryker disable next-line ConditionalExpression: a fast path: remove() does nothing for an unwatched call
    if (call.watch !== null) this.watches.remove(call);
    this.counters.settled += 1;
  }

  /** The shared timer: expires calls past their deadline (the pool parks idle connections). */
  private tick(): void {
    const expired = this.deadlines.sweep(performance.now());
    if (expired !== null) for (const call of expired) this.expire(call);
    // Stryker disable next-line ConditionalExpression: an idle shared timer is unref'd (remove()); stopping it saves ticks
    if (this.deadlines.size === 0) this.deadlines.stop();
  }

  /** Ends a lease a PINNED call passed on (see PeerSide.pinned()). */
  // Stryker disable next-line BlockStatement: reached once close() began or the link died: close() destroys every link, leased or not
  protected unpin(conn: Link): void {
    this.conns.unlease(conn);
  }

  // --- stats, close ----------------------------------------------------------------------------

  /** The own calls' part of stats() (ClientImpl adds the server's calls and subscriptions). */
  protected callStats(): CallingStats {
    const cancels = this.requests.cancelsSent;
    const endpoints = this.conns.endpoints?.() ?? null;
    return this.counters.snapshot(
      this.deadlines.size,
      connectionStats(this.conns),
      cancels,
      endpoints,
    );
  }

  /**
   * Stops taking calls, waits up to `timeout` for those in flight, then closes the connections
   * (see PeerClient.close(), which checks the options and makes it idempotent).
   */
  protected shutdown(timeout: number): Promise<void> {
    this.state = CLOSING;
    return this.drain(timeout);
  }

  private async drain(timeout: number): Promise<void> {
    await this.deadlines.drained(timeout);
    this.state = CLOSED;
    for (let call = this.deadlines.first(); call !== null; call = this.deadlines.first()) {
      this.cancel(call, cutOff(call.method, timeout));
    }
    this.deadlines.stop();
    await this.conns.close({ timeout: 0 });
  }
}
