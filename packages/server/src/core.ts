import { createMessageDecoder, type MessageDecoder } from '@rerpc/codec';
import { checkOptions, checkSignal, describe, optionError } from '@rerpc/internal';
import { createRegistry, type Registry } from '@rerpc/registry';
import { Admission } from './admission.js';
import { type Call, callDone, runCall } from './call.js';
import { ServerChannel } from './channel.js';
import type { ChannelHost } from './channel-host.js';
import { DeadlineList } from './deadlines.js';
import { connectionOpened, type ServerConnectionMessage } from './diagnostics.js';
import { AbortError, HandlerTimeoutError } from './errors.js';
import { Exchange, type ExchangeHost } from './exchange.js';
import { HandlerErrors } from './handler-errors.js';
import { type Middleware, runWithMiddleware } from './middleware.js';
import type { ResolvedServerOptions } from './options.js';
import type { Peer } from './peer.js';
import { Scheduler } from './scheduler.js';
import { CallStats, type Clock, type CoreStats, systemClock } from './stats.js';
import type { Channel, ChannelTransport } from './transport.js';
import { handlerTimedOut } from './wire.js';

/** Options of `server.handle()`. */
export interface HandleOptions {
  /** `ctx.remoteAddress` for the handlers. @default null */
  remoteAddress?: string | null;
  /**
   * The exchange is abandoned when it aborts (e.g. the HTTP client went away): handlers' `ctx.signal`
   * aborts and `handle()` rejects with `AbortError`.
   */
  signal?: AbortSignal;
}

const HANDLE_OPTIONS: readonly string[] = ['remoteAddress', 'signal'];
const TRANSPORT_FUNCTIONS = ['send', 'pause', 'resume', 'end'] as const;

/**
 * The transport-agnostic server: TCP connections and `handle()` exchanges are channels onto it.
 * It owns what channels share: the set of open channels and the count of calls in flight over
 * all of them, the fair queue (`Scheduler`), the deadline list and its timer, the counters
 * (`CallStats`) and the close sequence. Channels ask it through `ChannelHost`; none writes its
 * state.
 */
export class Core implements ChannelHost, ExchangeHost {
  readonly options: ResolvedServerOptions;
  readonly registry: Registry;
  readonly stats: CallStats;
  readonly handlerErrors: HandlerErrors;
  readonly maxDepth: number;
  readonly scheduler: Scheduler;
  private readonly clock: Clock;
  private readonly messages: MessageDecoder;
  private readonly deadlines = new DeadlineList();
  /** Channels that may have calls in flight (every open connection, busy `handle()` exchanges). */
  private readonly channels = new Set<ServerChannel>();
  private inFlightCount = 0;
  private peerCount = 0;
  private readonly middleware: Middleware[] = [];
  private closingFlag = false;
  /** Set while closing: called whenever a call finishes or is dropped (it checks what is left). */
  private idleListener: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly sweepBound = (): void => this.sweep();

  constructor(options: ResolvedServerOptions, clock: Clock = systemClock) {
    this.options = options;
    this.clock = clock;
    this.maxDepth = options.maxDepth;
    this.registry = createRegistry({ formats: options.formats });
    this.stats = new CallStats(clock);
    this.handlerErrors = new HandlerErrors(options.exposeErrors, options.onHandlerError);
    this.scheduler = new Scheduler(options, runCall, callDone);
    this.messages = createMessageDecoder({
      maxMessageBytes: options.maxMessageBytes,
      maxDepth: options.maxDepth,
    });
  }

  // Channels --------------------------------------------------------------------------------

  openChannel(transport: ChannelTransport): Channel {
    if (typeof transport !== 'object' || transport === null) {
      throw optionError(`transport must be an object, got ${describe(transport)}`);
    }
    for (const name of TRANSPORT_FUNCTIONS) {
      if (typeof transport[name] !== 'function') {
        throw optionError(`transport.${name} must be a function, got ${describe(transport[name])}`);
      }
    }
    if (transport.destroyed !== undefined && typeof transport.destroyed !== 'function') {
      throw optionError(
        `transport.destroyed must be a function when present, got ${describe(transport.destroyed)}`,
      );
    }
    const channel = new ServerChannel(this, transport, false, this.scheduler.lane());
    this.channels.add(channel);
    // Stryker disable next-line ConditionalExpression: a fast path: publish() without subscribers does nothing
    if (connectionOpened.hasSubscribers) {
      const message: ServerConnectionMessage = { peer: channel.link!.peer, reason: null };
      connectionOpened.publish(message);
    }
    // Stryker disable next-line ConditionalExpression: a fast path: updatePause() leaves a new channel running unless saturated
    if (this.scheduler.saturated) channel.updatePause();
    const onConnection = this.options.onConnection;
    if (onConnection !== null) {
      const admission = new Admission(channel, this.options.maxInFlightPerConnection);
      channel.admit(admission);
      // Next microtask: the transport calling openChannel() is fully built before a refusal
      // reaches it.
      queueMicrotask(() => admission.run(onConnection, channel.link!.peer, this.handlerErrors));
    }
    return channel;
  }

  openEphemeral(transport: ChannelTransport): ServerChannel {
    return new ServerChannel(this, transport, true, this.scheduler.lane());
  }

  /** The peers of every open connection, in accept order. */
  peers(): Peer[] {
    const out: Peer[] = [];
    for (const channel of this.channels) {
      const link = channel.link;
      if (link !== null && !link.closed && !channel.admitting) out.push(link.peer);
    }
    return out;
  }

  /** Adds a middleware around every handler (the first one switches the scheduler's task). */
  use(middleware: Middleware): void {
    if (typeof middleware !== 'function') {
      throw optionError(`middleware must be a function, got ${describe(middleware)}`);
    }
    const chain = this.middleware;
    // Stryker disable next-line ConditionalExpression: setting the same runner over the same chain again changes nothing
    if (chain.length === 0) this.scheduler.setRun((call) => runWithMiddleware(call, chain));
    chain.push(middleware);
  }

  adopt(channel: ServerChannel): void {
    this.channels.add(channel);
  }

  /** One message in, its answer out: the codec decodes it, an `Exchange` carries it. */
  handle(message: string | Uint8Array, options?: HandleOptions): Promise<string | null> {
    if (typeof message !== 'string' && !(message instanceof Uint8Array)) {
      return Promise.reject(
        optionError(`message must be a string or a Uint8Array, got ${describe(message)}`),
      );
    }
    let signal: AbortSignal | null = null;
    let remoteAddress: string | null = null;
    if (options !== undefined) {
      try {
        checkOptions(options, HANDLE_OPTIONS, 'handle() options');
        signal = checkSignal(options.signal);
      } catch (error) {
        return Promise.reject(error);
      }
      remoteAddress = options.remoteAddress ?? null;
    }
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    return this.exchange(message, remoteAddress, signal).promise;
  }

  /**
   * `handle()` for a transport of the package (HTTP): the exchange itself, which the caller
   * abandons directly when its client goes away (no `AbortSignal` per request).
   */
  exchange(
    message: string | Uint8Array,
    remoteAddress: string | null,
    signal: AbortSignal | null = null,
  ): Exchange {
    const exchange = new Exchange(this, remoteAddress, signal);
    this.messages.decode(message, exchange);
    return exchange;
  }

  // ChannelHost: what channels ask ----------------------------------------------------------

  get closing(): boolean {
    return this.closingFlag;
  }

  peerId(): number {
    return ++this.peerCount;
  }

  callAdded(): void {
    this.inFlightCount++;
    this.stats.countCall();
  }

  saturationChanged(): void {
    for (const channel of this.channels) channel.updatePause();
  }

  callSettled(channel: ServerChannel): void {
    this.inFlightCount--;
    if (channel.ephemeral && channel.inFlight === 0) this.channels.delete(channel);
    this.idleListener?.();
  }

  channelDestroyed(channel: ServerChannel, dropped: number): void {
    this.inFlightCount -= dropped;
    this.channels.delete(channel);
    if (this.scheduler.drop(channel.lane)) this.saturationChanged();
    this.idleListener?.();
  }

  watch(call: Call): void {
    const timeout = this.options.handlerTimeout;
    if (timeout === 0) return;
    this.deadlines.add(call);
    if (this.timer === null) this.arm(call.start + timeout - this.clock.now());
  }

  unwatch(call: Call): void {
    this.deadlines.remove(call);
  }

  deadlineOf(start: number): number {
    const timeout = this.options.handlerTimeout;
    return timeout === 0 ? Number.POSITIVE_INFINITY : this.clock.origin + start + timeout;
  }

  // Deadlines -------------------------------------------------------------------------------

  private arm(delay: number): void {
    this.timer = setTimeout(this.sweepBound, Math.max(1, Math.ceil(delay)));
    this.timer.unref();
  }

  /** The timer: answers -32001 for every call past `handlerTimeout`, then re-arms for the next. */
  private sweep(): void {
    this.timer = null;
    const timeout = this.options.handlerTimeout;
    const now = this.clock.now();
    let call: Call | null;
    while ((call = this.deadlines.shiftStartedBy(now - timeout)) !== null) {
      this.stats.countTimeout();
      const method = call.entry.name;
      call.channel.expire(
        call,
        handlerTimedOut(method, timeout),
        new HandlerTimeoutError(method, timeout),
      );
    }
    const next = this.deadlines.oldest;
    if (next !== null) this.arm(next.start + timeout - now);
  }

  // Close -----------------------------------------------------------------------------------

  /** Calls received and not answered yet, over every channel. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /**
   * `close()` began: later requests are refused, every channel ends once its calls are answered,
   * and `onIdle` is called whenever a call finishes or is dropped (it checks whether any are left).
   */
  beginClose(onIdle: () => void): void {
    this.closingFlag = true;
    this.idleListener = onIdle;
    for (const channel of [...this.channels]) channel.end();
  }

  /** `close()` gave up: every channel is destroyed, its handlers aborted with `reason`. */
  abandon(reason: unknown): void {
    for (const channel of [...this.channels]) channel.abandon(reason);
  }

  /** Nothing is left in flight: stop the timer and let go of handlers that ignored their signal. */
  shutDown(): void {
    this.idleListener = null;
    clearTimeout(this.timer ?? undefined);
    this.timer = null;
    this.scheduler.close();
  }

  snapshot(): CoreStats {
    const s = this.scheduler;
    return this.stats.snapshot(this.inFlightCount, s.running, s.queued);
  }
}
