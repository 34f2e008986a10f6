import { describe, optionError } from '@rerpc/internal';
/** Options of {@link createObjectPool}. */
export interface ObjectPoolOptions<T> {
  /** Makes a new object when none is free. */
  create: () => T;
  /**
   * Clears an object as it is released (drop references, zero counters), so a free object keeps
   * nothing alive and the next `acquire` gets a clean one. Not called for an object the pool drops.
   * @default undefined (no reset)
   */
  reset?: ((obj: T) => void) | undefined;
  /**
   * Free objects kept for reuse. Acquiring past it still works (a new object is made); releasing
   * past it drops the object for the garbage collector. 0 keeps nothing.
   * @default 1024
   */
  max?: number;
  /**
   * Detect releasing an object twice (`DoubleReleaseError`) or one this pool never handed out
   * (`ForeignObjectError`). Costs two WeakSet updates per acquire/release cycle (about 50 ns on
   * Node 20, 3-5× the unchecked cycle); meant for tests and debugging.
   * @default false
   */
  checked?: boolean;
}

/** Options of {@link createBufferPool}. */
export interface BufferPoolOptions {
  /**
   * The smallest size class in bytes (a power of two); smaller requests get a buffer this long.
   * @default 1024
   */
  minSize?: number;
  /**
   * The largest size class in bytes (a power of two). Larger requests get an unpooled buffer of
   * exactly the requested length, which `release` drops.
   * @default 1048576 (1 MiB)
   */
  maxSize?: number;
  /**
   * Bytes of free buffers kept across all size classes; a release past it drops the buffer.
   * 0 keeps nothing.
   * @default 8388608 (8 MiB)
   */
  maxBytes?: number;
  /**
   * Detect double and foreign releases, as for the object pool (two WeakSet updates per cycle).
   * @default false
   */
  checked?: boolean;
}

/** The object pool's defaults (the README's options table is tested against them). */
export const DEFAULTS = Object.freeze({
  max: 1024,
  checked: false,
});

/** The buffer pool's defaults. */
export const BUFFER_DEFAULTS = Object.freeze({
  minSize: 1024,
  maxSize: 1_048_576,
  maxBytes: 8_388_608,
  checked: false,
});

/** Every option name of {@link createObjectPool}: any other name is refused. */
export const OBJECT_POOL_OPTIONS = ['create', 'reset', 'max', 'checked'] as const;

/** Every option name of {@link createBufferPool}. */
export const BUFFER_POOL_OPTIONS = ['minSize', 'maxSize', 'maxBytes', 'checked'] as const;

/** `Number.isInteger` as the type guard it is: only a number is an integer. */
const isInteger = Number.isInteger as (value: unknown) => value is number;

export function powerOfTwo(name: string, value: unknown, min: number, minName: string): number {
  if (!isInteger(value) || value < min || value > 2 ** 30 || (value & (value - 1)) !== 0) {
    throw optionError(
      `${name} must be a power of two from ${minName} to 2^30, got ${describe(value)}`,
    );
  }
  return value;
}
