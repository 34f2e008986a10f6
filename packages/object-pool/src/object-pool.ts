import {
  checkBoolean,
  checkFunction,
  checkInteger,
  describe,
  optionError,
  rejectUnknownOptions,
} from '@rerpc/internal';
import { DoubleReleaseError, ForeignObjectError } from './errors.js';
import { DEFAULTS, OBJECT_POOL_OPTIONS, type ObjectPoolOptions } from './options.js';

/** Counters since the pool was created (a snapshot; each call returns a new object). */
export interface ObjectPoolStats {
  /** Objects free in the pool now. */
  free: number;
  /** Objects made by `create` (an acquire found nothing free). */
  created: number;
  /** Acquires served from the free objects. */
  reused: number;
  /** Releases that kept the object for reuse. */
  released: number;
  /** Releases that dropped the object because `max` were already free. */
  dropped: number;
  /** The configured `max`. */
  max: number;
}

/** A free list of reusable objects. */
export interface ObjectPool<T> {
  /** Returns a free object, or a new one from `create` when none is free. Never blocks. */
  acquire(): T;
  /**
   * Gives an object back: reset and kept if fewer than `max` are free, else dropped. Unchecked
   * unless the pool is `checked`: releasing twice then puts the object in the free list twice, so
   * two later acquires share it. Throws what `reset` throws (the object is then dropped);
   * `checked` pools throw `DoubleReleaseError` / `ForeignObjectError`.
   */
  release(obj: T): void;
  /** Drops every free object. */
  clear(): void;
  /** Objects free now. */
  readonly free: number;
  /** A snapshot of the counters. */
  stats(): ObjectPoolStats;
}

class Pool<T> implements ObjectPool<T> {
  protected readonly items: T[] = [];
  protected readonly make: () => T;
  protected readonly reset: ((obj: T) => void) | null;
  protected readonly max: number;
  protected created = 0;
  protected reused = 0;
  protected released = 0;
  protected dropped = 0;

  constructor(create: () => T, reset: ((obj: T) => void) | null, max: number) {
    this.make = create;
    this.reset = reset;
    this.max = max;
  }

  get free(): number {
    return this.items.length;
  }

  acquire(): T {
    if (this.items.length > 0) {
      this.reused++;
      return this.items.pop()!;
    }
    this.created++;
    return this.make();
  }

  release(obj: T): void {
    if (this.items.length < this.max) {
      if (this.reset !== null) this.reset(obj);
      this.items.push(obj);
      this.released++;
    } else {
      this.dropped++;
    }
  }

  clear(): void {
    this.items.length = 0;
  }

  stats(): ObjectPoolStats {
    return {
      free: this.items.length,
      created: this.created,
      reused: this.reused,
      released: this.released,
      dropped: this.dropped,
      max: this.max,
    };
  }
}

/** The `checked: true` pool: tracks what it made and what is out, in WeakSets (no leaks). */
class CheckedPool<T> extends Pool<T> {
  private readonly made = new WeakSet<object>();
  private readonly out = new WeakSet<object>();

  override acquire(): T {
    const obj = super.acquire();
    if (typeof obj !== 'object' || obj === null) {
      throw optionError(`a checked pool needs create() to return objects, got ${describe(obj)}`);
    }
    this.made.add(obj);
    this.out.add(obj);
    return obj;
  }

  override release(obj: T): void {
    // WeakSet#has is false for a primitive: no type check needed first.
    const key = obj as object;
    if (!this.made.has(key)) throw new ForeignObjectError();
    if (!this.out.delete(key)) throw new DoubleReleaseError();
    super.release(obj);
  }
}

/**
 * Creates an object pool. Throws a `TypeError` with code `RERPC_ERR_INVALID_OPTION` on an
 * invalid or unknown option.
 * @example
 * const records = createObjectPool({ create: () => ({ id: 0, method: '' }), reset: (r) => { r.id = 0; r.method = ''; } });
 * const r = records.acquire(); // … use r …
 * records.release(r);
 */
export function createObjectPool<T>(options: ObjectPoolOptions<T>): ObjectPool<T> {
  if (typeof options !== 'object' || options === null) {
    throw optionError(`options must be an object with a create function, got ${describe(options)}`);
  }
  rejectUnknownOptions(options, OBJECT_POOL_OPTIONS, 'createObjectPool() options');
  const create = checkFunction<() => T>('create', options.create);
  const reset =
    options.reset === undefined ? null : checkFunction<(object: T) => void>('reset', options.reset);
  const max = checkInteger('max', options.max ?? DEFAULTS.max, 0);
  const checked = checkBoolean('checked', options.checked ?? DEFAULTS.checked);
  return checked ? new CheckedPool(create, reset, max) : new Pool(create, reset, max);
}
