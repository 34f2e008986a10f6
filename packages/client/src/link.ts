import type { SharedPool } from '@rerpc/conn-pool';
import type { Call } from './call.js';
import { PendingTable } from './pending.js';
import type { EndpointStats } from './stats.js';
import { nextTick } from './timers.js';

/** What a link reports to its client. */
export interface LinkHost {
  /** One decoded message (already `JSON.parse`d) arrived on `link`. */
  message(link: Link, value: unknown): void;
  /** A message that could not be decoded (dropped, counted). */
  unreadable(link: Link): void;
  /**
   * The link is unusable (`error` says why): fail or retry what is on it. `notRun`: the server
   * ran none of the calls still pending on it.
   */
  lost(link: Link, error: Error, notRun?: boolean): void;
  /** The write that carried `notes` (notifications) finished, with `error` if it failed. */
  written(link: Link, notes: Call[], error: Error | null | undefined): void;
  /**
   * Some calls of a link that stays usable failed on their own (the POST that carried them, on
   * an HTTP target): each is failed or retried. `sent`: they may have run. `retry`: -1 never
   * retries them, else the least backoff (ms) before a retry (the server's `Retry-After`).
   */
  failed(link: Link, calls: readonly Call[], error: Error, sent: boolean, retry: number): void;
  /** `performance.now()` for the responses of one chunk, read once per chunk. */
  clock: number;
}

/**
 * Something that carries calls to the server and brings their answers back, matched by id: a
 * TCP connection, a WebSocket, or an HTTP origin. The client only speaks to this interface (and
 * to the {@link LinkSet} that leases links), so every transport feeds one call lifecycle.
 */
export interface Link {
  /** Calls (and each request of a batch) awaiting an answer, by id. */
  readonly pending: PendingTable;
  /** Write generation: see {@link QueuedLink.gen}. */
  gen: number;
  /** `write()` returned false: the link's buffer is full (it is chosen last). */
  blocked: boolean;
  /** Destroyed by the pool, or lost: nothing more is sent on it or reported from it. */
  dead: boolean;
  /** It answered -32002 itself: a close after that means the calls still pending did not run. */
  refusedSeen: boolean;
  /** Takes the call's request (and its ids into `pending`). */
  carry(call: Call): void;
  /**
   * Forgets the call's ids: a late answer to it is then unknown here. With `cancel`, each id it
   * still awaited an answer for is followed by that notification (where the link can send one).
   */
  forget(call: Call, cancel?: ((id: number) => string) | null): void;
  /** Whether the request of `call` left the client: then it may have reached the server. */
  wrote(call: Call): boolean;
  /** Empties a lost link: returns the calls it carried (a batch once per request). */
  release(): Call[];
  /**
   * Queues a message that is not a call of ours (an answer to the server's request, a
   * notification) for this tick's write; false where nothing can be sent back (HTTP: each answer
   * ends its exchange) or the link is dead.
   */
  respond(text: string): boolean;
  /** How the link reaches the server, for a handler's `ctx.link`. */
  readonly info: LinkInfo;
}

/** Which kind of connection a link is, and the server's address on it (`ctx.link`). */
export interface LinkInfo {
  /** `'tcp'`, `'tls'`, `'unix'` (a Unix socket or Windows pipe), `'ws'`, `'wss'` or `'http'`. */
  readonly transport: 'tcp' | 'tls' | 'unix' | 'ws' | 'wss' | 'http' | 'stream';
  /** The server's address (`host:port`, the socket path or the URL). */
  readonly address: string;
}

/** What the client does with what arrives on a link besides its answers (peer-client.ts). */
export interface PeerSide {
  /** A request or notification from the server arrived on `link`. */
  received(link: Link, message: Record<string, unknown>): void;
  /** `link` closed: the server's calls on it, and the subscriptions on it, are over. */
  closed(link: Link): void;
  /**
   * A PINNED call was answered `result` on `link`, and passes on the lease it held there: returns
   * the value its promise resolves with. Called at once (before a later message on `link`), so
   * what it opened takes the events that follow the answer.
   */
  pinned(link: Link, result: unknown): unknown;
}

/**
 * The part of @rerpc/conn-pool's shared pool the client uses: how it gets and returns links. A
 * client of several servers has a Balancer (balancer.ts) here: `retireAll(from)` then retires the
 * links to `from`'s server only, and `endpoints()` reports each server.
 */
export interface LinkSet
  extends Pick<SharedPool<Link>, 'lease' | 'unlease' | 'wait' | 'destroy' | 'close' | 'stats'> {
  /** Retires the links to the server behind `from` (every link where there is one server). */
  retireAll(from?: Link): void;
  /** Per-server stats, where there are several servers. */
  endpoints?(): EndpointStats[];
  /** A call on `link` timed out (its lease ends right after): where there are several servers. */
  timedOut?(link: Link): void;
}

/** Takes the call's ids off `pending` (those still mapped to it): a late answer is then unknown. */
export function forgetIds(pending: PendingTable, call: Call): void {
  // Stryker disable next-line EqualityOperator: the id past the call's is another call's or none, which the check below skips
  for (let k = 0; k < call.ids; k++) {
    // Stryker disable next-line ConditionalExpression: ids are unique per client: one of the call's maps to it or to nothing
    if (pending.get(call.id + k) === call) pending.take(call.id + k);
  }
}

/**
 * A link over one stream-like socket: requests queued in one tick leave in one write (flushed
 * from `process.nextTick`), so a wave of calls costs one syscall. A subclass says how the queued
 * texts are written ({@link QueuedLink.write}) and whether the socket still takes writes.
 */
export abstract class QueuedLink implements Link {
  readonly host: LinkHost;
  readonly pending = new PendingTable();
  readonly info: LinkInfo;
  /**
   * Messages queued for the next write, joined once when it is flushed. Measured against
   * `out += frame` (a rope flattened by the write): ~8% less client CPU per call at 100 in flight.
   */
  out: string[] = [];
  /** Notifications in `out`: they resolve when the write that carries them finishes. */
  outNotes: Call[] | null = null;
  /**
   * autoBatch: the requests of single calls and notifications queued this tick, sent as JSON-RPC
   * batches of up to {@link QueuedLink.batchMax} items ahead of `out` (so a cancel in `out` still
   * follows its request). Empty unless batching is on.
   */
  grouped: string[] = [];
  /** The most items in one automatic batch; 0 or 1: every request leaves as its own message. */
  readonly batchMax: number;
  /**
   * Write generation: a request queued now is tagged with it, and every write bumps it, so a
   * request whose tag still equals `gen` has not been handed to the socket yet (it provably did
   * not reach the server). No per-request bookkeeping at write time.
   */
  gen = 0;
  flushing = false;
  blocked = false;
  dead = false;
  refusedSeen = false;
  readonly flush = (): void => this.doFlush();

  constructor(host: LinkHost, info: LinkInfo, batchMax = 0) {
    this.host = host;
    this.info = info;
    this.batchMax = batchMax;
  }

  /**
   * Hands the queued texts to the socket; `notes` (or null) settle with the write's outcome
   * through `host.written()`. Returns false when the socket's buffer is full.
   */
  protected abstract write(out: string[], notes: Call[] | null): boolean;
  /** Whether the socket still takes writes. */
  protected abstract writable(): boolean;

  /**
   * Takes the call's request for this tick's write, and its ids (a batch has one per request)
   * into `pending`. A notification, or a batch of them (nothing answers), is reported to
   * `host.written()` with the write that carries it instead.
   */
  carry(call: Call): void {
    const ids = call.ids;
    // Stryker disable next-line ConditionalExpression: a fast path: the loop sets the same one id
    if (ids === 1) this.pending.set(call.id, call);
    else for (let k = 0; k < ids; k++) this.pending.set(call.id + k, call);
    if (ids === 0) {
      if (this.outNotes === null) this.outNotes = [call];
      else this.outNotes.push(call);
    }
    if (this.batchMax > 1 && call.batch === null) this.grouped.push(call.text);
    else this.out.push(call.text);
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a flush scheduled twice (or while blocked) finds nothing to write the second time
    if (!this.flushing && !this.blocked) {
      // Stryker disable next-line BooleanLiteral: a flush scheduled twice finds nothing to write the second time
      this.flushing = true;
      nextTick(this.flush);
    }
  }

  forget(call: Call, cancel: ((id: number) => string) | null = null): void {
    if (cancel === null) {
      forgetIds(this.pending, call);
      return;
    }
    // Queued after the request (FIFO), so the server reads the cancel once it knows the call.
    // Stryker disable next-line EqualityOperator: the id past the call's is another call's or none, which the check below skips
    for (let k = 0; k < call.ids; k++) {
      const id = call.id + k;
      if (this.pending.get(id) !== call) continue;
      this.pending.take(id);
      this.respond(cancel(id));
    }
  }

  respond(text: string): boolean {
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: no caller reads the result, and a dead link is never flushed
    if (this.dead) return false;
    this.out.push(text);
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a flush scheduled twice (or while blocked) finds nothing to write the second time
    if (!this.flushing && !this.blocked) {
      // Stryker disable next-line BooleanLiteral: a flush scheduled twice finds nothing to write the second time
      this.flushing = true;
      nextTick(this.flush);
    }
    // Stryker disable next-line BooleanLiteral: no caller reads the result (inbound.ts answers and forget()'s cancels)
    return true;
  }

  /**
   * Whether the request of `call` (queued at its `gen`) was handed to the socket: then it may
   * have reached the server. One compare, no bookkeeping per write.
   */
  wrote(call: Call): boolean {
    return call.gen !== this.gen;
  }

  /**
   * Empties the link once it is lost: returns the calls it carried (awaiting an answer, a batch
   * once per request, or a notification not yet written) and drops what was not written.
   */
  release(): Call[] {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArrayDeclaration: drain() of an empty table is [] too; lost() skips what is not a call on this link
    const calls = this.pending.size > 0 ? this.pending.drain() : [];
    const notes = this.outNotes;
    if (notes !== null) for (const note of notes) calls.push(note);
    this.outNotes = null;
    // Stryker disable next-line ArrayDeclaration: a released link is dead: never flushed again
    this.out = [];
    // Stryker disable next-line ArrayDeclaration: a released link is dead: never flushed again
    this.grouped = [];
    return calls;
  }

  /**
   * The socket's buffer drained: write what was held back (doFlush() returns when nothing is).
   * No flush is ever scheduled at a 'drain': none is while blocked, and one scheduled before ran
   * in the same turn.
   */
  protected drained(): void {
    this.blocked = false;
    this.doFlush();
  }

  private doFlush(): void {
    this.flushing = false;
    if (this.dead || this.blocked || (this.out.length === 0 && this.grouped.length === 0)) return;
    if (!this.writable()) {
      // Nothing queued was handed over: what is in `out` provably never left.
      this.host.lost(this, new Error('the connection was no longer writable'));
      return;
    }
    let out = this.out;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a fast path: no group joins no batch text
    if (this.grouped.length > 0) {
      out = batchTexts(this.grouped, this.batchMax).concat(out);
      this.grouped = [];
    }
    const notes = this.outNotes;
    this.out = [];
    this.outNotes = null;
    // Stryker disable next-line AssignmentOperator: wrote() asks only whether gen changed since the call was queued
    this.gen += 1;
    if (!this.write(out, notes)) this.blocked = true;
  }
}

/**
 * Joins requests (each a JSON text) into JSON-RPC batch texts of up to `max` items; a group of
 * one stays a single request, as it was encoded.
 */
export function batchTexts(texts: readonly string[], max: number): string[] {
  const out: string[] = [];
  for (let from = 0; from < texts.length; from += max) {
    out.push(batchText(texts, from, Math.min(from + max, texts.length)));
  }
  return out;
}

/** One JSON-RPC batch text of `texts[from..to)`; a single request stays as it was encoded. */
export function batchText(texts: readonly string[], from = 0, to = texts.length): string {
  if (to - from === 1) return texts[from]!;
  let body = `[${texts[from]!}`;
  for (let i = from + 1; i < to; i++) body += `,${texts[i]!}`;
  return `${body}]`;
}
