import { checkOptions, checkSignal, checkTime, describe, optionError } from '@rerpc/internal';
import { RpcError } from '@rerpc/protocol';
import {
  AbortError,
  DisconnectedError,
  PeerTimeoutError,
  TooManyPeerCallsError,
} from './errors.js';
import {
  ABANDONED,
  ANSWERED,
  FAILED,
  type PeerCallOutcome,
  type PeerStats,
  TIMED_OUT,
  UNSENT,
} from './peer-stats.js';

/** Options of `peer.call()`. */
export interface PeerCallOptions {
  /**
   * Milliseconds to wait for the peer's answer, then reject with `PeerTimeoutError`; 0 waits
   * forever. Default: the server's `peerCallTimeout`.
   */
  timeout?: number;
  /** Rejects the call with `AbortError` (`cause`: the reason) when it aborts first. */
  signal?: AbortSignal;
}

const CALL_OPTIONS: readonly string[] = ['timeout', 'signal'];

/** Where a connection's peer calls go out. */
export interface PeerWire {
  /** Writes one JSON text to the peer; false when the connection can no longer send. */
  write(text: string): boolean;
}

/**
 * One call to the peer, waiting for its answer: settled once, by the answer, its timeout, its
 * signal or the connection's close, whichever comes first.
 */
class PendingPeerCall {
  readonly id: number;
  readonly method: string;
  readonly owner: PeerCalls;
  readonly signal: AbortSignal | null;
  /** `Date.now()` ms past which it times out; `Infinity` without a timeout. */
  readonly deadline: number;
  readonly timeout: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;

  constructor(
    owner: PeerCalls,
    id: number,
    method: string,
    signal: AbortSignal | null,
    timeout: number,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ) {
    this.owner = owner;
    this.id = id;
    this.method = method;
    this.signal = signal;
    this.timeout = timeout;
    this.deadline = timeout > 0 ? Date.now() + timeout : Number.POSITIVE_INFINITY;
    this.resolve = resolve;
    this.reject = reject;
  }

  /** The signal aborted. */
  handleEvent(): void {
    this.owner.settle(
      this,
      new AbortError(
        this.signal!.reason,
        `${this.method} to the peer was aborted by its signal (see cause)`,
      ),
      ABANDONED,
    );
  }
}

/**
 * A connection's calls to its peer (server-to-client requests): ids, the answers matched to
 * them, timeouts, the `maxPeerCalls` cap, and rejection of every pending one when the connection
 * closes. The server's ids are its own numbers (1, 2, …); requests and responses are told apart
 * by their shape, so they never collide with the peer's ids.
 *
 * Timeouts share one unref'd timer per connection, armed for the earliest deadline; when it fires
 * it expires what is due (a scan: at most `maxPeerCalls`) and re-arms for the next.
 */
export class PeerCalls {
  private readonly wire: PeerWire;
  private readonly defaultTimeout: number;
  private readonly max: number;
  private readonly stats: PeerStats;
  private readonly pending = new Map<number, PendingPeerCall>();
  private nextId = 1;
  private timer: NodeJS.Timeout | null = null;
  /** The deadline the timer is armed for. */
  private armedFor = Number.POSITIVE_INFINITY;
  private readonly sweepBound = (): void => this.sweep();
  /** Set once the connection closed: every later call rejects with it. */
  private closedWith: Error | null = null;

  constructor(wire: PeerWire, defaultTimeout: number, max: number, stats: PeerStats) {
    this.wire = wire;
    this.defaultTimeout = defaultTimeout;
    this.max = max;
    this.stats = stats;
  }

  /** Calls waiting for an answer. */
  get size(): number {
    return this.pending.size;
  }

  call(method: string, params: unknown, options: PeerCallOptions | undefined): Promise<unknown> {
    let timeout = this.defaultTimeout;
    let signal: AbortSignal | null = null;
    let text: string;
    try {
      if (typeof method !== 'string') {
        throw optionError(`method must be a string, got ${describe(method)}`);
      }
      if (options !== undefined) {
        checkOptions(options, CALL_OPTIONS, 'peer.call() options');
        if (options.timeout !== undefined) timeout = checkTime('timeout', options.timeout);
        signal = checkSignal(options.signal);
      }
      if (this.closedWith !== null) throw this.closedWith;
      if (signal?.aborted) {
        throw new AbortError(
          signal.reason,
          `${method} to the peer was aborted by its signal before it was sent (see cause)`,
        );
      }
      if (this.pending.size >= this.max) {
        this.stats.peerCallRefused();
        throw new TooManyPeerCallsError(this.max);
      }
      text = encodeRequest(method, params, this.nextId);
    } catch (error) {
      return Promise.reject(error);
    }
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const call = new PendingPeerCall(this, id, method, signal, timeout, resolve, reject);
      this.pending.set(id, call);
      // Stryker disable next-line EqualityOperator: re-arming for the same deadline fires at the same time
      if (call.deadline < this.armedFor) this.arm(call.deadline);
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, and settle() removes the listener
      if (signal !== null) signal.addEventListener('abort', call, { once: true });
      if (this.wire.write(text)) this.stats.peerCallSent();
      // Stryker disable next-line LogicalOperator: defensive: PeerLink's write() fails only once it is closed, when closedWith is set and call() rejected above
      else this.settle(call, this.closedWith ?? new DisconnectedError(CLOSED), UNSENT);
    });
  }

  /** Sends a notification; false when the connection can no longer send. */
  notify(method: string, params: unknown): boolean {
    if (typeof method !== 'string') {
      throw optionError(`method must be a string, got ${describe(method)}`);
    }
    // Once the connection closed the wire refuses the write (false).
    return this.wire.write(encodeNotification(method, params));
  }

  /**
   * A response arrived on the connection: settles the call it answers. False when no pending call
   * has its id (the server never sent it, or it settled already): the caller counts it as ignored.
   */
  answer(message: Record<string, unknown>): boolean {
    const id = message['id'];
    // Stryker disable next-line ConditionalExpression: a fast path: the map's keys are numbers, so any other id finds no call either
    if (typeof id !== 'number') return false;
    const call = this.pending.get(id);
    if (call === undefined) return false;
    if (Object.hasOwn(message, 'error')) {
      this.settle(call, RpcError.fromObject(message['error']), FAILED);
    } else {
      this.settle(call, message['result'], ANSWERED);
    }
    return true;
  }

  /** The connection closed: every pending call rejects with `error`, and so do later ones. */
  close(error: Error): void {
    // Stryker disable next-line ConditionalExpression: PeerLink.close() calls it once (its own closeReason guard)
    if (this.closedWith !== null) return;
    this.closedWith = error;
    for (const call of [...this.pending.values()]) this.settle(call, error, ABANDONED);
  }

  private arm(deadline: number): void {
    clearTimeout(this.timer ?? undefined);
    this.armedFor = deadline;
    this.timer = setTimeout(this.sweepBound, Math.max(1, deadline - Date.now()));
    this.timer.unref();
  }

  /** The timer fired: every call past its deadline rejects; re-armed for the next one. */
  private sweep(): void {
    this.timer = null;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const call of [...this.pending.values()]) {
      if (call.deadline <= now) {
        this.settle(call, new PeerTimeoutError(call.method, call.timeout), TIMED_OUT);
      } else if (call.deadline < next) {
        next = call.deadline;
      }
    }
    // A finite next is the deadline of a call still pending.
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }

  /**
   * Settles `call` once: off the map, its signal listener gone (the timer with the last one),
   * counted by `outcome`; it resolves with `value` when ANSWERED, else rejects with it.
   */
  settle(call: PendingPeerCall, value: unknown, outcome: PeerCallOutcome): void {
    // Stryker disable next-line ConditionalExpression: defensive: each call is settled while in the map (answer() and the sweep look it up, close() walks it, settle() removes the abort listener)
    if (this.pending.get(call.id) !== call) return;
    this.pending.delete(call.id);
    if (this.pending.size === 0) {
      clearTimeout(this.timer ?? undefined);
      this.timer = null;
      this.armedFor = Number.POSITIVE_INFINITY;
    }
    if (call.signal !== null) call.signal.removeEventListener('abort', call);
    this.stats.peerCallSettled(outcome);
    if (outcome === ANSWERED) call.resolve(value);
    else call.reject(value);
  }
}

const CLOSED =
  'The connection closed before the peer answered this call; it may or may not have run there';

/** A JSON-RPC request's text; throws a TypeError when `params` is not an object, array or undefined. */
function encodeRequest(method: string, params: unknown, id: number): string {
  checkParams(params);
  // JSON.stringify leaves out params: undefined.
  return JSON.stringify({ jsonrpc: '2.0', method, params, id });
}

/** A JSON-RPC notification's text. */
export function encodeNotification(method: string, params: unknown): string {
  checkParams(params);
  return JSON.stringify({ jsonrpc: '2.0', method, params });
}

function checkParams(params: unknown): void {
  if (params !== undefined && (typeof params !== 'object' || params === null)) {
    throw optionError(
      `params must be an object, an array or undefined (JSON-RPC 2.0 §4.2), got ${describe(params)}`,
    );
  }
}
