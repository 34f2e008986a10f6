import { describe, expect, it } from 'vitest';
import {
  BUFFER_DEFAULTS,
  type BufferPoolOptions,
  createBufferPool,
  DoubleReleaseError,
  ForeignObjectError,
} from '../src/index.js';

describe('createBufferPool', () => {
  it('rounds a request up to its power-of-two class, at least minSize', () => {
    const pool = createBufferPool({ minSize: 1024, maxSize: 65_536 });
    const lengths = [0, 1, 1023, 1024, 1025, 3000, 4096, 4097, 65_536].map(
      (n) => pool.acquire(n).length,
    );
    expect(lengths).toEqual([1024, 1024, 1024, 1024, 2048, 4096, 4096, 8192, 65_536]);
    expect(pool.sizeFor(3000)).toBe(4096);
  });

  it('reuses a released buffer for any request in the same class', () => {
    const pool = createBufferPool();
    const a = pool.acquire(4096);
    a.fill(0xab);
    pool.release(a);
    const b = pool.acquire(2049);
    expect(b).toBe(a);
    expect(b[0]).toBe(0xab); // not zeroed, like Buffer.allocUnsafe
    expect(pool.acquire(2049)).not.toBe(a);
    expect(pool.stats()).toMatchObject({ created: 2, reused: 1, released: 1 });
  });

  it('keeps each class separate', () => {
    const pool = createBufferPool();
    const small = pool.acquire(1024);
    const large = pool.acquire(65_536);
    pool.release(small);
    pool.release(large);
    expect(pool.acquire(65_536)).toBe(large);
    expect(pool.acquire(1000)).toBe(small);
  });

  it('hands out buffers that own their memory, not slices of a shared slab', () => {
    const pool = createBufferPool({ minSize: 64, maxSize: 1024 });
    const buf = pool.acquire(64);
    expect(buf.byteOffset).toBe(0);
    expect(buf.buffer.byteLength).toBe(64);
  });

  it('serves requests above maxSize with an exact, unpooled buffer that release drops', () => {
    const pool = createBufferPool({ maxSize: 4096 });
    const big = pool.acquire(10_000);
    expect(big.length).toBe(10_000);
    pool.release(big);
    expect(pool.stats()).toMatchObject({ oversize: 1, dropped: 1, freeBuffers: 0 });
    expect(pool.sizeFor(10_000)).toBe(10_000);
  });

  it('drops slices and buffers of other shapes instead of pooling them', () => {
    const pool = createBufferPool();
    const whole = pool.acquire(4096);
    pool.release(whole.subarray(0, 2048));
    pool.release(Buffer.alloc(3000));
    pool.release(Buffer.allocUnsafe(1024)); // a slice of Node's shared 8 KiB slab
    pool.release(Buffer.alloc(512));
    expect(pool.stats()).toMatchObject({ freeBuffers: 0, dropped: 4 });
  });

  it('pools a buffer of exactly maxSize, and drops a larger power-of-two one it served unpooled', () => {
    const pool = createBufferPool({ minSize: 1024, maxSize: 4096 });
    const top = pool.acquire(4096);
    pool.release(top);
    expect(pool.acquire(4096)).toBe(top);
    const above = pool.acquire(8192);
    expect(above.length).toBe(8192);
    pool.release(above);
    expect(pool.acquire(8192)).not.toBe(above);
    expect(pool.stats()).toMatchObject({
      created: 1,
      reused: 1,
      released: 1,
      dropped: 1,
      oversize: 2,
      freeBuffers: 0,
    });
  });

  it('counts the bytes of free buffers down as acquires reuse them', () => {
    const pool = createBufferPool();
    const [a, b] = [pool.acquire(1024), pool.acquire(4096)];
    pool.release(a);
    pool.release(b);
    expect(pool.stats()).toMatchObject({ freeBuffers: 2, freeBytes: 5120 });
    pool.acquire(3000);
    expect(pool.stats()).toMatchObject({ freeBuffers: 1, freeBytes: 1024 });
    pool.acquire(1);
    expect(pool.stats()).toMatchObject({ freeBuffers: 0, freeBytes: 0 });
  });

  it('keeps at most maxBytes of free buffers', () => {
    const pool = createBufferPool({ maxBytes: 8192 });
    const bufs = [pool.acquire(4096), pool.acquire(4096), pool.acquire(4096)];
    for (const b of bufs) pool.release(b);
    expect(pool.stats()).toMatchObject({ freeBuffers: 2, freeBytes: 8192, dropped: 1 });
    pool.clear();
    expect(pool.stats()).toMatchObject({ freeBuffers: 0, freeBytes: 0 });
  });

  it('rejects a size that is not an integer >= 0', () => {
    const pool = createBufferPool();
    for (const bad of [
      -1,
      1.5,
      Number.NaN,
      5000.5,
      Number.POSITIVE_INFINITY,
      '8' as never,
      undefined as never,
    ]) {
      expect(() => pool.acquire(bad)).toThrow(/^size must be an integer >= 0, got /);
    }
  });

  it('unchecked (the default): a double release hands the same buffer to two acquirers', () => {
    const pool = createBufferPool();
    const a = pool.acquire(1024);
    pool.release(a);
    pool.release(a);
    expect(pool.acquire(1024)).toBe(pool.acquire(1024));
  });

  it('checked: throws DoubleReleaseError and ForeignObjectError', () => {
    const pool = createBufferPool({ checked: true });
    const a = pool.acquire(1024);
    pool.release(a);
    expect(() => pool.release(a)).toThrow(DoubleReleaseError);
    expect(() => pool.release(Buffer.allocUnsafeSlow(1024))).toThrow(ForeignObjectError);
    expect(() => pool.release(a.subarray(0, 10))).toThrow(ForeignObjectError);
    expect(pool.stats().freeBuffers).toBe(1);
  });
});

describe('createBufferPool option validation', () => {
  const cases: Array<[BufferPoolOptions, string]> = [
    [{ minSize: 1000 }, 'minSize must be a power of two from 1 to 2^30, got 1000'],
    [{ minSize: 0 }, 'minSize must be a power of two from 1 to 2^30, got 0'],
    [{ maxSize: 512 }, 'maxSize must be a power of two from minSize (1024) to 2^30, got 512'],
    [
      { maxSize: 2 ** 31 },
      'maxSize must be a power of two from minSize (1024) to 2^30, got 2147483648',
    ],
    [{ minSize: 1024.5 }, 'minSize must be a power of two from 1 to 2^30, got 1024.5'],
    [{ minSize: '1024' as never }, 'minSize must be a power of two from 1 to 2^30, got "1024"'],
    [{ maxBytes: -1 }, 'maxBytes must be an integer >= 0, got -1'],
    [{ checked: 1 as never }, 'checked must be a boolean, got 1'],
  ];
  for (const [options, message] of cases) {
    it(`throws "${message}"`, () => {
      expect(() => createBufferPool(options)).toThrow(message);
    });
  }

  it('accepts both ends of the size range: minSize 1 and maxSize 2^30', () => {
    const pool = createBufferPool({ minSize: 1, maxSize: 2 ** 30 });
    expect(pool.stats()).toMatchObject({ minSize: 1, maxSize: 2 ** 30 });
    expect(pool.acquire(0).length).toBe(1);
    expect(pool.acquire(3).length).toBe(4);
    expect(createBufferPool({ minSize: 4096, maxSize: 4096 }).sizeFor(10)).toBe(4096);
  });

  it('throws when options is not an object', () => {
    expect(() => createBufferPool('x' as never)).toThrow('options must be an object, got "x"');
    expect(() => createBufferPool(null as never)).toThrow('options must be an object, got null');
  });

  it('has frozen defaults: 1 KiB to 1 MiB classes, 8 MiB kept, unchecked', () => {
    expect(BUFFER_DEFAULTS).toEqual({
      minSize: 1024,
      maxSize: 1_048_576,
      maxBytes: 8_388_608,
      checked: false,
    });
    expect(Object.isFrozen(BUFFER_DEFAULTS)).toBe(true);
    expect(createBufferPool().stats()).toMatchObject({
      minSize: 1024,
      maxSize: 1_048_576,
      maxBytes: 8_388_608,
    });
  });
});
