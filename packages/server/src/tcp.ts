import type { Socket } from 'node:net';
import {
  createDecoder,
  type DecoderHandlers,
  type FrameDecoder,
  type FrameParseError,
  type FramingError,
  frame,
} from '@rerpc/codec';
import type { Channel, ChannelTransport } from './channel.js';
import type { Core } from './core.js';
import { DisconnectedError } from './errors.js';
import { messageTooLarge, parseError } from './wire.js';

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
  /** The channel asked to end: flush, then `socket.end()`. */
  private ending = false;
  private ended = false;
  private corePaused = false;
  private writePaused = false;
  private readingPaused = false;
  private linger: NodeJS.Timeout | null = null;
  private readonly flushBound = (): void => this.flush();

  constructor(core: Core, owner: ConnectionOwner, socket: Socket) {
    this.core = core;
    this.owner = owner;
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress ?? null;
    const options = core.options;
    this.ndjson = options.framing === 'ndjson';
    this.decoder = createDecoder(options.framing, this, {
      maxMessageBytes: options.maxMessageBytes,
    });
    this.channel = core.openChannel(this);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('drain', () => this.onDrain());
    socket.on('finish', () => this.onFinish());
    socket.on('close', () => this.onClose());
    // A reset or a write after the peer left: 'close' follows and cleans up.
    socket.on('error', noop);
    if (options.idleTimeout > 0) {
      socket.setTimeout(options.idleTimeout);
      socket.on('timeout', () => this.onTimeout());
    }
  }

  // DecoderHandlers

  onMessage(value: unknown): void {
    this.channel.receive(value);
  }

  onParseError(error: FrameParseError): void {
    this.channel.sendError(
      parseError(
        error.reason === 'utf8'
          ? 'the message is not valid UTF-8'
          : `invalid JSON: ${(error.cause as Error | undefined)?.message ?? 'syntax error'}`,
      ),
    );
  }

  onOversize(): void {
    this.decoder.stop();
    this.channel.sendError(messageTooLarge(this.core.options.maxMessageBytes, true));
    this.channel.end();
  }

  onFramingError(error: FramingError): void {
    this.channel.sendError(
      parseError(
        `malformed Content-Length header ${JSON.stringify(error.header)}; the connection is closed`,
      ),
    );
    this.channel.end();
  }

  // ChannelTransport

  send(text: string): void {
    if (this.ended) return;
    const framed = this.ndjson ? `${text}\n` : frame('content-length', text);
    if (framed.length < OWN_CHUNK) {
      this.out += framed;
    } else {
      if (this.out.length > 0) this.chunks.push(this.out);
      this.out = '';
      this.chunks.push(framed);
    }
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(this.flushBound);
    }
  }

  pause(): void {
    this.corePaused = true;
    this.updateReading();
  }

  resume(): void {
    this.corePaused = false;
    this.updateReading();
  }

  end(): void {
    this.ending = true;
    if (!this.flushQueued) this.flush();
  }

  /**
   * Writes this tick's answers in one `write` (or one corked `writev` when some are large); the
   * socket's buffer filling up pauses reading.
   */
  private flush(): void {
    this.flushQueued = false;
    const socket = this.socket;
    if (socket.destroyed) {
      this.out = '';
      this.chunks = [];
      return;
    }
    let ok = true;
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
    if (!ok) {
      if (socket.writableLength > this.core.options.maxWriteBufferBytes) {
        // The peer does not read its answers: drop it rather than hold them all.
        socket.destroy();
        return;
      }
      if (!this.writePaused) {
        this.writePaused = true;
        this.updateReading();
      }
    }
    if (this.ending && !this.ended) {
      this.ended = true;
      this.decoder.stop();
      socket.end();
    }
  }

  private updateReading(): void {
    const pause = this.corePaused || this.writePaused;
    if (pause === this.readingPaused) return;
    this.readingPaused = pause;
    if (pause) this.socket.pause();
    else this.socket.resume();
  }

  private onData(chunk: Buffer): void {
    const core = this.core;
    core.beginBurst();
    try {
      this.decoder.push(chunk);
    } finally {
      core.endBurst();
    }
  }

  /**
   * The peer shut down its sending side. A final line without `\n` is still decoded. With
   * allowHalfOpen its calls are answered, then the connection ends; without, the peer is taken to
   * be gone: what is answered already is flushed, the rest is aborted.
   */
  private onEnd(): void {
    const core = this.core;
    core.beginBurst();
    try {
      this.decoder.end();
    } finally {
      core.endBurst();
    }
    if (core.options.allowHalfOpen) {
      this.channel.end();
      return;
    }
    this.channel.destroy(
      new DisconnectedError(
        'The peer closed its side of the connection before this call was answered; stop the work (set allowHalfOpen if peers half-close and still expect answers)',
      ),
    );
    this.end();
  }

  private onDrain(): void {
    if (!this.writePaused) return;
    this.writePaused = false;
    this.updateReading();
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
    if (this.ended || socket.writableLength > 0) {
      socket.destroy();
      return;
    }
    if (this.channel.inFlight > 0) return;
    this.channel.end();
  }

  private onClose(): void {
    if (this.linger !== null) clearTimeout(this.linger);
    this.linger = null;
    this.out = '';
    this.chunks = [];
    this.channel.destroy(new DisconnectedError());
    this.owner.connectionClosed(this);
  }
}

function noop(): void {}

function destroySocket(socket: Socket): void {
  socket.destroy();
}
