import { deferred } from '@rerpc/internal/testing';
import { onTestFinished } from 'vitest';
import type { Clock, TimerHandle } from '../src/clock.js';
import {
  createPool,
  type Pool,
  type PoolOptions,
  type SharedPool,
  type SharedPoolOptions,
} from '../src/index.js';
import { resolvePoolOptions } from '../src/options.js';
import { PoolImpl } from '../src/pool.js';
import { resolveSharedOptions } from '../src/shared-options.js';
import { SharedPoolImpl } from '../src/shared-pool.js';

export { type Deferred, deferred } from '@rerpc/internal/testing';

/** A trivial resource with an id and a flag the tests flip to make validation fail. */
export interface Thing {
  id: number;
  broken: boolean;
}

/**
 * Counts what the factory made and destroyed; `nextDestroy()` resolves on the next destroy. The
 * counters are not enumerable, so the object (or a spread of it) is exactly a factory: createPool
 * refuses unknown keys on a plain object.
 */
export function things() {
  let next = 0;
  const live = new Set<Thing>();
  const destroyed: Thing[] = [];
  const signals: AbortSignal[] = [];
  let onDestroy: ((thing: Thing) => void) | null = null;
  const factory = {
    create(signal: AbortSignal): Thing {
      signals.push(signal);
      const thing = { id: ++next, broken: false };
      live.add(thing);
      return thing;
    },
    destroy(thing: Thing): void {
      live.delete(thing);
      destroyed.push(thing);
      const hook = onDestroy;
      onDestroy = null;
      hook?.(thing);
    },
    validate(thing: Thing): boolean {
      return !thing.broken;
    },
  };
  const nextDestroy = (): Promise<Thing> =>
    new Promise((resolve) => {
      onDestroy = resolve;
    });
  return withCounters(factory, { live, destroyed, signals, nextDestroy });
}

/**
 * Adds `counters` to a test factory as non-enumerable properties (getters stay getters), so the
 * object, or a spread of it, is exactly a factory: the pools refuse unknown keys on a plain object.
 */
export function withCounters<F extends object, C extends object>(
  factory: F,
  counters: C,
): F & Readonly<C> {
  const descriptors = Object.getOwnPropertyDescriptors(counters);
  for (const descriptor of Object.values(descriptors)) descriptor.enumerable = false;
  return Object.defineProperties(factory, descriptors) as F & Readonly<C>;
}

/**
 * A factory whose creates ignore their signal (as a careless create may) and wait for the test to
 * resolve `gate`; `signal` is the last create's, `destroyed` what the pool disposed of.
 */
export function stubborn() {
  const gate = deferred<Thing>();
  const destroyed: Thing[] = [];
  let signal: AbortSignal | null = null;
  const factory = {
    create(s: AbortSignal): Promise<Thing> {
      signal = s;
      return gate.promise;
    },
    destroy(thing: Thing): void {
      destroyed.push(thing);
    },
  };
  return withCounters(factory, {
    gate,
    destroyed,
    get signal(): AbortSignal | null {
      return signal;
    },
  });
}

/** A pool closed (at once) when the test finishes. */
export function pool<T extends object>(options: PoolOptions<T>): Pool<T> {
  const p = createPool(options);
  onTestFinished(() => p.close({ timeout: 0 }));
  return p;
}

/**
 * A clock that moves only when told (undici: lib/util/timers.js `tick()`): `advance(ms)` runs the
 * timers due by then, in time order, synchronously.
 */
export class FakeClock implements Clock {
  time = 1000;
  private readonly timers = new Map<number, { at: number; fn: () => void; every: number }>();
  private nextId = 1;

  now(): number {
    return this.time;
  }

  schedule(fn: () => void, ms: number, repeat: boolean): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, fn, every: repeat ? ms : 0 });
    return id;
  }

  cancel(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** Timers scheduled and not yet fired or cancelled. */
  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (let fired = 0; fired < 10_000; fired++) {
      let next: [number, { at: number; fn: () => void; every: number }] | null = null;
      for (const entry of this.timers) {
        if (entry[1].at <= end && (next === null || entry[1].at < next[1].at)) next = entry;
      }
      if (next === null) break;
      const [id, timer] = next;
      this.time = timer.at;
      if (timer.every > 0) timer.at += timer.every;
      else this.timers.delete(id);
      timer.fn();
    }
    this.time = end;
  }
}

/** A pool on `clock` (the pool's internal constructor parameter), closed when the test finishes. */
export function clockedPool<T extends object>(options: PoolOptions<T>, clock: Clock): Pool<T> {
  const p = new PoolImpl(resolvePoolOptions(options), clock);
  onTestFinished(() => p.close({ timeout: 0 }));
  return p;
}

/** A shared pool on `clock` (its internal constructor parameter), closed when the test finishes. */
export function sharedPool<T extends object>(
  options: SharedPoolOptions<T>,
  clock: Clock = new FakeClock(),
): SharedPool<T> {
  const p = new SharedPoolImpl(resolveSharedOptions(options), clock);
  onTestFinished(() => p.close({ timeout: 0 }));
  return p;
}

/** Settles a promise into a value or an error, for asserting on rejections without races. */
export function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/** Lets queued promise callbacks run (microtasks and one macrotask turn). */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
