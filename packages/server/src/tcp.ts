import type { Socket } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import {
  createDecoder,
  type DecoderHandlers,
  type FrameDecoder,
  type FrameParseError,
  type FramingError,
  frame,
} from '@rerpc/codec';
import type { Core } from './core.js';
import { DisconnectedError } from './errors.js';
import { ReadGate } from './read-gate.js';
import type { Channel, ChannelTransport } from './transport.js';
import { malformedHeader, messageTooLarge, undecodable } from './wire.js';

/**
 * After the server half-closes a connection and its last byte is flushed, how long it waits for
 * the peer to close its side before destroying the socket. Closing at once could reset the
 * connection (RST) while the peer still has our last answers unread.
 */
export const LINGER_MS = 2000;

/**
 * A framed answer this long (UTF-16 units) is written as its own chunk (one `writev` per flush)
 * instead of being appended to the tick's string: concatenating large answers cost 35-45% more
 * server CPU per 10 KB echo (the rope is flattened and copied again), while small answers are
 * cheapest joined (100 × Add: 1.6 µs a call joined vs 2.0 µs as separate chunks). Measured with a
 * raw pipelined client, Node 20.
 */
const OWN_CHUNK = 4096;

/** A closing connection's grace period is extended at most this many times while requests arrive. */
const MAX_GRACE_EXTENSIONS = 8;

/** What a connection tells the TCP listener that owns it. */
export interface ConnectionOwner {
  connectionClosed(connection: Connection): void;
}

/**
 * One TCP connection: decodes frames into its channel, frames and writes the channel's answers
 * (all answers of one tick in one `write`), and turns the channel's and the socket's
 * backpressure into `pause()`/`resume()`.
 */
export class Connection implements ChannelTransport, DecoderHandlers {
  readonly socket: Socket;
  readonly remoteAddress: string | null;
  readonly kind: 'tcp' | 'tls' | 'unix';
  private readonly core: Core;
  private readonly owner: ConnectionOwner;
  private readonly channel: Channel;
  private readonly decoder: FrameDecoder;
  private readonly ndjson: boolean;
  /** Small framed answers waiting for this tick's flush, joined. */
  private out = '';
  /** Large answers (and the small ones before them), in order, when the tick has any. */
  private chunks: string[] = [];
  private flushQueued = false;
  /** The channel has ended: after the grace period, flush, then `socket.end()`. */
  private ending = false;
  /** Our FIN is queued: nothing more is sent, and what is read is never run. */
  private ended = false;
  /** The decoder hit an error that ends the stream (oversize, bad header): no grace period. */
  private fatal = false;
  private grace: NodeJS.Timeout | null = null;
  /** Messages read since the grace period was (re)armed: all of them refused. */
  private graceReads = 0;
  /** Times the grace period was extended because requests kept arriving. */
  private graceExtensions = 0;
  /** Armed while answers wait in the socket's buffer: the peer must read some within idleTimeout. */
  private stall: NodeJS.Timeout | null = null;
  /** Bytes the socket had passed on (written minus buffered) when `stall` was armed. */
  private stallMark = 0;
  private readonly gate: ReadGate;
  private linger: NodeJS.Timeout | null = null;
  private readonly flushBound = (): void => this.flush();
  private readonly graceBound = (): void => this.onGrace();
  private readonly graceCheckBound = (): void => this.graceCheck();
  private readonly stallBound = (): void => this.onStall();

  constructor(core: Core, owner: ConnectionOwner, socket: Socket) {
    this.core = core;
    this.owner = owner;
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress ?? null;
    this.kind = isTls(socket) ? 'tls' : socket.remoteAddress === undefined ? 'unix' : 'tcp';
    const options = core.options;
    this.ndjson = options.framing === 'ndjson';
    this.decoder = createDecoder(options.framing, this, {
      maxMessageBytes: options.maxMessageBytes,
      maxDepth: options.maxDepth,
    });
    this.gate = new ReadGate(socket);
    this.channel = core.openChannel(this);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('drain', () => {
      this.gate.setWrite(false);
      this.channel.drained();
    });
    socket.on('finish', () => this.onFinish());
    socket.on('close', () => this.onClose());
    // A reset or a write after the peer left: 'close' follows and cleans up.
    socket.on('error', noop);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: socket.setTimeout(0) turns Node's idle timer off, so doing it (and listening for a 'timeout' that never comes) for idleTimeout 0 changes nothing
    if (options.idleTimeout > 0) {
      socket.setTimeout(options.idleTimeout);
      socket.on('timeout', () => this.onTimeout());
    }
  }

  // DecoderHandlers

  onMessage(value: unknown): void {
    // Stryker disable next-line ConditionalExpression: reads counted before end() are zeroed when the grace period is armed
    if (this.ending) this.graceReads++;
    this.channel.receive(value);
  }

  onParseError(error: FrameParseError): void {
    this.channel.sendError(undecodable(error, this.core.options.maxDepth));
  }

  onOversize(): void {
    this.fatal = true;
    this.decoder.stop();
    this.channel.sendError(messageTooLarge(this.core.options.maxMessageBytes, true));
    this.channel.end();
  }

  onFramingError(error: FramingError): void {
    this.fatal = true;
    this.channel.sendError(malformedHeader(error, 'connection'));
    this.channel.end();
  }

  // ChannelTransport

  peerCertificate(): PeerCertificate | null {
    return certificateOf(this.socket);
  }

  /** This tick's frames and the socket's buffer reach its high-water mark: events wait. */
  congested(): boolean {
    const socket = this.socket;
    let queued = this.out.length + socket.writableLength;
    for (const chunk of this.chunks) queued += chunk.length;
    return this.ended || queued >= socket.writableHighWaterMark;
  }

  send(text: string): void {
    // Stryker disable next-line ConditionalExpression: defensive: the channel sends nothing once it ended the transport (nothing in flight) or a FIN destroyed it
    if (this.ended) return;
    const framed = this.ndjson ? `${text}\n` : frame('content-length', text);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: only how the bytes are joined (one string or a corked writev; speed, see OWN_CHUNK), not what is sent nor its order
    if (framed.length < OWN_CHUNK) {
      this.out += framed;
    } else {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: an empty chunk writes nothing
      if (this.out.length > 0) this.chunks.push(this.out);
      this.out = '';
      this.chunks.push(framed);
    }
    // Stryker disable next-line ConditionalExpression: a second flush queued in one tick finds nothing left to write
    if (!this.flushQueued) {
      // Stryker disable next-line BooleanLiteral: every send() then queues a flush; the first writes everything, the others find nothing
      this.flushQueued = true;
      // nextTick, not setImmediate: the answers of one read are all sent by then (a setImmediate
      // costs ~1 µs more latency per call at 1 in flight), and it runs before the next read.
      process.nextTick(this.flushBound);
    }
  }

  pause(): void {
    this.gate.setCore(true);
  }

  resume(): void {
    this.gate.setCore(false);
  }

  /**
   * The channel has nothing in flight and only refuses from now on. Keep reading for `closeGrace`
   * ms, answering -32002 to whatever arrives, then half-close: a request crossing our FIN could
   * not be told from one that ran, while one answered -32002 is known not to have run, and a
   * rerpc client that has seen a -32002 knows that nothing unanswered at our FIN ran either.
   */
  /** The server abandoned the channel (`close()` timed out): reset, never FIN (see `resetSocket`). */
  destroyed(): void {
    // Stryker disable next-line ConditionalExpression: resetSocket() on a destroyed socket only destroys it again
    if (!this.socket.destroyed) resetSocket(this.socket);
  }

  end(): void {
    // Stryker disable next-line ConditionalExpression: the channel calls end() once (its finish() runs once)
    if (this.ending) return;
    this.ending = true;
    const grace = this.core.options.closeGrace;
    if (grace === 0 || this.fatal || this.socket.readableEnded) {
      this.halfClose();
      return;
    }
    this.armGrace();
  }

  private armGrace(): void {
    this.graceReads = 0;
    this.grace = setTimeout(this.graceBound, this.core.options.closeGrace);
    this.grace.unref();
  }

  /**
   * The grace period passed. Timers run before the loop's reads, so a busy process would FIN with
   * requests still unread in the kernel: read once more (setImmediate runs after the reads), and
   * extend the period while requests keep arriving (a few times; close()'s timeout bounds it too).
   */
  private onGrace(): void {
    this.grace = null;
    setImmediate(this.graceCheckBound);
  }

  private graceCheck(): void {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: halfClose() again on an ended or destroyed connection writes nothing (flush() checks both)
    if (this.ended || this.socket.destroyed) return;
    if (this.graceReads > 0 && this.graceExtensions < MAX_GRACE_EXTENSIONS) {
      this.graceExtensions++;
      this.armGrace();
      return;
    }
    this.halfClose();
  }

  private halfClose(): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: clearTimeout(null) does nothing, and a grace timer left running finds the connection ended (graceCheck returns)
    if (this.grace !== null) clearTimeout(this.grace);
    this.grace = null;
    this.ended = true;
    // Bytes read from now on are never run (nor answered: our FIN is on its way).
    this.decoder.stop();
    // Stryker disable next-line ConditionalExpression: flushing now rather than in the queued flush writes the same bytes in the same order; that flush then finds nothing
    if (!this.flushQueued) this.flush();
  }

  /**
   * Writes this tick's answers in one `write` (or one corked `writev` when some are large); the
   * socket's buffer filling up pauses reading.
   */
  private flush(): void {
    this.flushQueued = false;
    const socket = this.socket;
    // Stryker disable next-line ConditionalExpression: a write to a destroyed socket only errors into the noop listener; its timers find it destroyed
    if (socket.destroyed) {
      this.out = '';
      this.chunks = [];
      return;
    }
    // Stryker disable next-line BooleanLiteral: a flush with nothing to write comes only from halfClose(), which ends the socket with reads already stopped
    let ok = true;
    // Stryker disable ConditionalExpression,EqualityOperator: the same bytes either way: without large answers the corked branch writes the joined string alone, and an empty chunk or string writes nothing
    if (this.chunks.length > 0) {
      const chunks = this.chunks;
      if (this.out.length > 0) chunks.push(this.out);
      this.out = '';
      this.chunks = [];
      socket.cork();
      for (const chunk of chunks) ok = socket.write(chunk);
      socket.uncork();
    } else if (this.out.length > 0) {
      const out = this.out;
      this.out = '';
      ok = socket.write(out);
    }
    // Stryker restore ConditionalExpression,EqualityOperator
    if (!ok) {
      if (socket.writableLength > this.core.options.maxWriteBufferBytes) {
        // The peer does not read its answers: drop it rather than hold them all. A reset, not a
        // FIN: a FIN from this server means "every call I ran was answered".
        resetSocket(socket);
        return;
      }
      this.gate.setWrite(true);
    }
    if (socket.writableLength > 0 && this.stall === null) this.armStall();
    if (this.ended && !socket.writableEnded) socket.end();
    // Written without filling the socket: subscription events held for this flush go on.
    else if (ok) this.channel.drained();
  }

  /**
   * Node's socket timeout ignores its first expiry whenever the write queue changed since the last
   * check, so a peer that never reads was dropped after about twice idleTimeout: this timer
   * watches progress itself.
   */
  private armStall(): void {
    const timeout = this.core.options.idleTimeout;
    if (timeout === 0) return;
    const socket = this.socket;
    this.stallMark = socket.bytesWritten - socket.writableLength;
    this.stall = setTimeout(this.stallBound, timeout);
    this.stall.unref();
  }

  private onStall(): void {
    this.stall = null;
    const socket = this.socket;
    if (socket.destroyed || socket.writableLength === 0) return;
    if (socket.bytesWritten - socket.writableLength === this.stallMark) {
      // Not one byte of our answers was taken in idleTimeout: the peer is not reading.
      resetSocket(socket);
      return;
    }
    this.armStall();
  }

  private onData(chunk: Buffer): void {
    const stats = this.core.stats;
    stats.beginBurst();
    try {
      this.decoder.push(chunk);
    } finally {
      stats.endBurst();
    }
  }

  /**
   * The peer shut down its sending side. A final line without `\n` is still decoded. With
   * allowHalfOpen its calls are answered, then the connection ends; without, the peer is taken to
   * be gone: what is answered already is flushed, the rest is aborted.
   */
  private onEnd(): void {
    const core = this.core;
    core.stats.beginBurst();
    try {
      this.decoder.end();
    } finally {
      core.stats.endBurst();
    }
    if (core.options.allowHalfOpen) {
      this.channel.end();
      // The peer sends nothing more: no reason to wait out a grace period.
      if (this.grace !== null) this.halfClose();
      return;
    }
    this.channel.destroy(
      new DisconnectedError(
        'The peer closed its side of the connection before this call was answered; stop the work (set allowHalfOpen if peers half-close and still expect answers)',
      ),
    );
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: after halfClose() below (decoder stopped, channel destroyed) nothing reads `ending` again
    if (!this.ending) this.ending = true;
    this.halfClose();
  }

  private onFinish(): void {
    if (this.socket.destroyed) return;
    this.linger = setTimeout(destroySocket, LINGER_MS, this.socket);
    this.linger.unref();
  }

  /**
   * No traffic for idleTimeout: a connection with nothing in flight is closed; one whose peer
   * stopped reading its answers, or that we already half-closed, is destroyed; one with calls
   * running is left alone (their answers are traffic that re-arms the timer).
   */
  private onTimeout(): void {
    const socket = this.socket;
    if (socket.writableLength > 0) {
      // Answers wait to be read: the stall timer judges the peer (this event comes late for it).
      return;
    }
    if (this.ended) {
      socket.destroy();
      return;
    }
    if (this.channel.busy) return;
    this.channel.end();
  }

  private onClose(): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: clearTimeout(null) does nothing, and a linger timer left running destroys a socket already destroyed
    if (this.linger !== null) clearTimeout(this.linger);
    this.linger = null;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: clearTimeout(null) does nothing, and a grace timer left running finds the socket destroyed (graceCheck returns)
    if (this.grace !== null) clearTimeout(this.grace);
    this.grace = null;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: clearTimeout(null) does nothing, and a stall timer left running finds the socket destroyed (onStall returns)
    if (this.stall !== null) clearTimeout(this.stall);
    this.stall = null;
    // Stryker disable next-line StringLiteral: after 'close' nothing is written: flush() empties out on a destroyed socket
    this.out = '';
    // Stryker disable next-line ArrayDeclaration: after 'close' nothing is written: flush() empties chunks on a destroyed socket
    this.chunks = [];
    this.channel.destroy(new DisconnectedError());
    this.owner.connectionClosed(this);
  }
}

function noop(): void {}

function isTls(socket: Socket): socket is TLSSocket {
  return (socket as Partial<TLSSocket>).encrypted === true;
}

/** The TLS client certificate of `socket`, or `null` (not TLS, or the client sent none). */
export function certificateOf(socket: Socket): PeerCertificate | null {
  if (!isTls(socket)) return null;
  const certificate = socket.getPeerCertificate();
  // An empty object when the client sent no certificate.
  return certificate !== null && Object.keys(certificate).length > 0 ? certificate : null;
}

/**
 * Destroys with a TCP reset (RST), so the peer can tell abandonment from our graceful FIN; a Unix
 * socket or pipe has no reset and is just destroyed.
 */
export function resetSocket(socket: Socket): void {
  // After our FIN (shutdown requested) libuv refuses the reset (EINVAL) and Node then never emits
  // 'close', so close({ timeout }) waited forever on a socket in its linger: just destroy it.
  if (socket.writableEnded) {
    socket.destroy();
    return;
  }
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

function destroySocket(socket: Socket): void {
  socket.destroy();
}
