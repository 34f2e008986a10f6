import type { Socket } from 'node:net';
import { compileRequestEncoder, encodeBatch } from '@rerpc/codec';
import { createPool, createTcpConnector, type Pool } from '@rerpc/conn-pool';
import { describe, optionError, rejectUnknownOptions } from '@rerpc/internal';
import { RpcError } from '@rerpc/protocol';
import {
  BACKOFF,
  BATCH,
  type BatchItem,
  type BatchResult,
  Call,
  type CallHost,
  DONE,
  NEW,
  NOTIFY,
  ON_CONNECTION,
  SINGLE,
  WAITING,
} from './call.js';
import { Connection, type ConnectionHost } from './connection.js';
import {
  AbortError,
  ClientClosedError,
  ConnectionError,
  PoolExhaustedError,
  TimeoutError,
} from './errors.js';
import { Histogram } from './histogram.js';
import {
  CLOSE_OPTIONS,
  type ClientOptions,
  type ClientTarget,
  checkCallOptionNames,
  checkTarget,
  checkTimeout,
  type ResolvedClientOptions,
  resolveClientOptions,
} from './options.js';
import { type CallOptions, createServiceProxy, type ServiceProxy } from './proxy.js';
import { SignalWatch, type WatchHost } from './signal-watch.js';

/** Options of {@link Client.close}. */
export interface CloseOptions {
  /**
   * Milliseconds to wait for calls in flight; past it they reject with `ClientClosedError`.
   * 0 rejects them at once.
   * @default the client's closeTimeout (30000)
   */
  timeout?: number;
}

/** A snapshot of the client, from {@link Client.stats}. Latencies are in milliseconds. */
export interface ClientStats {
  /** Calls, notifications and batches not settled yet: in flight, waiting or backing off. */
  pending: number;
  connections: {
    /** Open connections carrying calls. */
    active: number;
    /** Open connections parked in the pool, unused. */
    idle: number;
    /** Dials in progress. */
    dialling: number;
    /** Connections dialled since the client was made. */
    dialled: number;
    /** Dials that failed. */
    dialErrors: number;
  };
  /** Calls, notifications and batches settled (either way) since the client was made. */
  settled: number;
  /** Attempts retried. */
  retries: number;
  /** Calls that failed, by the error they failed with. */
  errors: {
    /** `RpcError`: the server answered with an error (batch items not counted). */
    rpc: number;
    /** `TimeoutError`. */
    timeout: number;
    /** `ConnectionError`. */
    connection: number;
    /** `PoolExhaustedError`. */
    poolExhausted: number;
    /** `AbortError`. */
    aborted: number;
    /** `ClientClosedError`. */
    closed: number;
  };
  /**
   * Answers dropped: an unknown, null or non-number id (a late answer to a call that timed out
   * or was aborted, a Go server's answer to a notification), or a frame that was not JSON.
   */
  dropped: number;
  /** Round-trip time of answered calls and batches (from call() to the answer's arrival). */
  latency: { count: number; p50: number; p90: number; p99: number };
}

/** A pooled, multiplexed JSON-RPC 2.0 client: see {@link createClient}. */
export interface Client {
  /**
   * Calls `method` and resolves with the result. Rejects with `RpcError` (the server answered
   * with an error), `TimeoutError`, `ConnectionError`, `PoolExhaustedError`, `AbortError`,
   * `ClientClosedError`, or `TypeError` for a non-string method or params that are not an
   * array or an object. Never throws synchronously.
   */
  call<T = unknown>(method: string, params?: object, options?: CallOptions): Promise<T>;
  /**
   * Sends a notification (no id, no answer); resolves once it was written to a socket. Rejects as
   * `call()` does (never with `RpcError`).
   */
  notify(method: string, params?: object, options?: CallOptions): Promise<void>;
  /**
   * Sends the items as one JSON-RPC batch (one array on the wire) and resolves with their
   * outcomes aligned with `items`: `{ ok: true, value }` or `{ ok: false, error: RpcError }` per
   * request, `undefined` per notification. An all-notification batch resolves once written. The
   * batch as a whole rejects like `call()` (timeout, connection...). An empty batch rejects with
   * `TypeError`.
   */
  batch(
    items: readonly BatchItem[],
    options?: CallOptions,
  ): Promise<Array<BatchResult | undefined>>;
  /** A typed proxy: `client.service<Arith>('ArithService').Add({ a: 1, b: 2 })`. */
  service<T>(name: string): ServiceProxy<T>;
  /** Counters and gauges, as a new object. */
  stats(): ClientStats;
  /**
   * Stops taking calls (they reject with `ClientClosedError`), waits for those in flight (up to
   * `timeout`, then rejects them with `ClientClosedError`), then closes every connection. Never
   * rejects (an invalid `timeout` rejects with `TypeError` and does not close). Idempotent.
   */
  close(options?: CloseOptions): Promise<void>;
  /** Same as `close()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;

/**
 * The shared timer's period. Timeouts of at least FINE_BELOW ms are checked on its ticks, so they
 * fire up to one period late, never early; shorter ones get a native timer each (as undici's
 * fast timers do), where a quarter-second of slack would matter.
 */
const TICK_MS = 250;
const FINE_BELOW = 1_000;
/** A connection unused this many ticks goes back to the pool (and to maxIdle / idleTimeout). */
const IDLE_TICKS = 4;
/** Load penalty of a connection whose socket buffer is full: chosen only when all are. */
const BLOCKED = 2 ** 30;
/** @rerpc/server's "Server is shutting down": the request was read after close() began and not run. */
const SHUTTING_DOWN = -32002;
/** The names a batch item may have. */
const BATCH_ITEM_KEYS: readonly string[] = ['method', 'params', 'notify'];
const hasOwn = Object.prototype.hasOwnProperty;

const asyncDispose: typeof Symbol.asyncDispose =
  Symbol.asyncDispose ?? (Symbol.for('nodejs.asyncDispose') as typeof Symbol.asyncDispose);

function onCallTimer(call: Call): void {
  call.host.expire(call);
}

function onBackoffTimer(call: Call): void {
  call.host.retry(call);
}

/**
 * What failed, in a few words for a `ConnectionError` message (which names the address itself):
 * the system error code (`ECONNREFUSED`), not conn-pool's `DialError` message around it, which
 * repeats the address and its own advice.
 */
function failureDetail(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { code?: unknown; timeout?: unknown; limit?: unknown };
  switch (e.code) {
    case 'RERPC_ERR_DIAL_TIMEOUT':
      return `not connected within dialTimeout, ${String(e.timeout)} ms`;
    case 'RERPC_ERR_DIAL':
      return e.cause === undefined ? e.message : failureDetail(e.cause);
    case 'RERPC_ERR_FRAME_TOO_LARGE':
      return `an answer larger than maxMessageBytes, ${String(e.limit)} bytes`;
    case 'RERPC_ERR_FRAMING':
      return 'malformed Content-Length framing';
  }
  // Node's system errors: `connect ECONNREFUSED 127.0.0.1:4000` says no more than its code.
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
  return e.message;
}

/** The first line of an error's message (V8's cycle message goes on to draw the cycle). */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const end = text.indexOf('\n');
  return end === -1 ? text : text.slice(0, end);
}

/** Closes a pooled socket gracefully: our queued bytes go out, then it is destroyed; never keeps the process alive. */
function destroySocket(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.writable && !socket.writableEnded) {
    socket.end(() => socket.destroy());
    socket.unref();
  } else {
    socket.destroy();
  }
}

class ClientImpl implements Client, CallHost, ConnectionHost, WatchHost {
  private readonly o: ResolvedClientOptions;
  private readonly address: string;
  private readonly pool: Pool<Socket>;
  private readonly encoder = compileRequestEncoder();
  /** Open connections carrying calls (acquired from the pool and kept while used). */
  private readonly conns: Connection[] = [];
  /** Bumped by each -32002; connections dialled before `staleBefore` are not reused. */
  private epoch = 0;
  private staleBefore = 0;
  /** Every socket we wrapped, parked ones included, so a socket back from the pool keeps its state. */
  private readonly known = new Map<Socket, Connection>();
  /** The one abort listener per caller signal that unsettled calls use (see SignalWatch). */
  private readonly watches = new WeakMap<AbortSignal, SignalWatch>();
  /** Calls waiting for a connection (no connection open yet); a head index instead of shift(). */
  private waiters: Call[] = [];
  private waitHead = 0;
  private dialing = 0;
  /** No background dial (all connections busy) before this tick, after one failed. */
  private dialPauseUntil = 0;
  private nextId = 1;
  private state = OPEN;
  /** Every unsettled call, a doubly linked list: the shared timer and close() walk it. */
  private head: Call | null = null;
  private tail: Call | null = null;
  private live = 0;
  private ticker: NodeJS.Timeout | null = null;
  private tick = 0;
  /** `performance.now()` when the chunk being decoded arrived (ConnectionHost). */
  clock = 0;
  private closePromise: Promise<void> | null = null;
  private closeResolve: (() => void) | null = null;
  private readonly histogram = new Histogram();
  private settled = 0;
  private retries = 0;
  private dialErrors = 0;
  private dropped = 0;
  private readonly errors = {
    rpc: 0,
    timeout: 0,
    connection: 0,
    poolExhausted: 0,
    aborted: 0,
    closed: 0,
  };
  private readonly onTick = (): void => this.runTick();
  private readonly onDial = (socket: Socket): void => this.dialled(socket);
  private readonly onDialError = (error: unknown): void => this.dialFailed(error);

  constructor(target: ClientTarget, options: ResolvedClientOptions, address: string) {
    this.o = options;
    this.address = address;
    const connector = createTcpConnector(target, { dialTimeout: options.dialTimeout });
    this.pool = createPool<Socket>({
      create: connector.create,
      validate: connector.validate,
      destroy: destroySocket,
      maxIdle: options.maxIdle,
      maxActive: options.maxActive,
      // The client only acquires while fewer than maxActive are open, so an acquire never queues;
      // a dial is bounded by dialTimeout, and a call by its own deadline.
      acquireTimeout: 0,
      idleTimeout: options.idleTimeout,
      closeTimeout: 0,
    });
  }

  // --- calls -----------------------------------------------------------------------------------

  call<T = unknown>(method: string, params?: object, options?: CallOptions): Promise<T> {
    return this.start(SINGLE, method, params, options, null, null) as Promise<T>;
  }

  notify(method: string, params?: object, options?: CallOptions): Promise<void> {
    return this.start(NOTIFY, method, params, options, null, null) as Promise<void>;
  }

  batch(
    items: readonly BatchItem[],
    options?: CallOptions,
  ): Promise<Array<BatchResult | undefined>> {
    if (!Array.isArray(items) || items.length === 0) {
      return Promise.reject(
        new TypeError(
          `items must be a non-empty array of { method, params?, notify? }, got ${describe(items)}`,
        ),
      );
    }
    const slots: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as BatchItem | undefined;
      if (typeof item !== 'object' || item === null) {
        return Promise.reject(
          new TypeError(`items[${i}] must be an object, got ${describe(item)}`),
        );
      }
      try {
        rejectUnknownOptions(item, BATCH_ITEM_KEYS, `batch() items[${i}]`);
      } catch (error) {
        return Promise.reject(error);
      }
      const problem = checkCall(item.method, item.params);
      if (problem !== null) return Promise.reject(new TypeError(`items[${i}].${problem}`));
      if (item.notify !== true) slots.push(i);
    }
    const results = new Array<BatchResult | undefined>(items.length).fill(undefined);
    return this.start(BATCH, 'batch', items, options, slots, results) as Promise<
      Array<BatchResult | undefined>
    >;
  }

  service<T>(name: string): ServiceProxy<T> {
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(`name must be a non-empty string, got ${describe(name)}`);
    }
    return createServiceProxy<T>(this, name);
  }

  private start(
    kind: number,
    method: string,
    params: unknown,
    options: CallOptions | undefined,
    slots: number[] | null,
    results: Array<BatchResult | undefined> | null,
  ): Promise<unknown> {
    if (this.state !== OPEN) return Promise.reject(new ClientClosedError());
    if (kind !== BATCH) {
      const problem = checkCall(method, params);
      if (problem !== null) return Promise.reject(new TypeError(problem));
    }
    let timeout = this.o.timeout;
    let signal: AbortSignal | null = null;
    let idempotent = false;
    if (options !== undefined) {
      const what =
        kind === SINGLE
          ? 'call() options'
          : kind === BATCH
            ? 'batch() options'
            : 'notify() options';
      if (typeof options !== 'object' || options === null) {
        return Promise.reject(optionError(`${what} must be an object, got ${describe(options)}`));
      }
      try {
        checkCallOptionNames(options, what);
        if (options.timeout !== undefined) timeout = checkTimeout('timeout', options.timeout);
      } catch (error) {
        return Promise.reject(error);
      }
      if (options.signal !== undefined) {
        if (!(options.signal instanceof AbortSignal)) {
          return Promise.reject(
            optionError(`signal must be an AbortSignal, got ${describe(options.signal)}`),
          );
        }
        signal = options.signal;
        if (signal.aborted) return Promise.reject(new AbortError(signal.reason, method));
      }
      if (options.idempotent !== undefined) {
        if (typeof options.idempotent !== 'boolean') {
          return Promise.reject(
            optionError(`idempotent must be a boolean, got ${describe(options.idempotent)}`),
          );
        }
        idempotent = options.idempotent;
      }
    }
    const ids = kind === SINGLE ? 1 : kind === BATCH ? slots!.length : 0;
    const id = ids > 0 ? this.takeIds(ids) : 0;
    let text: string;
    try {
      text = this.encode(kind, method, params, id, slots);
    } catch (error) {
      return Promise.reject(error);
    }
    const call = new Call(
      this,
      kind,
      method,
      text,
      id,
      idempotent,
      timeout,
      signal,
      performance.now(),
      slots,
      results,
    );
    const promise = call.makePromise();
    this.link(call);
    if (timeout > 0 && timeout < FINE_BELOW) {
      call.timer = setTimeout(onCallTimer, timeout, call);
      call.timer.unref();
    }
    if (signal !== null) this.watch(call, signal);
    this.assign(call);
    return promise;
  }

  /** Sends the call on the least-loaded connection, or queues it until one is dialled. */
  private assign(call: Call): void {
    const conn = this.pick();
    if (conn === null) {
      call.state = WAITING;
      this.waiters.push(call);
      if (this.dialing === 0) this.dial();
      return;
    }
    this.send(conn, call);
  }

  /**
   * The open connection with the fewest calls in flight, or null when none is open. When even
   * that one has `pipelineThreshold` in flight, another is dialled in the background (one at a
   * time, up to maxActive); the call does not wait for it.
   */
  private pick(): Connection | null {
    const conns = this.conns;
    const n = conns.length;
    if (n === 0) return null;
    let best = conns[0]!;
    let load = best.blocked ? best.pending.size + BLOCKED : best.pending.size;
    for (let i = 1; i < n; i++) {
      const conn = conns[i]!;
      const l = conn.blocked ? conn.pending.size + BLOCKED : conn.pending.size;
      if (l < load) {
        best = conn;
        load = l;
      }
    }
    if (
      load >= this.o.pipelineThreshold &&
      this.dialing === 0 &&
      n < this.o.maxActive &&
      this.tick >= this.dialPauseUntil &&
      this.state !== CLOSED
    ) {
      this.dial();
    }
    return best;
  }

  /** Takes `count` consecutive ids, counting up from 1 and wrapping before 2^53. */
  private takeIds(count: number): number {
    let id = this.nextId;
    if (id + count > Number.MAX_SAFE_INTEGER) id = 1;
    this.nextId = id + count;
    return id;
  }

  /**
   * Hands the call's request (encoded once, in start()) to the connection. A retry resends the
   * same text with the same id: the connection it was sent on is gone, so no answer to the first
   * attempt can arrive on the new one.
   */
  private send(conn: Connection, call: Call): void {
    const kind = call.kind;
    if (kind === SINGLE) {
      conn.pending.set(call.id, call);
    } else if (kind === NOTIFY || call.ids === 0) {
      // A notification, or a batch of them: nothing answers; it settles when written.
      if (conn.outNotes === null) conn.outNotes = [call];
      else conn.outNotes.push(call);
    } else {
      call.results!.fill(undefined);
      call.remaining = call.ids;
      call.refusedItems = 0;
      for (let k = 0; k < call.ids; k++) conn.pending.set(call.id + k, call);
    }
    call.conn = conn;
    call.gen = conn.gen;
    call.state = ON_CONNECTION;
    conn.lastUse = this.tick;
    conn.queue(call.text);
  }

  /** The request text, with ids from `id`; throws TypeError for params that cannot be encoded. */
  private encode(
    kind: number,
    method: string,
    params: unknown,
    id: number,
    slots: number[] | null,
  ): string {
    if (kind !== BATCH) {
      try {
        return kind === SINGLE
          ? this.encoder.request(method, params, id)
          : this.encoder.notification(method, params);
      } catch (error) {
        throw unencodable(`the params of ${method}`, error);
      }
    }
    const items = params as readonly BatchItem[];
    const parts = new Array<string>(items.length);
    let j = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      try {
        if (slots![j] === i) {
          parts[i] = this.encoder.request(item.method, item.params, id + j);
          j++;
        } else {
          parts[i] = this.encoder.notification(item.method, item.params);
        }
      } catch (error) {
        throw unencodable(`the params of items[${i}] (${item.method})`, error);
      }
    }
    return encodeBatch(parts);
  }

  // --- answers (ConnectionHost) ----------------------------------------------------------------

  message(conn: Connection, value: unknown): void {
    if (typeof value !== 'object' || value === null) {
      this.dropped += 1;
      return;
    }
    if (Array.isArray(value)) {
      this.batchReply(conn, value);
      return;
    }
    const id = (value as Record<string, unknown>)['id'];
    const call = this.claim(conn, id);
    if (call === undefined) return;
    if (call.kind === SINGLE) {
      this.answer(conn, call, value as Record<string, unknown>);
    } else {
      this.batchItem(call, id as number, value as Record<string, unknown>);
      this.finishBatch(conn, call);
    }
    if (conn.retired) this.closeIfSettled(conn);
  }

  /**
   * The pending call an answer's id names, taken off the connection; an unknown, late, null or
   * non-number id (a Go server answers notifications with id null) is dropped and counted.
   */
  private claim(conn: Connection, id: unknown): Call | undefined {
    const call = typeof id === 'number' ? conn.pending.take(id) : undefined;
    if (call === undefined) this.dropped += 1;
    return call;
  }

  unreadable(_conn: Connection): void {
    this.dropped += 1;
  }

  /** One answer to a single call. */
  private answer(conn: Connection, call: Call, message: Record<string, unknown>): void {
    const error = message['error'];
    if (error !== undefined && error !== null) {
      const rpcError = RpcError.fromObject(error);
      if (rpcError.code === SHUTTING_DOWN) {
        this.refused(conn, call, rpcError);
        return;
      }
      this.histogram.record((this.clock - call.start) * 1000);
      this.errors.rpc += 1;
      this.settle(call);
      call.reject(rpcError);
      return;
    }
    this.histogram.record((this.clock - call.start) * 1000);
    const result = message['result'];
    if (result === undefined && !hasOwn.call(message, 'result')) {
      this.errors.rpc += 1;
      this.settle(call);
      call.reject(
        new RpcError(-32603, 'Invalid response: it has neither "result" nor "error"', message),
      );
      return;
    }
    this.settle(call);
    call.resolve(result);
  }

  private batchItem(call: Call, id: number, message: Record<string, unknown>): void {
    const slot = call.slots![id - call.id]!;
    const error = message['error'];
    if (error !== undefined && error !== null) {
      const rpcError = RpcError.fromObject(error);
      if (rpcError.code === SHUTTING_DOWN) call.refusedItems += 1;
      call.results![slot] = { ok: false, error: rpcError };
    } else {
      call.results![slot] = { ok: true, value: message['result'] };
    }
    call.remaining -= 1;
  }

  private batchReply(conn: Connection, replies: unknown[]): void {
    if (replies.length === 0) this.dropped += 1;
    let touched: Call[] | null = null;
    for (const reply of replies) {
      if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) {
        this.dropped += 1;
        continue;
      }
      const id = (reply as Record<string, unknown>)['id'];
      const call = this.claim(conn, id);
      if (call === undefined) continue;
      if (call.kind === SINGLE) {
        this.answer(conn, call, reply as Record<string, unknown>);
        continue;
      }
      this.batchItem(call, id as number, reply as Record<string, unknown>);
      if (touched === null) touched = [call];
      else if (!touched.includes(call)) touched.push(call);
    }
    if (touched !== null) this.finishReplied(conn, touched);
    if (conn.retired) this.closeIfSettled(conn);
  }

  /** The batches a reply array answered: a request it left out will never be answered. */
  private finishReplied(conn: Connection, touched: Call[]): void {
    // One reply array answers a whole batch: a request it left out will never be answered.
    for (const call of touched) {
      if (call.remaining > 0) {
        for (let k = 0; k < call.ids; k++) {
          const slot = call.slots![k]!;
          if (call.results![slot] === undefined) {
            conn.pending.take(call.id + k);
            call.results![slot] = {
              ok: false,
              error: new RpcError(
                -32603,
                "Internal error: the server's batch reply had no response for this request",
              ),
            };
          }
        }
        call.remaining = 0;
      }
      this.finishBatch(conn, call);
    }
  }

  private finishBatch(conn: Connection, call: Call): void {
    if (call.remaining > 0 || call.state === DONE) return;
    if (call.refusedItems > 0) {
      // The server is shutting down. A batch it refused whole did not run: retry it; one it
      // partly ran (not @rerpc/server's way) keeps its results, -32002 items included.
      if (call.refusedItems === call.ids) {
        this.refused(conn, call, (call.results![call.slots![0]!] as { error: RpcError }).error);
        return;
      }
      this.shuttingDown(conn);
    }
    this.histogram.record((this.clock - call.start) * 1000);
    this.settle(call);
    call.resolve(call.results);
  }

  written(conn: Connection, notes: Call[], error: Error | null | undefined): void {
    for (const call of notes) {
      if (call.state !== ON_CONNECTION || call.conn !== conn) continue;
      if (error) {
        this.attemptFailed(
          call,
          new ConnectionError(this.address, true, failureDetail(error), { cause: error }),
          true,
        );
      } else {
        this.settle(call);
        call.resolve(call.kind === BATCH ? call.results : undefined);
      }
    }
    if (conn.retired) this.closeIfSettled(conn);
  }

  // --- failures, retries, timeouts -------------------------------------------------------------

  /**
   * The server half-closed the connection. After it answered -32002 on it, a graceful FIN from a
   * rerpc server means every call it ran was answered: the calls still pending did not run.
   * Otherwise (any other server, or a FIN with no -32002 before it) they may have.
   */
  ended(conn: Connection): void {
    if (conn.refusedSeen) {
      this.lost(
        conn,
        new Error('the server closed the connection after answering -32002, shutting down'),
        true,
      );
    } else {
      this.lost(conn, new Error('the server closed the connection'), false);
    }
  }

  /**
   * The connection is unusable: every call on it fails or is retried. A call whose request was
   * written may have run (`sent`), unless `notRun` says the server ran none of them.
   */
  lost(conn: Connection, error: Error, notRun = false): void {
    if (conn.dead) return;
    this.drop(conn);
    const detail = failureDetail(error);
    if (conn.pending.size > 0) {
      for (const call of conn.pending.drain()) {
        // A batch appears once per request; it is handled the first time.
        if (call.state !== ON_CONNECTION || call.conn !== conn) continue;
        const sent = !notRun && call.gen !== conn.gen;
        this.attemptFailed(
          call,
          new ConnectionError(this.address, sent, detail, {
            cause: error,
            failure: notRun ? 'shutdown' : 'lost',
          }),
          sent,
        );
      }
    }
    const notes = conn.outNotes;
    conn.outNotes = null;
    conn.out = [];
    if (notes !== null) {
      for (const call of notes) {
        if (call.state !== ON_CONNECTION || call.conn !== conn) continue;
        this.attemptFailed(
          call,
          new ConnectionError(this.address, false, detail, {
            cause: error,
            failure: notRun ? 'shutdown' : 'lost',
          }),
          false,
        );
      }
    }
  }

  /** Takes the connection out of use for good and closes its socket (gracefully). */
  private drop(conn: Connection): void {
    conn.dead = true;
    conn.stop();
    this.unhold(conn);
    this.known.delete(conn.socket);
    void this.pool.destroy(conn.socket);
  }

  /**
   * The server answered -32002 ("Server is shutting down"): the call was not run. It is retried
   * (idempotent or not) within its deadline, on another connection: this one is retired.
   */
  private refused(conn: Connection, call: Call, error: RpcError): void {
    this.shuttingDown(conn);
    this.attemptFailed(
      call,
      new ConnectionError(this.address, false, `it answered -32002 "${error.message}"`, {
        cause: error,
        failure: 'shutdown',
      }),
      false,
    );
  }

  /**
   * `conn` answered -32002: the server behind it is shutting down. Every connection dialled so
   * far most likely leads to that same server, so all are retired, and parked ones are dropped
   * when next taken from the pool: a call sent on one of them could cross the server's FIN
   * (after its grace period), and could then not be told from a call that ran.
   */
  private shuttingDown(conn: Connection): void {
    conn.refusedSeen = true;
    this.staleBefore = ++this.epoch;
    for (const other of [...this.conns]) {
      this.retire(other);
      this.closeIfSettled(other);
    }
    this.retire(conn);
  }

  /**
   * The server behind `conn` is shutting down: no new call is sent on it, and it is closed once
   * the calls on it settle (answered, refused, or failed by the server's FIN).
   */
  private retire(conn: Connection): void {
    if (conn.retired || conn.dead) return;
    conn.retired = true;
    this.unhold(conn);
  }

  /** Takes the connection out of the set calls are sent on. */
  private unhold(conn: Connection): void {
    if (!conn.held) return;
    conn.held = false;
    const i = this.conns.indexOf(conn);
    if (i !== -1) this.conns.splice(i, 1);
  }

  /** Closes a retired connection once nothing is pending on it. */
  private closeIfSettled(conn: Connection): void {
    if (!conn.dead && conn.pending.size === 0 && conn.outNotes === null) this.drop(conn);
  }

  /**
   * One attempt failed. Retried (after a backoff) when it provably did not run (`sent` false) or
   * is idempotent, retries are left, and the backoff ends before the deadline; otherwise the call
   * fails with `error`.
   */
  private attemptFailed(call: Call, error: Error, sent: boolean): void {
    call.conn = null;
    call.lastError = error;
    if ((!sent || call.idempotent) && call.attempts < this.o.maxRetries && this.state !== CLOSED) {
      call.attempts += 1;
      const base = Math.min(this.o.maxRetryDelay, this.o.retryDelay * 2 ** (call.attempts - 1));
      const delay = base / 2 + Math.random() * (base / 2);
      if (performance.now() + delay < call.deadline) {
        this.retries += 1;
        call.state = BACKOFF;
        call.backoff = setTimeout(onBackoffTimer, delay, call);
        call.backoff.unref();
        return;
      }
    }
    this.fail(call, error);
  }

  /** @internal A backoff ended. */
  retry(call: Call): void {
    if (call.state !== BACKOFF) return;
    call.backoff = null;
    call.state = NEW;
    if (this.state === CLOSED) {
      this.fail(call, new ClientClosedError());
      return;
    }
    this.assign(call);
  }

  /** @internal The call's deadline passed. */
  expire(call: Call): void {
    let error: Error;
    switch (call.state) {
      case ON_CONNECTION:
        this.detach(call);
        error = new TimeoutError(call.method, call.timeout, { cause: call.lastError ?? undefined });
        break;
      case WAITING:
        // Left in the waiters array; whoever serves it skips it.
        error = new PoolExhaustedError(this.address, this.o.maxActive, call.timeout, {
          cause: call.lastError ?? undefined,
        });
        break;
      case BACKOFF:
        error = (call.lastError as Error | null) ?? new TimeoutError(call.method, call.timeout);
        break;
      default:
        return;
    }
    this.fail(call, error);
  }

  /** Links the call into its signal's watch, adding the one listener if it is the first. */
  private watch(call: Call, signal: AbortSignal): void {
    let watch = this.watches.get(signal);
    if (watch === undefined) {
      watch = new SignalWatch(this, signal);
      this.watches.set(signal, watch);
    }
    const head = watch.head;
    if (head === null) signal.addEventListener('abort', watch);
    else head.watchPrev = call;
    call.watchNext = head;
    watch.head = call;
    call.watch = watch;
  }

  /** Unlinks the call from its signal's watch, removing the listener when it was the last. */
  private unwatch(call: Call, watch: SignalWatch): void {
    if (call.watchPrev === null) watch.head = call.watchNext;
    else call.watchPrev.watchNext = call.watchNext;
    if (call.watchNext !== null) call.watchNext.watchPrev = call.watchPrev;
    call.watch = null;
    call.watchPrev = null;
    call.watchNext = null;
    if (watch.head === null) watch.signal.removeEventListener('abort', watch);
  }

  /** @internal A signal aborted: every unsettled call using it rejects now. */
  abortWatched(watch: SignalWatch): void {
    // Each abort settles its call, which unlinks it; `next` is read first. No call joins the list
    // meanwhile: start() rejects at once for a signal already aborted.
    let call = watch.head;
    while (call !== null) {
      const next: Call | null = call.watchNext;
      this.abort(call);
      call = next;
    }
  }

  /** The call's signal aborted. */
  private abort(call: Call): void {
    if (call.state === DONE) return;
    if (call.state === ON_CONNECTION) this.detach(call);
    this.fail(call, new AbortError(call.signal!.reason, call.method));
  }

  /** Forgets the call's ids on its connection: a late answer is then dropped (and counted). */
  private detach(call: Call): void {
    const conn = call.conn;
    if (conn === null) return;
    for (let k = 0; k < call.ids; k++) {
      if (conn.pending.get(call.id + k) === call) conn.pending.take(call.id + k);
    }
    call.conn = null;
    if (conn.retired) this.closeIfSettled(conn);
  }

  private fail(call: Call, error: unknown): void {
    if (call.state === DONE) return;
    const code = (error as { code?: unknown } | null)?.code;
    const e = this.errors;
    if (code === 'RERPC_ERR_TIMEOUT') e.timeout += 1;
    else if (code === 'RERPC_ERR_CONNECTION') e.connection += 1;
    else if (code === 'RERPC_ERR_POOL_EXHAUSTED') e.poolExhausted += 1;
    else if (code === 'RERPC_ERR_ABORTED') e.aborted += 1;
    else if (code === 'RERPC_ERR_CLIENT_CLOSED') e.closed += 1;
    this.settle(call);
    call.reject(error);
  }

  /** Marks the call done and releases everything it held (timer, signal listener, list node). */
  private settle(call: Call): void {
    if (call.backoff !== null) {
      clearTimeout(call.backoff);
      call.backoff = null;
    }
    call.state = DONE;
    call.conn = null;
    if (call.timer !== null) {
      clearTimeout(call.timer);
      call.timer = null;
    }
    if (call.watch !== null) this.unwatch(call, call.watch);
    this.unlink(call);
    this.settled += 1;
    if (this.live === 0 && this.closeResolve !== null) this.closeResolve();
  }

  private link(call: Call): void {
    if (this.tail === null) {
      this.head = call;
    } else {
      this.tail.next = call;
      call.prev = this.tail;
    }
    this.tail = call;
    // Process lifetime: while any call is pending the shared timer is ref'd (it alone keeps the
    // process alive: sockets and other timers are unref'd); with none, nothing is.
    if (this.live++ === 0) {
      if (this.ticker === null) this.startTicker();
      else this.ticker.ref();
    }
  }

  private unlink(call: Call): void {
    if (call.prev === null) this.head = call.next;
    else call.prev.next = call.next;
    if (call.next === null) this.tail = call.prev;
    else call.next.prev = call.prev;
    call.prev = call.next = null;
    if (--this.live === 0 && this.ticker !== null) this.ticker.unref();
  }

  // --- connections -----------------------------------------------------------------------------

  private dial(): void {
    this.dialing += 1;
    this.pool.acquire().then(this.onDial, this.onDialError);
  }

  private dialled(socket: Socket): void {
    this.dialing -= 1;
    if (this.state === CLOSED) {
      this.pool.release(socket);
      return;
    }
    let conn = this.known.get(socket);
    if (conn !== undefined && !conn.dead && conn.epoch < this.staleBefore) {
      // Parked before a -32002 was seen: it leads to a server that is shutting down.
      this.drop(conn);
      this.dial();
      return;
    }
    if (conn === undefined || conn.dead) {
      conn = new Connection(this, socket, this.o.framing, this.o.maxMessageBytes);
      conn.epoch = this.epoch;
      this.known.set(socket, conn);
      // A socket never keeps the process alive; pending calls do, through the shared timer.
      socket.unref();
    }
    conn.held = true;
    conn.lastUse = this.tick;
    this.conns.push(conn);
    if (this.ticker === null) this.startTicker();
    this.serveWaiters();
  }

  private dialFailed(error: unknown): void {
    this.dialing -= 1;
    this.dialErrors += 1;
    this.dialPauseUntil = this.tick + 1;
    if (this.conns.length > 0) {
      this.serveWaiters();
      return;
    }
    const waiters = this.waiters;
    const from = this.waitHead;
    this.waiters = [];
    this.waitHead = 0;
    const detail = failureDetail(error);
    for (let i = from; i < waiters.length; i++) {
      const call = waiters[i]!;
      if (call.state !== WAITING) continue;
      this.attemptFailed(
        call,
        new ConnectionError(this.address, false, detail, { cause: error }),
        false,
      );
    }
  }

  private serveWaiters(): void {
    const waiters = this.waiters;
    while (this.waitHead < waiters.length) {
      const call = waiters[this.waitHead]!;
      if (call.state !== WAITING) {
        this.waitHead++;
        continue;
      }
      const conn = this.pick();
      if (conn === null) break;
      this.waitHead++;
      this.send(conn, call);
    }
    if (this.waitHead === waiters.length) {
      this.waiters = [];
      this.waitHead = 0;
    }
  }

  /** Starts the shared timer, ref'd only while calls are pending (see link()). */
  private startTicker(): void {
    this.ticker = setInterval(this.onTick, TICK_MS);
    if (this.live === 0) this.ticker.unref();
  }

  /** The shared timer: expires calls past their deadline, parks connections unused for a while. */
  private runTick(): void {
    this.tick += 1;
    if (this.head !== null) {
      const now = performance.now();
      let call: Call | null = this.head;
      while (call !== null) {
        const next: Call | null = call.next;
        if (call.timeout > 0 && call.start + call.timeout <= now) this.expire(call);
        call = next;
      }
    }
    const conns = this.conns;
    for (let i = conns.length - 1; i >= 0; i--) {
      const conn = conns[i]!;
      if (
        conn.pending.size === 0 &&
        conn.out.length === 0 &&
        this.tick - conn.lastUse >= IDLE_TICKS
      ) {
        conns.splice(i, 1);
        conn.held = false;
        this.pool.release(conn.socket);
      }
    }
    if (this.head === null && conns.length === 0 && this.ticker !== null) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  // --- stats, close ----------------------------------------------------------------------------

  stats(): ClientStats {
    const pool = this.pool.stats();
    const h = this.histogram;
    return {
      pending: this.live,
      connections: {
        active: this.conns.length,
        idle: pool.idle,
        dialling: this.dialing,
        dialled: pool.created,
        dialErrors: this.dialErrors,
      },
      settled: this.settled,
      retries: this.retries,
      errors: { ...this.errors },
      dropped: this.dropped,
      latency: {
        count: h.count,
        p50: h.valueAt(50) / 1000,
        p90: h.valueAt(90) / 1000,
        p99: h.valueAt(99) / 1000,
      },
    };
  }

  close(options?: CloseOptions): Promise<void> {
    if (this.closePromise !== null) return this.closePromise;
    let timeout = this.o.closeTimeout;
    if (options !== undefined) {
      if (typeof options !== 'object' || options === null) {
        return Promise.reject(
          optionError(`close() options must be an object, got ${describe(options)}`),
        );
      }
      try {
        rejectUnknownOptions(options, CLOSE_OPTIONS, 'close() options');
        if (options.timeout !== undefined) timeout = checkTimeout('timeout', options.timeout);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    this.state = CLOSING;
    this.closePromise = this.shutdown(timeout);
    return this.closePromise;
  }

  [asyncDispose](): Promise<void> {
    return this.close();
  }

  private async shutdown(timeout: number): Promise<void> {
    if (this.live > 0 && timeout > 0) {
      let timer: NodeJS.Timeout | null = null;
      await new Promise<void>((resolve) => {
        this.closeResolve = resolve;
        timer = setTimeout(resolve, timeout);
        timer.unref();
      });
      if (timer !== null) clearTimeout(timer);
      this.closeResolve = null;
    }
    this.state = CLOSED;
    while (this.head !== null) {
      const call = this.head;
      if (call.state === ON_CONNECTION) this.detach(call);
      this.fail(
        call,
        new ClientClosedError(
          `close() gave up waiting for ${call.method} after ${timeout} ms (its timeout) and cut it off; it may still run on the server. Give close() a longer timeout to let calls finish`,
        ),
      );
    }
    this.waiters = [];
    this.waitHead = 0;
    if (this.ticker !== null) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
    for (const conn of this.conns) conn.held = false;
    this.conns.length = 0;
    // closeTimeout 0: every socket, held or idle, is closed now (gracefully: see destroySocket).
    await this.pool.close();
    for (const conn of this.known.values()) conn.stop();
    this.known.clear();
  }
}

/** The TypeError for params that JSON cannot encode (a BigInt, a cycle), naming what they belong to. */
function unencodable(what: string, error: unknown): TypeError {
  return new TypeError(
    `${what} cannot be encoded as JSON (${firstLine(error)}); pass only JSON values: convert a BigInt to a string or number, and break cycles`,
    { cause: error },
  );
}

/** Null when `method` and `params` are valid, else what is wrong with them. */
function checkCall(method: unknown, params: unknown): string | null {
  if (typeof method !== 'string' || method === '') {
    return `method must be a non-empty string, got ${describe(method)}`;
  }
  if (params !== undefined && (typeof params !== 'object' || params === null)) {
    return `params must be an array, an object or undefined, got ${describe(params)}`;
  }
  return null;
}

/**
 * Creates a client for the server at `target` (`{ host, port }` or `{ path }`). No connection is
 * made until the first call. Throws `TypeError` at once for an invalid target or option, naming
 * the option, the rule and the value.
 *
 * @example
 * const client = createClient({ host: '127.0.0.1', port: 4000 });
 * const sum = await client.call('ArithService.Add', { a: 1, b: 2 });
 */
export function createClient(target: ClientTarget, options?: ClientOptions): Client {
  const address = checkTarget(target);
  const resolved = resolveClientOptions(options);
  return new ClientImpl(target, resolved, address);
}
