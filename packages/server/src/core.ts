import { isUtf8 } from 'node:buffer';
import { encodeError, exceedsDepth } from '@rerpc/codec';
import { optionError, rejectUnknownOptions } from '@rerpc/internal';
import { ErrorCode, type ErrorObject, RpcError } from '@rerpc/protocol';
import { createRegistry, type Registry } from '@rerpc/registry';
import { AbortError, createWorkerPool, type WorkerPool } from '@rerpc/worker-pool';
import { type Call, callDone, PENDING, runCall } from './call.js';
import { type Channel, type ChannelTransport, ServerChannel } from './channel.js';
import { HandlerErrorLog } from './error-log.js';
import { DisconnectedError, HandlerTimeoutError } from './errors.js';
import { Histogram } from './histogram.js';
import { describe, type ResolvedServerOptions } from './options.js';
import { handlerTimedOut, INTERNAL_ERROR, messageTooLarge, parseError, tooDeep } from './wire.js';

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

/** Transport-free counters kept by the core; the server adds its connections to them. */
export interface CoreStats {
  calls: {
    /** Calls handed to a handler (requests and notifications), since the server was created. */
    total: number;
    /** Calls received and not answered yet (running, queued, or waiting for the queue). */
    inFlight: number;
    /** Handlers running now. */
    running: number;
    /** Calls waiting for a handler slot (the worker pool's queue plus the server's overflow). */
    queued: number;
    /** Calls answered with -32001 because they ran past `handlerTimeout`. */
    timedOut: number;
  };
  /** Error answers (and failed notifications) by JSON-RPC code, e.g. `{ "-32601": 2 }`. */
  errors: Record<string, number>;
  /** Response-shaped messages received and ignored. */
  ignoredResponses: number;
  /** Server time per call, from the read that brought it to its answer, in milliseconds. */
  latency: { count: number; p50: number; p90: number; p99: number; max: number };
}

/**
 * The transport-agnostic server: registry, worker pool, dispatch, limits, timeouts, stats. TCP
 * and `handle()` are both channels onto it.
 */
export class Core {
  readonly options: ResolvedServerOptions;
  readonly registry: Registry;
  readonly pool: WorkerPool;
  /** Channels that may have calls in flight (every open connection, busy `handle()` exchanges). */
  readonly channels = new Set<ServerChannel>();
  inFlight = 0;
  closing = false;
  /** The worker pool refused a call: every channel is paused until the overflow is drained. */
  saturated = false;
  ignoredResponses = 0;
  /** Called whenever a call finishes and none are left in flight (set while closing). */
  idleListener: (() => void) | null = null;
  private callsTotal = 0;
  private timedOut = 0;
  private readonly errors = new Map<number, number>();
  private readonly histogram = new Histogram();
  private readonly errorLog = new HandlerErrorLog();
  private clockValue = 0;
  private clockValid = false;
  private readonly invalidateClock = (): void => {
    this.clockValid = false;
  };
  /** `performance.now()` at the start of the current read, or -1 outside one. */
  private burstStart = -1;
  private burstCount = 0;
  private tHead: Call | null = null;
  private tTail: Call | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly sweepBound = (): void => this.sweep();
  /** `maxRunningPerConnection`. */
  private readonly perConnection: number;
  /** Connections with queued calls that may start one now, in turn order. */
  private ringHead: ServerChannel | null = null;
  private ringTail: ServerChannel | null = null;
  /** Calls queued on every connection (some may have been answered while queued). */
  private qLength = 0;
  private pumping = false;

  constructor(options: ResolvedServerOptions) {
    this.options = options;
    this.registry = createRegistry({ formats: options.formats });
    this.perConnection = options.maxRunningPerConnection;
    // The pool only bounds how many handlers run; the fair queue in front of it is ours.
    this.pool = createWorkerPool({
      concurrency: options.concurrency,
      maxQueue: 0,
      closeTimeout: 0,
    });
  }

  openChannel(transport: ChannelTransport): Channel {
    if (typeof transport !== 'object' || transport === null) {
      throw optionError(`transport must be an object, got ${describe(transport)}`);
    }
    for (const name of ['send', 'pause', 'resume', 'end'] as const) {
      if (typeof transport[name] !== 'function') {
        throw optionError(`transport.${name} must be a function, got ${describe(transport[name])}`);
      }
    }
    const channel = new ServerChannel(this, transport, false);
    this.channels.add(channel);
    if (this.saturated) channel.updatePause();
    return channel;
  }

  handle(message: string | Uint8Array, options?: HandleOptions): Promise<string | null> {
    const max = this.options.maxMessageBytes;
    let text: string;
    if (typeof message === 'string') {
      // A UTF-16 unit is 1 to 3 bytes of UTF-8: count bytes only when the length does not settle it.
      if (
        message.length > max ||
        (message.length * 3 > max && Buffer.byteLength(message, 'utf8') > max)
      ) {
        return Promise.resolve(this.errorText(messageTooLarge(max, false)));
      }
      text = message;
    } else if (message instanceof Uint8Array) {
      if (message.byteLength > max) {
        return Promise.resolve(this.errorText(messageTooLarge(max, false)));
      }
      if (!isUtf8(message)) {
        return Promise.resolve(this.errorText(parseError('the message is not valid UTF-8')));
      }
      text = Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString('utf8');
    } else {
      return Promise.reject(
        optionError(`message must be a string or a Uint8Array, got ${describe(message)}`),
      );
    }
    // Before parsing: JSON.parse of deep input costs ~15x flat input of the same size.
    if (exceedsDepth(text, this.options.maxDepth)) {
      return Promise.resolve(this.errorText(tooDeep(this.options.maxDepth)));
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      return Promise.resolve(
        this.errorText(parseError(`invalid JSON: ${(cause as Error).message}`)),
      );
    }
    if (options !== undefined) {
      try {
        if (typeof options !== 'object' || options === null) {
          throw optionError(`handle() options must be an object, got ${describe(options)}`);
        }
        rejectUnknownOptions(options, ['remoteAddress', 'signal'], 'handle() options');
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const signal = options?.signal ?? null;
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    return new Exchange(this, options?.remoteAddress ?? null, signal).run(value);
  }

  /** A cached `performance.now()`, refreshed once per macrotask/microtask run (~100 ns a read on this machine). */
  now(): number {
    if (!this.clockValid) {
      this.clockValue = performance.now();
      this.clockValid = true;
      queueMicrotask(this.invalidateClock);
    }
    return this.clockValue;
  }

  /**
   * Brackets the synchronous processing of one read: calls arriving in it share one start time,
   * and those answered within it are recorded together at its end, so a read of 100 requests
   * costs two clock reads, not 200.
   */
  beginBurst(): void {
    this.burstStart = performance.now();
    this.burstCount = 0;
  }

  endBurst(): void {
    if (this.burstCount > 0) {
      this.histogram.record((performance.now() - this.burstStart) * 1000, this.burstCount);
    }
    this.burstStart = -1;
  }

  get inBurst(): boolean {
    return this.burstStart >= 0;
  }

  callStart(): number {
    return this.burstStart >= 0 ? this.burstStart : this.now();
  }

  recordLatency(start: number): void {
    if (start === this.burstStart) {
      this.burstCount++;
      return;
    }
    this.histogram.record((this.now() - start) * 1000, 1);
  }

  /**
   * Starts `call` on the worker pool when a slot is free and its connection is under
   * `maxRunningPerConnection`, else queues it on its connection. Queued calls start round-robin
   * across connections as slots free up, so a connection with 1,000 slow calls waiting delays
   * another connection's call by at most one turn, never by its whole queue.
   */
  submit(call: Call): void {
    this.callsTotal++;
    const channel = call.channel;
    if (channel.qHead === null && channel.running < this.perConnection && this.start(call)) return;
    channel.enqueue(call);
    this.qLength++;
    if (!channel.inRing && channel.running < this.perConnection) this.ringAdd(channel);
    if (!this.saturated && this.qLength >= this.options.maxQueue) {
      // The queue is full: stop reading everywhere. What is already read (at most one read per
      // connection) waits too, so nothing is refused and memory stays bounded.
      this.saturated = true;
      for (const c of this.channels) c.updatePause();
    }
  }

  /** A handler slot was given back by one of `channel`'s calls (the pool's callback). */
  slotFreed(channel: ServerChannel): void {
    channel.running--;
    if (channel.qHead !== null && !channel.inRing && channel.running < this.perConnection) {
      this.ringAdd(channel);
    }
    if (this.ringHead !== null && !this.pumping) this.pump();
  }

  /** A destroyed channel's queued calls are gone: forget them. */
  forgetQueued(count: number): void {
    this.qLength -= count;
    this.checkUnsaturated();
  }

  private start(call: Call): boolean {
    const channel = call.channel;
    channel.running++;
    if (this.pool.tryRun(runCall, call, callDone)) return true;
    channel.running--;
    return false;
  }

  /** Starts queued calls, one per connection per turn, while slots are free. */
  private pump(): void {
    // A call may finish synchronously inside tryRun and free its slot again: no re-entry.
    this.pumping = true;
    try {
      let channel: ServerChannel | null;
      while ((channel = this.ringHead) !== null) {
        const call = channel.dequeue();
        if (call === null) {
          this.ringShift();
          continue;
        }
        this.qLength--;
        if (call.state !== PENDING) continue; // answered while queued (timed out, peer gone)
        if (!this.start(call)) {
          channel.requeue(call);
          this.qLength++;
          break;
        }
        this.ringShift();
        if (channel.qHead !== null && channel.running < this.perConnection) this.ringAdd(channel);
      }
    } finally {
      this.pumping = false;
    }
    this.checkUnsaturated();
  }

  private checkUnsaturated(): void {
    if (this.saturated && this.qLength <= this.options.maxQueue >>> 1) {
      this.saturated = false;
      for (const channel of this.channels) channel.updatePause();
    }
  }

  private ringAdd(channel: ServerChannel): void {
    channel.inRing = true;
    channel.rNext = null;
    if (this.ringTail === null) this.ringHead = channel;
    else this.ringTail.rNext = channel;
    this.ringTail = channel;
  }

  private ringShift(): void {
    const channel = this.ringHead!;
    this.ringHead = channel.rNext;
    if (this.ringHead === null) this.ringTail = null;
    channel.rNext = null;
    channel.inRing = false;
  }

  linkTimeout(call: Call): void {
    const timeout = this.options.handlerTimeout;
    if (timeout === 0) return;
    // One timeout for every call, so arrival order is deadline order: a FIFO list and one timer
    // armed for its head replace a timer per call.
    call.tPrev = this.tTail;
    if (this.tTail === null) this.tHead = call;
    else this.tTail.tNext = call;
    this.tTail = call;
    if (this.timer === null) this.arm(call.start + timeout - performance.now());
  }

  unlinkTimeout(call: Call): void {
    if (call.tPrev === null && this.tHead !== call) return;
    if (call.tPrev === null) this.tHead = call.tNext;
    else call.tPrev.tNext = call.tNext;
    if (call.tNext === null) this.tTail = call.tPrev;
    else call.tNext.tPrev = call.tPrev;
    call.tPrev = null;
    call.tNext = null;
  }

  private arm(delay: number): void {
    this.timer = setTimeout(this.sweepBound, Math.max(1, Math.ceil(delay)));
    this.timer.unref();
  }

  private sweep(): void {
    this.timer = null;
    const timeout = this.options.handlerTimeout;
    const now = performance.now();
    let call: Call | null;
    while ((call = this.tHead) !== null && call.start + timeout <= now) {
      this.unlinkTimeout(call);
      this.timedOut++;
      const method = call.entry.name;
      call.channel.expire(
        call,
        handlerTimedOut(method, timeout),
        new HandlerTimeoutError(method, timeout),
      );
    }
    if (this.tHead !== null) this.arm(this.tHead.start + timeout - now);
  }

  stopTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The answer to a handler's throw; counts it, and reports what is not an RpcError. */
  errorObject(error: unknown, call: Call): ErrorObject {
    let rpc: ErrorObject | null = null;
    try {
      if (error instanceof RpcError) {
        const e = error as RpcError;
        rpc =
          e.data === undefined
            ? { code: e.code, message: e.message }
            : { code: e.code, message: e.message, data: e.data };
      }
    } catch {
      // A hostile thrown value (a Proxy, a throwing getter) is an internal error, not a crash.
      rpc = null;
    }
    if (rpc !== null) {
      this.countError(rpc.code);
      return rpc;
    }
    this.report(error, call);
    this.countError(ErrorCode.InternalError);
    if (!this.options.exposeErrors) return INTERNAL_ERROR;
    return { code: ErrorCode.InternalError, message: 'Internal error', data: messageOf(error) };
  }

  /** The answer when a result cannot be encoded (a BigInt, a cycle, a schema mismatch). */
  unserialisable(cause: unknown, call: Call): ErrorObject {
    this.report(cause, call);
    this.countError(ErrorCode.InternalError);
    if (!this.options.exposeErrors) return INTERNAL_ERROR;
    return {
      code: ErrorCode.InternalError,
      message: 'Internal error',
      data: `the result could not be serialised: ${messageOf(cause)}`,
    };
  }

  countError(code: number): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  afterCall(): void {
    if (this.inFlight === 0 && this.idleListener !== null) this.idleListener();
  }

  stats(): CoreStats {
    const pool = this.pool;
    const errors: Record<string, number> = {};
    for (const [code, count] of [...this.errors].sort((a, b) => b[0] - a[0])) {
      errors[String(code)] = count;
    }
    const h = this.histogram;
    return {
      calls: {
        total: this.callsTotal,
        inFlight: this.inFlight,
        running: pool.running,
        queued: pool.queued + this.qLength,
        timedOut: this.timedOut,
      },
      errors,
      ignoredResponses: this.ignoredResponses,
      latency: {
        count: h.count,
        p50: h.quantile(0.5) / 1000,
        p90: h.quantile(0.9) / 1000,
        p99: h.quantile(0.99) / 1000,
        max: h.max / 1000,
      },
    };
  }

  private errorText(error: ErrorObject): string {
    this.countError(error.code);
    return encodeError(null, error);
  }

  private report(error: unknown, call: Call): void {
    const listener = this.options.onHandlerError;
    if (listener === null) return;
    try {
      if (listener === 'log') this.errorLog.report(error, call.ctx);
      else listener(error, call.ctx);
    } catch (thrown) {
      // Like an EventEmitter listener that throws: surface it, outside our call path.
      process.nextTick(rethrow, thrown);
    }
  }
}

function rethrow(error: unknown): never {
  throw error;
}

function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'unknown error';
  }
}

/** The transport of one `handle()` call: its first answer settles the promise. */
class Exchange implements ChannelTransport {
  readonly remoteAddress: string | null;
  private readonly core: Core;
  private readonly signal: AbortSignal | null;
  private channel: ServerChannel | null = null;
  private settled = false;
  private resolve: ((text: string | null) => void) | null = null;
  private reject: ((error: unknown) => void) | null = null;

  constructor(core: Core, remoteAddress: string | null, signal: AbortSignal | null) {
    this.core = core;
    this.remoteAddress = remoteAddress;
    this.signal = signal;
  }

  run(value: unknown): Promise<string | null> {
    const promise = new Promise<string | null>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const core = this.core;
    const channel = new ServerChannel(core, this, true);
    this.channel = channel;
    const outer = !core.inBurst;
    if (outer) core.beginBurst();
    let answers: boolean;
    try {
      answers = channel.receive(value);
    } finally {
      if (outer) core.endBurst();
    }
    if (channel.inFlight > 0) core.channels.add(channel);
    if (!answers) this.settle(null);
    else if (!this.settled && this.signal !== null) {
      this.signal.addEventListener('abort', this, { once: true });
    }
    return promise;
  }

  send(text: string): void {
    this.settle(text);
  }

  pause(): void {}
  resume(): void {}
  end(): void {}

  /** The caller's signal aborted. */
  handleEvent(): void {
    if (this.settled) return;
    this.settled = true;
    const reason = this.signal?.reason;
    this.channel?.destroy(
      new DisconnectedError('The signal given to handle() aborted; stop the work', {
        cause: reason,
      }),
    );
    this.reject?.(new AbortError(reason));
  }

  private settle(text: string | null): void {
    if (this.settled) return;
    this.settled = true;
    if (this.signal !== null) this.signal.removeEventListener('abort', this);
    this.resolve?.(text);
  }
}
