import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { PeerCertificate } from 'node:tls';
import type { FrameParseError, MessageDecoder, MessageHandlers } from '@rerpc/codec';
import type { WebSocket } from 'ws';
import type { Core } from './core.js';
import { DisconnectedError, ServerClosedError } from './errors.js';
import { ReadGate } from './read-gate.js';
import { certificateOf } from './tcp.js';
import type { Channel, ChannelTransport } from './transport.js';
import { messageTooLarge, undecodable } from './wire.js';

/** The WebSocket close codes the server sends (RFC 6455 §7.4.1), for the README and clients. */
export const WsClose = Object.freeze({
  /** `close()`: every call in flight was answered; reconnect elsewhere. */
  goingAway: 1001,
  /** A binary message: send each JSON text as a text message. */
  unsupportedData: 1003,
  /** `onConnection` refused the connection (nothing it sent was run). */
  policyViolation: 1008,
  /** A message over `maxMessageBytes` (sent by `ws` itself, as `maxPayload`). */
  tooBig: 1009,
} as const);

const BINARY_REASON = 'binary messages are not accepted; send JSON-RPC as text messages';
const GOING_AWAY_REASON = 'the server is shutting down';

/** What a WebSocket connection tells the handler that accepted it. */
export interface WsOwner {
  wsClosed(connection: WsConnection): void;
}

/**
 * One WebSocket connection as a channel's transport: each text message is one JSON text (a message
 * or a batch) fed to the core; each answer is one text message. The answers of one tick are
 * written with the socket corked (one write); when the socket's buffer is full, reading stops
 * until it drains, and past `maxWriteBufferBytes` of unsent answers the connection is terminated.
 */
export class WsConnection implements ChannelTransport, MessageHandlers {
  readonly remoteAddress: string | null;
  readonly kind: 'ws' | 'wss';
  /** The upgrade request's headers (`ctx.peer.headers`). */
  readonly headers: IncomingHttpHeaders;
  readonly socket: Socket;
  private readonly ws: WebSocket;
  private readonly core: Core;
  private readonly owner: WsOwner;
  private readonly decoder: MessageDecoder;
  private readonly channel: Channel;
  private corked = false;
  private readonly gate: ReadGate;
  /** A pong (or any message) came since the last ping. */
  private alive = true;
  private ending = false;
  private grace: NodeJS.Timeout | null = null;
  private readonly uncorkBound = (): void => this.uncork();
  private readonly graceBound = (): void => this.goAway();

  constructor(
    core: Core,
    owner: WsOwner,
    ws: WebSocket,
    socket: Socket,
    decoder: MessageDecoder,
    headers: IncomingHttpHeaders,
  ) {
    this.core = core;
    this.headers = headers;
    this.kind = (socket as { encrypted?: boolean }).encrypted === true ? 'wss' : 'ws';
    this.owner = owner;
    this.ws = ws;
    this.socket = socket;
    this.decoder = decoder;
    this.remoteAddress = socket.remoteAddress ?? null;
    this.gate = new ReadGate(ws);
    this.channel = core.openChannel(this);
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onWsMessage(data, isBinary));
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('close', () => this.onClose());
    // A protocol error or a reset: 'close' follows.
    ws.on('error', noop);
    socket.on('drain', () => {
      this.gate.setWrite(false);
      this.channel.drained();
    });
  }

  private onWsMessage(data: Buffer, isBinary: boolean): void {
    this.alive = true;
    if (isBinary) {
      this.channel.destroy(
        new DisconnectedError(`The peer sent a binary message: ${BINARY_REASON}`),
      );
      this.ws.close(WsClose.unsupportedData, BINARY_REASON);
      return;
    }
    const stats = this.core.stats;
    stats.beginBurst();
    try {
      this.decoder.decode(data, this);
    } finally {
      stats.endBurst();
    }
  }

  // MessageHandlers

  onMessage(value: unknown): void {
    this.channel.receive(value);
  }

  onParseError(error: FrameParseError): void {
    this.channel.sendError(undecodable(error, this.core.options.maxDepth));
  }

  // Stryker disable all: not reached: ws refuses a message over maxPayload (= maxMessageBytes) before the decoder sees it
  /** Not reached: ws's `maxPayload` is `maxMessageBytes` and closes with 1009 first. */
  onOversize(): void {
    this.channel.sendError(messageTooLarge(this.core.options.maxMessageBytes, false));
  }
  // Stryker restore all

  // ChannelTransport

  peerCertificate(): PeerCertificate | null {
    return certificateOf(this.socket);
  }

  /** The socket's buffer (this tick's corked frames included) reached its high-water mark. */
  congested(): boolean {
    const socket = this.socket;
    return this.ws.readyState !== 1 || socket.writableLength >= socket.writableHighWaterMark;
  }

  send(text: string): void {
    if (this.ws.readyState !== 1) return;
    if (!this.corked) {
      // Stryker disable next-line BooleanLiteral: a flag only: another cork() and nextTick uncork() in the same tick still write once, at the last uncork()
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncorkBound);
    }
    this.ws.send(text);
  }

  pause(): void {
    this.gate.setCore(true);
  }

  resume(): void {
    this.gate.setCore(false);
  }

  /**
   * The channel has nothing in flight and only refuses from now on (`close()`): keep reading for
   * `closeGrace`, answering -32002 to what arrives, then close with 1001.
   */
  end(): void {
    if (this.ending) return;
    // Stryker disable next-line BooleanLiteral: the channel calls end() once (finish() runs only from ENDING, and leaves it)
    this.ending = true;
    const grace = this.core.options.closeGrace;
    // Stryker disable next-line BlockStatement: a 0 ms grace timer closes one timer turn later with the same 1001 frame
    if (grace === 0) {
      this.goAway();
      return;
    }
    this.grace = setTimeout(this.graceBound, grace);
    this.grace.unref();
  }

  /** `close()` gave up: the calls were aborted; no close handshake. */
  destroyed(reason?: unknown): void {
    // A refusal (before anything ran) is a policy close the client can read; close() giving up
    // abandons calls, so no handshake then.
    if (!(reason instanceof ServerClosedError)) {
      // Read again (admission paused it) so the client's close frame completes the handshake.
      this.gate.setCore(false);
      this.ws.close(WsClose.policyViolation, 'the connection was refused');
      return;
    }
    this.ws.terminate();
  }

  /**
   * The ping timer: terminates a connection that did not answer the previous ping. A connection
   * whose reading the server paused for load cannot read its pong: it is not judged.
   */
  ping(): void {
    if (this.ws.readyState !== 1) return;
    if (!this.alive && !this.gate.corePaused) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  private goAway(): void {
    this.grace = null;
    this.ws.close(WsClose.goingAway, GOING_AWAY_REASON);
  }

  /** After this tick's answers: one write, then backpressure. */
  private uncork(): void {
    this.corked = false;
    const socket = this.socket;
    socket.uncork();
    if (socket.destroyed) return;
    if (socket.writableLength > this.core.options.maxWriteBufferBytes) {
      // The peer does not read its answers: drop it rather than hold them all.
      this.ws.terminate();
      return;
    }
    if (socket.writableNeedDrain) this.gate.setWrite(true);
    else this.channel.drained();
  }

  private onClose(): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: clearTimeout(null) does nothing, and a grace timer left running (unref'd) only calls close() on a closed ws, which returns
    if (this.grace !== null) clearTimeout(this.grace);
    this.grace = null;
    this.channel.destroy(new DisconnectedError());
    this.owner.wsClosed(this);
  }
}

function noop(): void {}
