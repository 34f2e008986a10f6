import type { IncomingHttpHeaders } from 'node:http';
import type { PeerCertificate } from 'node:tls';
import type { ErrorObject } from '@rerpc/protocol';
import type { PeerTransport } from './peer.js';

/**
 * What a transport gives the core for one connection (or one exchange): where answers go and how
 * to stop reading. TCP is one such transport; HTTP and WebSocket adapters are others.
 */
export interface ChannelTransport {
  /** The peer's address for `ctx.remoteAddress`, or `null`. */
  readonly remoteAddress: string | null;
  /** Optional: `ctx.peer.transport`. @default 'stream' */
  readonly kind?: PeerTransport;
  /** Optional: the HTTP upgrade request's headers, for `ctx.peer.headers`. */
  readonly headers?: IncomingHttpHeaders | null;
  /**
   * Optional: the write buffer is full (subscription events wait, then go on at the channel's
   * `drained()`). Without it, events are never held back.
   */
  congested?(): boolean;
  /** Optional: the TLS client certificate, for `ctx.peer.certificate` (read on demand). */
  peerCertificate?(): PeerCertificate | null;
  /**
   * One answer (a response or a batch array) or one server-to-peer message (a request or a
   * notification: `ctx.peer`), as JSON text without framing. The transport frames
   * it and writes it; it should coalesce the answers of one tick into one write.
   */
  send(text: string): void;
  /** Stop delivering messages (too many calls in flight, or the server is saturated). */
  pause(): void;
  /** Deliver messages again. */
  resume(): void;
  /**
   * The channel is ending and has nothing left in flight: every later request is only refused
   * (-32002, "not run"), and refusals may still be sent. Close gracefully; a persistent transport
   * should keep reading (and sending refusals) for a short grace period first, so requests already
   * on their way are answered "not run" rather than lost in its close.
   */
  end(): void;
  /**
   * Optional. The server destroyed the channel (`close()` gave up waiting; `reason` is a
   * `ServerClosedError`): its calls in flight were aborted and will never be answered, and
   * nothing more will be sent. Drop the connection without a graceful close (TCP resets it), or
   * fail the exchange. Not called when the transport destroys the channel itself.
   */
  destroyed?(reason: unknown): void;
}

/** The core's side of one connection: feed it parsed messages; answers go to its transport. */
export interface Channel {
  /**
   * Dispatches one parsed JSON value (a message or a batch). Returns `true` when an answer will be
   * sent (now or later) and `false` when none will (a notification, an all-notification batch, a
   * response-shaped message, or the channel is ending).
   */
  receive(value: unknown): boolean;
  /** Sends an error with id `null`: for input the transport could not decode (e.g. -32700). */
  sendError(error: ErrorObject): void;
  /**
   * Stops taking calls: calls in flight are answered, later requests get -32002 "Server is shutting
   * down" (they are not run), and once nothing is in flight the transport's `end()` is called.
   */
  end(): void;
  /** The peer is gone: in-flight calls are aborted (`ctx.signal`) and nothing more is sent. */
  destroy(reason?: unknown): void;
  /** Calls received and not answered yet. */
  readonly inFlight: number;
  /**
   * Calls in flight, calls to the peer waiting for an answer, or subscriptions open: an idle
   * timeout should not close the connection.
   */
  readonly busy: boolean;
  /** The transport's write buffer drained (after `congested()` was true): events go on. */
  drained(): void;
}
