import type { Readable, Writable } from 'node:stream';
import {
  createDecoder,
  type DecoderHandlers,
  type FrameDecoder,
  type FrameParseError,
  type Framing,
  type FramingError,
  frame,
} from '@rerpc/codec';
import { checkOptions, describe, optionError } from '@rerpc/internal';
import type { Core } from './core.js';
import { DisconnectedError } from './errors.js';
import { ReadGate } from './read-gate.js';
import type { Channel, ChannelTransport } from './transport.js';
import { malformedHeader, messageTooLarge, undecodable } from './wire.js';

/** What `server.serve()` runs a connection over: a Duplex, or a readable and a writable. */
export type ServeStream = (Readable & Writable) | { readable: Readable; writable: Writable };

/** Options of `server.serve()`. */
export interface ServeOptions {
  /** How JSON texts are delimited on the stream. @default 'content-length' (as LSP) */
  framing?: Framing;
}

const SERVE_OPTIONS: readonly string[] = ['framing'];

/** Resolves `serve()`'s arguments; throws a TypeError naming the problem. */
export function resolveServe(
  stream: unknown,
  options: ServeOptions | undefined,
): { readable: Readable; writable: Writable; framing: Framing } {
  checkOptions(options, SERVE_OPTIONS, 'serve() options');
  const framing = options?.framing ?? 'content-length';
  // Stryker disable next-line ConditionalExpression,BlockStatement: createDecoder() refuses any other framing with this same coded TypeError; checked here only to name it before the stream
  if (framing !== 'ndjson' && framing !== 'content-length') {
    throw optionError(`framing must be 'ndjson' or 'content-length', got ${describe(framing)}`);
  }
  // A primitive has no `on`, `write`, `readable` or `writable`: refused below.
  const s = stream as {
    readable?: unknown;
    writable?: unknown;
    read?: unknown;
    write?: unknown;
  } | null;
  // A Duplex reads and writes: a lone Writable (process.stdout) also has on() and write().
  if (typeof s?.read === 'function' && typeof s.write === 'function') {
    return { readable: stream as Readable, writable: stream as Writable, framing };
  }
  const r = s?.readable as { on?: unknown } | undefined;
  const w = s?.writable as { write?: unknown } | undefined;
  if (typeof r?.on !== 'function' || typeof w?.write !== 'function') {
    throw optionError(`stream must be a Duplex or { readable, writable }, got ${describe(stream)}`);
  }
  return { readable: r as Readable, writable: w as Writable, framing };
}

/** process.stdout/stderr cannot be ended or destroyed without losing the process's output. */
function isStdio(stream: Writable): boolean {
  return stream === process.stdout || stream === process.stderr;
}

/**
 * One connection over a stream pair (stdin/stdout, a child's pipes): the TCP connection's life
 * without a socket. Frames in, framed answers out (one write per tick), backpressure both ways;
 * when the peer ends its side, calls in flight are answered, then the writable side is ended
 * (not process.stdout). `done` resolves once the connection is over.
 */
export class StreamConnection implements ChannelTransport, DecoderHandlers {
  readonly remoteAddress = null;
  readonly kind = 'stream' as const;
  readonly done: Promise<void>;
  private readonly core: Core;
  private readonly readable: Readable;
  private readonly writable: Writable;
  private readonly decoder: FrameDecoder;
  private readonly ndjson: boolean;
  private readonly gate: ReadGate;
  private readonly channel: Channel;
  private out = '';
  private flushQueued = false;
  private ended = false;
  private closed = false;
  private resolveDone!: () => void;
  private readonly flushBound = (): void => this.flush();
  private readonly onData = (chunk: Buffer | string): void => this.decode(chunk);
  private readonly onEnd = (): void => this.peerEnded();
  private readonly onClose = (): void => this.close();
  /** The readable side closing after its 'end' is the usual end: calls in flight are still answered. */
  private readonly onReadableClose = (): void => {
    if (!this.readable.readableEnded) this.close();
  };
  private readonly onDrain = (): void => {
    this.gate.setWrite(false);
    this.channel.drained();
  };

  constructor(core: Core, readable: Readable, writable: Writable, framing: Framing) {
    this.core = core;
    this.readable = readable;
    this.writable = writable;
    this.ndjson = framing === 'ndjson';
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    const o = core.options;
    this.decoder = createDecoder(framing, this, {
      maxMessageBytes: o.maxMessageBytes,
      maxDepth: o.maxDepth,
    });
    this.gate = new ReadGate(readable);
    this.channel = core.openChannel(this);
    readable.on('data', this.onData);
    readable.on('end', this.onEnd);
    readable.on('close', this.onReadableClose);
    readable.on('error', this.onClose);
    writable.on('drain', this.onDrain);
    writable.on('close', this.onClose);
    writable.on('error', this.onClose);
  }

  // DecoderHandlers

  onMessage(value: unknown): void {
    this.channel.receive(value);
  }

  onParseError(error: FrameParseError): void {
    this.channel.sendError(undecodable(error, this.core.options.maxDepth));
  }

  onOversize(): void {
    this.decoder.stop();
    this.channel.sendError(messageTooLarge(this.core.options.maxMessageBytes, true));
    this.channel.end();
  }

  onFramingError(error: FramingError): void {
    this.channel.sendError(malformedHeader(error, 'stream'));
    this.channel.end();
  }

  // ChannelTransport

  send(text: string): void {
    // Stryker disable next-line ConditionalExpression: unreachable, the channel sends nothing once it ended or was destroyed
    if (this.ended) return;
    this.out += this.ndjson ? `${text}\n` : frame('content-length', text);
    // Stryker disable next-line ConditionalExpression: one flush per tick; a second finds nothing to write
    if (!this.flushQueued) {
      // Stryker disable next-line BooleanLiteral: as above
      this.flushQueued = true;
      process.nextTick(this.flushBound);
    }
  }

  congested(): boolean {
    const w = this.writable;
    return this.ended || this.out.length + w.writableLength >= w.writableHighWaterMark;
  }

  pause(): void {
    this.gate.setCore(true);
  }

  resume(): void {
    this.gate.setCore(false);
  }

  /** Nothing in flight and only refusing: flush, end the writable side (not stdout), done. */
  end(): void {
    // Stryker disable next-line ConditionalExpression: a second end() repeats idempotent steps
    if (this.ended) return;
    this.ended = true;
    this.decoder.stop();
    // Stryker disable next-line ConditionalExpression: flushing now or on the queued tick writes the same bytes in the same order
    if (!this.flushQueued) this.flush();
  }

  destroyed(): void {
    // Stryker disable next-line BooleanLiteral: close() below sets it too
    this.ended = true;
    this.out = '';
    if (!isStdio(this.writable)) this.writable.destroy();
    this.readable.destroy();
    this.close();
  }

  private decode(chunk: Buffer | string): void {
    const stats = this.core.stats;
    stats.beginBurst();
    try {
      // Stryker disable next-line ConditionalExpression: Buffer.from() of a Buffer is a copy of the same bytes
      this.decoder.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    } finally {
      stats.endBurst();
    }
  }

  private flush(): void {
    this.flushQueued = false;
    const w = this.writable;
    if (this.out.length > 0 && !w.destroyed && !w.writableEnded) {
      const out = this.out;
      this.out = '';
      if (!w.write(out)) {
        if (w.writableLength > this.core.options.maxWriteBufferBytes) {
          this.channel.destroy(new DisconnectedError('The peer does not read its answers'));
          this.destroyed();
          return;
        }
        this.gate.setWrite(true);
      } else {
        this.channel.drained();
      }
    }
    if (this.ended) this.finish();
  }

  /** The peer ended its side: answer what is in flight, then end ours. */
  private peerEnded(): void {
    this.decoder.end();
    this.channel.end();
  }

  private finish(): void {
    const w = this.writable;
    if (!isStdio(w) && !w.writableEnded && !w.destroyed) w.end();
    this.close();
  }

  private close(): void {
    // Stryker disable next-line ConditionalExpression: a second close() repeats idempotent steps (listeners off, one swallowing listener, channel destroyed, done resolved)
    if (this.closed) return;
    // Stryker disable next-line BooleanLiteral: as above
    this.closed = true;
    // Stryker disable next-line BooleanLiteral: the channel, destroyed below, sends nothing more
    this.ended = true;
    const r = this.readable;
    r.off('data', this.onData);
    r.off('end', this.onEnd);
    r.off('close', this.onReadableClose);
    r.off('error', this.onClose);
    this.writable.off('drain', this.onDrain);
    this.writable.off('close', this.onClose);
    this.writable.off('error', this.onClose);
    // Errors after we let go (EPIPE on a late write) must not crash the process.
    swallowErrors(r);
    swallowErrors(this.writable);
    this.channel.destroy(new DisconnectedError('The stream closed before this call was answered'));
    this.resolveDone();
  }
}

function noop(): void {}

/** Once per stream: stdio served again and again must not collect a listener per connection. */
function swallowErrors(stream: Readable | Writable): void {
  if (!stream.listeners('error').includes(noop)) stream.on('error', noop);
}
