/** Node can fire a timer up to a millisecond before `performance.now()` says it is due. */
export const TIMER_SLACK = 1;

/** A scheduled callback, to cancel. */
export type TimerHandle = unknown;

/**
 * Time as the pool sees it: `now()` in milliseconds (monotonic) and unref'd timers. One object, so
 * tests can drive eviction, lifetimes and acquire timeouts without waiting (undici:
 * lib/util/timers.js `tick()`); the pool takes it as an internal constructor parameter, not an
 * option.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` after `ms` (every `ms` if `repeat`); the timer never keeps the process alive. */
  schedule(fn: () => void, ms: number, repeat: boolean): TimerHandle;
  cancel(handle: TimerHandle): void;
}

/** The real clock: `performance.now()` and Node's timers. */
export const realClock: Clock = {
  now: () => performance.now(),
  schedule(fn, ms, repeat) {
    const timer = repeat ? setInterval(fn, ms) : setTimeout(fn, ms);
    // A browser's timers are numbers, and never hold a page open.
    // Stryker disable next-line ConditionalExpression: Node's timers are always objects (the check is for a browser's numbers)
    if (typeof timer === 'object') timer.unref();
    return timer;
  },
  cancel(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
