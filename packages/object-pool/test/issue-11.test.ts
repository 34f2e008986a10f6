// Issue 11: plain-JavaScript misuse fails loudly. An unknown option name is refused (with a
// did-you-mean) instead of being ignored, and every option error carries a stable code.

import { builtErrorNameProblems, optionErrorLike } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { createBufferPool, createObjectPool, type ObjectPoolOptions } from '../src/index.js';

const create = () => ({ id: 0 });

describe('unknown option names', () => {
  it.each<[string, () => unknown, string | RegExp]>([
    [
      'createObjectPool',
      () =>
        createObjectPool({ create, maxSize: 10 } as unknown as ObjectPoolOptions<{ id: number }>),
      /^createObjectPool\(\) options has no option "maxSize"/,
    ],
    [
      'createObjectPool (resets)',
      () => createObjectPool({ create, resets: () => {} } as never),
      'did you mean "reset"?',
    ],
    [
      'createBufferPool',
      () => createBufferPool({ maxbytes: 10 } as never),
      /^createBufferPool\(\) options has no option "maxbytes"; did you mean "maxBytes"\?/,
    ],
  ])('%s refuses an unknown option, suggesting the close one', (_, create, message) => {
    expect(create).toThrow(optionErrorLike(message));
  });

  it('every known option is still accepted', () => {
    expect(() =>
      createObjectPool({ create, reset: () => {}, max: 1, checked: true }),
    ).not.toThrow();
    expect(() =>
      createBufferPool({ minSize: 64, maxSize: 1024, maxBytes: 4096, checked: true }),
    ).not.toThrow();
  });
});

describe('option errors carry RERPC_ERR_INVALID_OPTION', () => {
  it.each<[string, () => unknown]>([
    ['createObjectPool(undefined)', () => createObjectPool(undefined as never)],
    ['create', () => createObjectPool({} as never)],
    ['reset', () => createObjectPool({ create, reset: 5 } as never)],
    ['max', () => createObjectPool({ create, max: -1 })],
    ['checked', () => createObjectPool({ create, checked: 'yes' } as never)],
    [
      'checked create() result',
      () => createObjectPool({ create: () => 5, checked: true }).acquire(),
    ],
    ['createBufferPool("x")', () => createBufferPool('x' as never)],
    ['minSize', () => createBufferPool({ minSize: 3 })],
    ['maxSize', () => createBufferPool({ maxSize: 512 })],
    ['maxBytes', () => createBufferPool({ maxBytes: -1 })],
    ['buffer checked', () => createBufferPool({ checked: 1 as never })],
    ['acquire(size)', () => createBufferPool().acquire(-1)],
  ])('%s: a coded TypeError', (_, fn) => {
    expect(fn).toThrow(optionErrorLike());
  });
});

describe('the built package keeps class names (ESM and CJS)', () => {
  it('every exported error class is named as exported', async () => {
    expect(await builtErrorNameProblems(new URL('../dist/', import.meta.url))).toEqual([]);
  });
});
