import { onTestFinished } from 'vitest';
import { createPool, type Pool, type PoolOptions } from '../src/index.js';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

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
  return Object.defineProperties(factory, {
    live: { value: live },
    destroyed: { value: destroyed },
    signals: { value: signals },
    nextDestroy: { value: nextDestroy },
  }) as typeof factory & {
    readonly live: Set<Thing>;
    readonly destroyed: Thing[];
    readonly signals: AbortSignal[];
    nextDestroy(): Promise<Thing>;
  };
}

/** A pool closed (at once) when the test finishes. */
export function pool<T extends object>(options: PoolOptions<T>): Pool<T> {
  const p = createPool(options);
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
