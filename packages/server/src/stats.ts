import { Histogram } from '@rerpc/internal';
import { PeerStats, type PeerStatsSnapshot } from './peer-stats.js';

/** Where the server reads time; tests inject a fake one. */
export interface Clock {
  /** Monotonic milliseconds, like `performance.now()`. */
  now(): number;
  /** The `Date.now()` milliseconds at which `now()` was 0, like `performance.timeOrigin`. */
  readonly origin: number;
}

export const systemClock: Clock = Object.freeze({
  now: () => performance.now(),
  origin: performance.timeOrigin,
});

/** Transport-free counters kept by the core; the server adds its connections to them. */
export interface CoreStats extends PeerStatsSnapshot {
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
 * The server's call counters and latency, and the clock behind them: the one owner of every
 * number `stats()` reports about calls (the core adds in-flight and queue figures).
 */
export class CallStats {
  /** Subscriptions, calls to the peer and cancellations, reported by the connections. */
  readonly peers = new PeerStats();
  private readonly clock: Clock;
  private calls = 0;
  private timedOut = 0;
  private ignoredResponses = 0;
  private readonly errors = new Map<number, number>();
  private readonly histogram = new Histogram();
  private clockValue = 0;
  private clockValid = false;
  private readonly invalidateClock = (): void => {
    this.clockValid = false;
  };
  /** Clock time at the start of the current read, or -1 outside one. */
  private burstStart = -1;
  private burstCount = 0;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** A cached clock read, refreshed once per macrotask/microtask run (~100 ns a read on this machine). */
  now(): number {
    if (!this.clockValid) {
      this.clockValue = this.clock.now();
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
    this.burstStart = this.clock.now();
    this.burstCount = 0;
  }

  endBurst(): void {
    if (this.burstCount > 0) {
      this.histogram.record((this.clock.now() - this.burstStart) * 1000, this.burstCount);
    }
    this.burstStart = -1;
  }

  get inBurst(): boolean {
    return this.burstStart >= 0;
  }

  /** A new call's start time. */
  callStart(): number {
    return this.burstStart >= 0 ? this.burstStart : this.now();
  }

  /** Milliseconds since `start`, read now (not the cached clock): for diagnostics subscribers. */
  elapsed(start: number): number {
    return this.clock.now() - start;
  }

  /** A call that started at `start` was answered (or finished, for a notification). */
  recordLatency(start: number): void {
    if (start === this.burstStart) {
      this.burstCount++;
      return;
    }
    this.histogram.record((this.now() - start) * 1000, 1);
  }

  countCall(): void {
    this.calls++;
  }

  countTimeout(): void {
    this.timedOut++;
  }

  countError(code: number): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  countIgnoredResponse(): void {
    this.ignoredResponses++;
  }

  /** A snapshot; the caller knows what is in flight, running and queued. */
  snapshot(inFlight: number, running: number, queued: number): CoreStats {
    const errors: Record<string, number> = {};
    for (const [code, count] of [...this.errors].sort((a, b) => b[0] - a[0])) {
      errors[String(code)] = count;
    }
    const h = this.histogram;
    return {
      calls: { total: this.calls, inFlight, running, queued, timedOut: this.timedOut },
      errors,
      ignoredResponses: this.ignoredResponses,
      latency: { ...h.summary(), max: h.max / 1000 },
      ...this.peers.snapshot(),
    };
  }
}
