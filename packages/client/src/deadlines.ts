import { LinkedList } from '@rerpc/internal';
import type { Call } from './call.js';
import { ref, unref } from './timers.js';

/**
 * The shared timer's period. Timeouts of at least FINE_BELOW ms are checked on its ticks, so they
 * fire up to one period late, never early; shorter ones get a native timer each (as undici's
 * fast timers do), where a quarter-second of slack would matter.
 */
export const TICK_MS = 250;
const FINE_BELOW = 1_000;

function onCallTimer(call: Call): void {
  call.host.expire(call);
}

function onBackoffTimer(call: Call): void {
  call.backoff = null;
  call.host.retry(call);
}

/**
 * Every unsettled call, and the timers that watch them: one shared coarse timer (the sweep) for
 * deadlines, a native timer only for a timeout too short for it, and the backoff timer of a call
 * waiting to be retried. Calls form a linked list (through `Call.prev`/`next`), so adding and
 * removing one allocates nothing.
 *
 * Process lifetime: the shared timer is ref'd exactly while a call is unsettled (it alone keeps
 * the process alive: sockets and the other timers are unref'd); with none, nothing is.
 */
export class Deadlines {
  private readonly calls = new LinkedList<Call>();
  private ticker: NodeJS.Timeout | null = null;
  private readonly onTick: () => void;
  /** Set while `drained()` waits: resolves it when the last call is removed. */
  private onEmpty: (() => void) | null = null;

  /** `onTick` runs every TICK_MS while the timer runs: it calls sweep() and acts on the result. */
  constructor(onTick: () => void) {
    this.onTick = onTick;
  }

  /** Unsettled calls. */
  get size(): number {
    return this.calls.size;
  }

  /** Tracks a new call until remove(); a timeout under a second gets its own timer. */
  add(call: Call): void {
    this.calls.push(call);
    // Stryker disable next-line ConditionalExpression: ref() on a timer already ref'd changes nothing
    if (this.calls.size === 1) {
      if (this.ticker === null) this.start();
      else ref(this.ticker);
    }
    const timeout = call.timeout;
    if (timeout > 0 && timeout < FINE_BELOW) {
      call.timer = setTimeout(onCallTimer, timeout, call);
      unref(call.timer);
    }
  }

  /** Stops tracking a settled call and clears its timers. */
  remove(call: Call): void {
    // Stryker disable next-line ConditionalExpression: clearing a null timer does nothing
    if (call.backoff !== null) {
      clearTimeout(call.backoff);
      call.backoff = null;
    }
    // Stryker disable next-line ConditionalExpression: as above
    if (call.timer !== null) {
      clearTimeout(call.timer);
      call.timer = null;
    }
    this.calls.remove(call);
    if (this.calls.size === 0) {
      // Stryker disable next-line ConditionalExpression: unref(null) does nothing
      if (this.ticker !== null) unref(this.ticker);
      if (this.onEmpty !== null) this.onEmpty();
    }
  }

  /**
   * Resolves once no call is left, or after `timeout` ms, whichever comes first (`close()` waits
   * on it). `Infinity` sets no timer: Node fires one past 2^31 - 1 ms after 1 ms.
   */
  drained(timeout: number): Promise<void> {
    if (this.calls.size === 0 || timeout === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const done = (): void => {
        // Stryker disable next-line ConditionalExpression: clearing a null timer does nothing
        if (timer !== null) clearTimeout(timer);
        this.onEmpty = null;
        resolve();
      };
      this.onEmpty = done;
      if (timeout !== Number.POSITIVE_INFINITY) {
        timer = setTimeout(done, timeout);
        unref(timer);
      }
    });
  }

  /** The call's retry is due in `delay` ms (`CallHost.retry`). */
  backoff(call: Call, delay: number): void {
    call.backoff = setTimeout(onBackoffTimer, delay, call);
    unref(call.backoff);
  }

  /** The calls whose deadline is at or before `now`, or null for none. */
  sweep(now: number): Call[] | null {
    let expired: Call[] | null = null;
    for (let call = this.calls.head; call !== null; call = call.next) {
      if (call.timeout > 0 && call.start + call.timeout <= now) {
        if (expired === null) expired = [call];
        else expired.push(call);
      }
    }
    return expired;
  }

  /** The oldest unsettled call, or null. */
  first(): Call | null {
    return this.calls.head;
  }

  /** Stops the shared timer; the next add() starts it again. */
  stop(): void {
    if (this.ticker !== null) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  /** Only add() starts it, with a call tracked: the timer starts ref'd. */
  private start(): void {
    this.ticker = setInterval(this.onTick, TICK_MS);
  }
}
