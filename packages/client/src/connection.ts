import type { Socket } from 'node:net';
import {
  createDecoder,
  type FrameParseError,
  type FrameTooLargeError,
  type Framing,
  type FramingError,
  frame,
} from '@rerpc/codec';
import type { Call } from './call.js';
import { PendingTable } from './pending.js';

/** What a connection reports to its client. */
export interface ConnectionHost {
  /** One decoded message (already `JSON.parse`d) arrived on `conn`. */
  message(conn: Connection, value: unknown): void;
  /** A frame that could not be decoded (dropped, counted). */
  unreadable(conn: Connection): void;
  /**
   * The connection is unusable (`error` says why): fail or retry what is on it. `notRun`: the
   * server ran none of the calls still pending on it.
   */
  lost(conn: Connection, error: Error, notRun?: boolean): void;
  /** The write that carried `notes` (notifications) finished, with `error` if it failed. */
  written(conn: Connection, notes: Call[], error: Error | null | undefined): void;
  /** `performance.now()` for the responses of one chunk, read once per chunk. */
  clock: number;
}

/**
 * One socket carrying many calls at once, matched by id. Requests queued in one tick leave in one
 * `socket.write` (flushed from `process.nextTick`), so a wave of calls costs one syscall.
 */
export class Connection {
  readonly host: ConnectionHost;
  readonly socket: Socket;
  /** Calls (and each request of a batch) awaiting an answer, by id. */
  readonly pending = new PendingTable();
  /**
   * Messages queued for the next write, joined once when it is flushed. Measured against
   * `out += frame` (a rope flattened by the write): ~8% less client CPU per call at 100 in flight.
   */
  out: string[] = [];
  /** Notifications in `out`: they resolve when the write that carries them finishes. */
  outNotes: Call[] | null = null;
  /**
   * Write generation: a request queued now is tagged with it, and every write bumps it, so a
   * request whose tag still equals `gen` has not been handed to the socket yet (it provably did
   * not reach the server). No per-request bookkeeping at write time.
   */
  gen = 0;
  flushing = false;
  /** `write()` returned false: hold further frames until 'drain'. */
  blocked = false;
  /** Destroyed by the pool, or lost: nothing more is sent on it or reported from it. */
  dead = false;
  /** It answered -32002 itself: a FIN after that means the calls still pending on it did not run. */
  refusedSeen = false;
  private readonly decoder;
  private readonly framing: Framing;
  readonly flush = (): void => this.doFlush();

  constructor(host: ConnectionHost, socket: Socket, framing: Framing, maxMessageBytes: number) {
    this.host = host;
    this.socket = socket;
    this.framing = framing;
    this.decoder = createDecoder(
      framing,
      {
        onMessage: (value: unknown) => host.message(this, value),
        onParseError: (_error: FrameParseError) => host.unreadable(this),
        onOversize: (error: FrameTooLargeError) => host.lost(this, error),
        onFramingError: (error: FramingError) => host.lost(this, error),
      },
      // No nesting limit on answers (the codec's 128 guards servers from peers): a deep result
      // from the server the caller chose is data, and a refused frame could only time its call out.
      { maxMessageBytes, maxDepth: Number.MAX_SAFE_INTEGER },
    );
    socket.on('data', (chunk: Buffer) => {
      host.clock = performance.now();
      this.decoder.push(chunk);
    });
    socket.on('end', () => this.ended());
    socket.on('error', (error: Error) => host.lost(this, error));
    socket.on('close', () => host.lost(this, new Error('the connection closed')));
    socket.on('drain', () => {
      this.blocked = false;
      if (this.out.length > 0 && !this.flushing) this.doFlush();
    });
  }

  /** Queues one encoded message (without framing) for this tick's write; see carry(). */
  private queue(json: string, note: Call | null): void {
    if (note !== null) {
      if (this.outNotes === null) this.outNotes = [note];
      else this.outNotes.push(note);
    }
    this.out.push(this.framing === 'ndjson' ? json : frame(this.framing, json));
    if (!this.flushing && !this.blocked) {
      this.flushing = true;
      process.nextTick(this.flush);
    }
  }

  /**
   * Takes the call's request for this tick's write, and its ids (a batch has one per request)
   * into `pending`. A notification, or a batch of them (nothing answers), is reported to
   * `host.written()` with the write that carries it instead.
   */
  carry(call: Call): void {
    const ids = call.ids;
    if (ids === 1) this.pending.set(call.id, call);
    else for (let k = 0; k < ids; k++) this.pending.set(call.id + k, call);
    this.queue(call.text, ids === 0 ? call : null);
  }

  /** Forgets the call's ids: a late answer to it is then unknown here. */
  forget(call: Call): void {
    for (let k = 0; k < call.ids; k++) {
      if (this.pending.get(call.id + k) === call) this.pending.take(call.id + k);
    }
  }

  /**
   * Whether the request of `call` (queued at its `gen`) was handed to the socket: then it may
   * have reached the server. One compare, no bookkeeping per write.
   */
  wrote(call: Call): boolean {
    return call.gen !== this.gen;
  }

  /**
   * Empties the connection once it is lost: returns the calls it carried (awaiting an answer, a
   * batch once per request, or a notification not yet written) and drops what was not written.
   */
  release(): Call[] {
    const calls = this.pending.size > 0 ? this.pending.drain() : [];
    const notes = this.outNotes;
    if (notes !== null) for (const note of notes) calls.push(note);
    this.outNotes = null;
    this.out = [];
    return calls;
  }

  /**
   * The server half-closed the connection (its FIN arrived, after every byte it sent). After it
   * answered -32002 on it, a graceful FIN from a rerpc server means every call it ran was
   * answered: the calls still pending did not run. Otherwise (any other server, or a FIN with
   * no -32002 before it) they may have.
   */
  private ended(): void {
    const notRun = this.refusedSeen;
    const what = notRun ? ' after answering -32002, shutting down' : '';
    this.host.lost(this, new Error(`the server closed the connection${what}`), notRun);
  }

  /** Stops decoding: nothing more is delivered from this socket. */
  stop(): void {
    this.decoder.stop();
  }

  private doFlush(): void {
    this.flushing = false;
    if (this.dead || this.blocked || this.out.length === 0) return;
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) {
      // Nothing queued was handed over: what is in `out` provably never left.
      this.host.lost(this, new Error('the connection was no longer writable'));
      return;
    }
    const data = this.framing === 'ndjson' ? `${this.out.join('\n')}\n` : this.out.join('');
    const notes = this.outNotes;
    this.out = [];
    this.outNotes = null;
    this.gen += 1;
    const ok =
      notes === null
        ? socket.write(data)
        : socket.write(data, (error) => this.host.written(this, notes, error));
    if (!ok) this.blocked = true;
  }
}
