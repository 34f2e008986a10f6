import {
  checkBoolean,
  checkInteger,
  describe,
  optionError,
  rejectUnknownOptions,
} from '@rerpc/internal';
import { DoubleReleaseError, ForeignObjectError } from './errors.js';
import {
  BUFFER_DEFAULTS,
  BUFFER_POOL_OPTIONS,
  type BufferPoolOptions,
  powerOfTwo,
} from './options.js';

/** Counters since the pool was created (a snapshot; each call returns a new object). */
export interface BufferPoolStats {
  /** Free buffers kept now, all classes. */
  freeBuffers: number;
  /** Bytes of free buffers kept now. */
  freeBytes: number;
  /** Buffers allocated for a size class (an acquire found none free). */
  created: number;
  /** Acquires served from free buffers. */
  reused: number;
  /** Releases that kept the buffer. */
  released: number;
  /** Releases that dropped the buffer: `maxBytes` reached, or not a whole class-sized buffer. */
  dropped: number;
  /** Acquires above `maxSize`, served by an unpooled buffer. */
  oversize: number;
  /** The configured limits. */
  minSize: number;
  maxSize: number;
  maxBytes: number;
}

/** Byte buffers in power-of-two size classes. */
export interface BufferPool {
  /**
   * Returns a buffer of at least `size` bytes: the size class's full length (the next power of
   * two, at least `minSize`), or exactly `size` above `maxSize`. Its contents are not zeroed (like
   * `Buffer.allocUnsafe`): they are whatever it last held. Throws a `TypeError` with code
   * `RERPC_ERR_INVALID_OPTION` on a size that is not an integer >= 0.
   */
  acquire(size: number): Buffer;
  /**
   * Gives a buffer back for reuse, if it is a whole class-sized buffer (as `acquire` returned it,
   * not a slice) and `maxBytes` allows; otherwise drops it. Unchecked unless `checked`: a buffer
   * released twice is then handed out twice, and both holders write to the same memory.
   */
  release(buf: Buffer): void;
  /** The length `acquire(size)` returns: the class size, or `size` itself above `maxSize`. */
  sizeFor(size: number): number;
  /** Drops every free buffer. */
  clear(): void;
  /** A snapshot of the counters. */
  stats(): BufferPoolStats;
}

class Buffers implements BufferPool {
  protected readonly minSize: number;
  protected readonly maxSize: number;
  protected readonly maxBytes: number;
  private readonly minShift: number;
  private readonly maxShift: number;
  /** One free list (a stack) per class: index 0 holds minSize buffers, doubling from there. */
  private readonly classes: Buffer[][];
  private freeBytes = 0;
  private created = 0;
  private reused = 0;
  private released = 0;
  private dropped = 0;
  private oversize = 0;

  constructor(minSize: number, maxSize: number, maxBytes: number) {
    this.minSize = minSize;
    this.maxSize = maxSize;
    this.maxBytes = maxBytes;
    this.minShift = 31 - Math.clz32(minSize);
    // Stryker disable next-line ArithmeticOperator: only sizes the class lists; extra ones stay empty
    this.maxShift = 31 - Math.clz32(maxSize);
    this.classes = [];
    for (let s = this.minShift; s <= this.maxShift; s++) this.classes.push([]);
  }

  /** The class index of `size`, or -1 above maxSize. Validates `size`. */
  private classOf(size: number): number {
    // Stryker disable next-line EqualityOperator: size === minSize is class 0 on either branch
    if (size <= this.minSize) {
      if (!(size >= 0) || (size | 0) !== size) {
        throw optionError(`size must be an integer >= 0, got ${describe(size)}`);
      }
      return 0;
    }
    if (size <= this.maxSize) {
      if ((size | 0) !== size) {
        throw optionError(`size must be an integer >= 0, got ${describe(size)}`);
      }
      // ceil(log2(size)): 32 - clz32(size - 1) for size >= 2.
      return 32 - Math.clz32(size - 1) - this.minShift;
    }
    if (!Number.isSafeInteger(size)) {
      throw optionError(`size must be an integer >= 0, got ${describe(size)}`);
    }
    return -1;
  }

  sizeFor(size: number): number {
    const cls = this.classOf(size);
    return cls === -1 ? size : this.minSize << cls;
  }

  acquire(size: number): Buffer {
    const cls = this.classOf(size);
    if (cls === -1) {
      this.oversize++;
      return Buffer.allocUnsafeSlow(size);
    }
    const free = this.classes[cls]!;
    if (free.length > 0) {
      const buf = free.pop()!;
      this.freeBytes -= buf.length;
      this.reused++;
      return buf;
    }
    this.created++;
    // allocUnsafeSlow: a buffer that owns its memory. allocUnsafe would carve small buffers out of
    // Node's shared 8 KiB slab, and keeping one would keep the whole slab alive.
    return Buffer.allocUnsafeSlow(this.minSize << cls);
  }

  release(buf: Buffer): void {
    const len = buf.length;
    if (
      len < this.minSize ||
      len > this.maxSize ||
      (len & (len - 1)) !== 0 ||
      // Owns its whole ArrayBuffer (so byteOffset is 0): not a slice.
      buf.buffer.byteLength !== len ||
      this.freeBytes + len > this.maxBytes
    ) {
      this.dropped++;
      return;
    }
    this.classes[31 - Math.clz32(len) - this.minShift]!.push(buf);
    this.freeBytes += len;
    this.released++;
  }

  clear(): void {
    for (const free of this.classes) free.length = 0;
    this.freeBytes = 0;
  }

  stats(): BufferPoolStats {
    let freeBuffers = 0;
    for (const free of this.classes) freeBuffers += free.length;
    return {
      freeBuffers,
      freeBytes: this.freeBytes,
      created: this.created,
      reused: this.reused,
      released: this.released,
      dropped: this.dropped,
      oversize: this.oversize,
      minSize: this.minSize,
      maxSize: this.maxSize,
      maxBytes: this.maxBytes,
    };
  }
}

/** The `checked: true` buffer pool: tracks what it handed out, in WeakSets. */
class CheckedBuffers extends Buffers {
  private readonly made = new WeakSet<Buffer>();
  private readonly out = new WeakSet<Buffer>();

  override acquire(size: number): Buffer {
    const buf = super.acquire(size);
    this.made.add(buf);
    this.out.add(buf);
    return buf;
  }

  override release(buf: Buffer): void {
    if (!Buffer.isBuffer(buf) || !this.made.has(buf)) throw new ForeignObjectError();
    if (!this.out.delete(buf)) throw new DoubleReleaseError();
    super.release(buf);
  }
}

/**
 * Creates a pool of byte buffers in power-of-two size classes from `minSize` to `maxSize`.
 * Throws a `TypeError` with code `RERPC_ERR_INVALID_OPTION` on an invalid or unknown option.
 * @example
 * const buffers = createBufferPool();
 * const buf = buffers.acquire(3000); // buf.length === 4096
 * buffers.release(buf);
 */
export function createBufferPool(options?: BufferPoolOptions): BufferPool {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw optionError(`options must be an object, got ${describe(options)}`);
  }
  const o = options ?? {};
  rejectUnknownOptions(o, BUFFER_POOL_OPTIONS, 'createBufferPool() options');
  const minSize = powerOfTwo('minSize', o.minSize ?? BUFFER_DEFAULTS.minSize, 1, '1');
  const maxSize = powerOfTwo(
    'maxSize',
    o.maxSize ?? BUFFER_DEFAULTS.maxSize,
    minSize,
    `minSize (${minSize})`,
  );
  const maxBytes = checkInteger('maxBytes', o.maxBytes ?? BUFFER_DEFAULTS.maxBytes, 0);
  const checked = checkBoolean('checked', o.checked ?? BUFFER_DEFAULTS.checked);
  return checked
    ? new CheckedBuffers(minSize, maxSize, maxBytes)
    : new Buffers(minSize, maxSize, maxBytes);
}
