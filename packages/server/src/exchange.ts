import type { FrameParseError, FrameTooLargeError, MessageHandlers } from '@rerpc/codec';
import type { ServerChannel } from './channel.js';
import { AbortError, DisconnectedError } from './errors.js';
import type { CallStats } from './stats.js';
import type { ChannelTransport } from './transport.js';
import { messageTooLarge, undecodable } from './wire.js';

/** What an exchange asks of the core. */
export interface ExchangeHost {
  readonly stats: CallStats;
  readonly maxDepth: number;
  /** A channel for one exchange, over `transport`. */
  openEphemeral(transport: ChannelTransport): ServerChannel;
  /** Tracks an exchange's channel while it has calls in flight (so `close()` waits for it). */
  adopt(channel: ServerChannel): void;
}

/**
 * One `handle()` call: the codec's handlers for its message, and the transport of its channel.
 * Its promise settles once: with the first answer, `null` when none will come, a `ServerClosedError`
 * when `close()` gives up on it, or `AbortError` when the caller's signal aborts.
 */
export class Exchange implements ChannelTransport, MessageHandlers {
  readonly remoteAddress: string | null;
  readonly promise: Promise<string | null>;
  private readonly host: ExchangeHost;
  private readonly signal: AbortSignal | null;
  private readonly channel: ServerChannel;
  private settled = false;
  private resolve!: (text: string | null) => void;
  private reject!: (error: unknown) => void;

  constructor(host: ExchangeHost, remoteAddress: string | null, signal: AbortSignal | null) {
    this.host = host;
    this.remoteAddress = remoteAddress;
    this.signal = signal;
    this.promise = new Promise<string | null>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.channel = host.openEphemeral(this);
  }

  // MessageHandlers: the codec decoded the message (or could not)

  onMessage(value: unknown): void {
    const channel = this.channel;
    const stats = this.host.stats;
    const outer = !stats.inBurst;
    if (outer) stats.beginBurst();
    let answers: boolean;
    try {
      answers = channel.receive(value);
    } finally {
      if (outer) stats.endBurst();
    }
    if (channel.inFlight > 0) this.host.adopt(channel);
    if (!answers) this.settle(null);
    else if (!this.settled && this.signal !== null) this.watch(this.signal);
  }

  /** Rejects the exchange when the caller's signal aborts, until it settles. */
  private watch(signal: AbortSignal): void {
    // A handler may have aborted it while the message ran: that abort event has passed.
    if (signal.aborted) {
      this.handleEvent();
      return;
    }
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: fail() removes the listener when it fires too
    signal.addEventListener('abort', this, { once: true });
  }

  onParseError(error: FrameParseError): void {
    this.channel.sendError(undecodable(error, this.host.maxDepth));
  }

  onOversize(error: FrameTooLargeError): void {
    this.channel.sendError(messageTooLarge(error.limit, false));
  }

  // ChannelTransport

  send(text: string): void {
    this.settle(text);
  }

  pause(): void {}
  resume(): void {}
  end(): void {}

  /** `close()` gave up on this exchange: its calls were aborted and will not be answered. */
  destroyed(reason: unknown): void {
    this.fail(reason);
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    this.abandon('The signal given to handle() aborted; stop the work', this.signal!.reason);
  }

  /**
   * The caller gave up on the answer (an HTTP client went away): the handlers' `ctx.signal`
   * aborts with a `DisconnectedError` saying `why`, and the promise rejects with `AbortError`.
   */
  abandon(why: string, reason?: unknown): void {
    // Stryker disable next-line ConditionalExpression: defensive: a settled exchange has removed its signal listener, and HttpExchange stops abandoning in the microtask its promise settles
    if (this.settled) return;
    this.channel.destroy(new DisconnectedError(why, { cause: reason }));
    this.fail(new AbortError(reason));
  }

  private settle(text: string | null): void {
    // Stryker disable next-line ConditionalExpression: a promise settles once; a second settle() removes an already removed listener
    if (this.settled) return;
    this.settled = true;
    if (this.signal !== null) this.signal.removeEventListener('abort', this);
    this.resolve(text);
  }

  private fail(error: unknown): void {
    // Stryker disable next-line ConditionalExpression: a promise settles once; a second fail() removes an already removed listener
    if (this.settled) return;
    // Stryker disable next-line BooleanLiteral: nothing reads settled after a failure: the listener is gone and the channel destroyed, so no answer or abort follows
    this.settled = true;
    if (this.signal !== null) this.signal.removeEventListener('abort', this);
    this.reject(error);
  }
}
