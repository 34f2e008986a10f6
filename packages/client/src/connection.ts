import type { Readable, Writable } from 'node:stream';
import {
  createDecoder,
  type FrameParseError,
  type FrameTooLargeError,
  type Framing,
  type FramingError,
  frame,
} from '@rerpc/codec';
import type { Call } from './call.js';
import { type LinkHost, type LinkInfo, QueuedLink } from './link.js';

/**
 * One TCP (or Unix socket) connection, or a stream pair (a child process's stdout and stdin),
 * carrying many calls at once, matched by id, in NDJSON or Content-Length frames. A socket is
 * both its `input` and its `output`.
 */
export class Connection extends QueuedLink {
  readonly input: Readable;
  readonly output: Writable;
  private readonly decoder;
  private readonly framing: Framing;

  constructor(
    host: LinkHost,
    input: Readable,
    output: Writable,
    framing: Framing,
    maxMessageBytes: number,
    info: LinkInfo,
  ) {
    super(host, info);
    this.input = input;
    this.output = output;
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
    input.on('data', (chunk: Buffer) => {
      host.clock = performance.now();
      this.decoder.push(chunk);
    });
    input.on('end', () => this.ended());
    input.on('error', (error: Error) => host.lost(this, error));
    input.on('close', () => host.lost(this, new Error('the connection closed')));
    output.on('drain', () => this.drained());
    // Stryker disable next-line ConditionalExpression: a socket's own listeners above fire first; lost() on a dead link changes nothing more
    if ((output as unknown) !== input) {
      output.on('error', (error: Error) => host.lost(this, error));
      output.on('close', () => host.lost(this, new Error('the stream closed')));
    }
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

  protected writable(): boolean {
    const output = this.output;
    return !output.destroyed && output.writable;
  }

  protected write(out: string[], notes: Call[] | null): boolean {
    let data: string;
    // Stryker disable next-line ConditionalExpression,StringLiteral: frame('ndjson') writes the same bytes; one join is the fast path
    if (this.framing === 'ndjson') {
      data = `${out.join('\n')}\n`;
    } else {
      data = '';
      for (const json of out) data += frame(this.framing, json);
    }
    return notes === null
      ? this.output.write(data)
      : this.output.write(data, (error) => this.host.written(this, notes, error));
  }
}
