import { describe, expect, it } from 'vitest';
import {
  createObjectPool,
  DEFAULTS,
  DoubleReleaseError,
  ForeignObjectError,
  type ObjectPoolOptions,
} from '../src/index.js';

interface Rec {
  id: number;
  method: string;
  params: unknown;
}

const newRec = (): Rec => ({ id: 0, method: '', params: null });
const clearRec = (r: Rec) => {
  r.id = 0;
  r.method = '';
  r.params = null;
};

describe('createObjectPool', () => {
  it('hands a released object back on the next acquire, reset', () => {
    const pool = createObjectPool({ create: newRec, reset: clearRec });
    const a = pool.acquire();
    a.id = 7;
    a.params = { big: 'payload' };
    pool.release(a);
    expect(pool.free).toBe(1);
    const b = pool.acquire();
    expect(b).toBe(a);
    expect(b).toEqual({ id: 0, method: '', params: null });
    expect(pool.stats()).toMatchObject({ created: 1, reused: 1, released: 1, dropped: 0, free: 0 });
  });

  it('creates a new object when none is free, without limit', () => {
    const pool = createObjectPool({ create: newRec, max: 2 });
    const objects = Array.from({ length: 5 }, () => pool.acquire());
    expect(new Set(objects).size).toBe(5);
    expect(pool.stats()).toMatchObject({ created: 5, reused: 0 });
  });

  it('keeps at most max free objects and drops releases past it, without resetting them', () => {
    let resets = 0;
    const pool = createObjectPool({ create: newRec, reset: () => resets++, max: 2 });
    const objects = Array.from({ length: 5 }, () => pool.acquire());
    for (const o of objects) pool.release(o);
    expect(pool.free).toBe(2);
    expect(resets).toBe(2);
    expect(pool.stats()).toMatchObject({ released: 2, dropped: 3, max: 2 });
  });

  it('with max 0 keeps nothing', () => {
    const pool = createObjectPool({ create: newRec, max: 0 });
    const a = pool.acquire();
    pool.release(a);
    expect(pool.acquire()).not.toBe(a);
    expect(pool.stats()).toMatchObject({ created: 2, dropped: 1 });
  });

  it('reuses the most recently released object first (LIFO, cache-warm)', () => {
    const pool = createObjectPool({ create: newRec });
    const [a, b] = [pool.acquire(), pool.acquire()];
    pool.release(a);
    pool.release(b);
    expect(pool.acquire()).toBe(b);
    expect(pool.acquire()).toBe(a);
  });

  it('drops the object and rethrows when reset throws', () => {
    const pool = createObjectPool({
      create: newRec,
      reset: () => {
        throw new Error('reset failed');
      },
    });
    expect(() => pool.release(pool.acquire())).toThrow('reset failed');
    expect(pool.free).toBe(0);
  });

  it('clear drops every free object', () => {
    const pool = createObjectPool({ create: newRec });
    pool.release(pool.acquire());
    pool.clear();
    expect(pool.free).toBe(0);
  });

  it('unchecked (the default): a double release is not detected and puts the object in twice', () => {
    const pool = createObjectPool({ create: newRec });
    const a = pool.acquire();
    pool.release(a);
    pool.release(a);
    expect(pool.free).toBe(2);
    expect(pool.acquire()).toBe(pool.acquire());
  });

  it('unchecked (the default): a foreign object is accepted and handed out later', () => {
    const pool = createObjectPool({ create: newRec });
    const stranger = newRec();
    pool.release(stranger);
    expect(pool.acquire()).toBe(stranger);
  });

  it('checked: throws DoubleReleaseError on a second release, also after a drop past max', () => {
    const pool = createObjectPool({ create: newRec, max: 1, checked: true });
    const a = pool.acquire();
    const b = pool.acquire();
    pool.release(a);
    expect(() => pool.release(a)).toThrow(DoubleReleaseError);
    pool.release(b); // dropped: max is 1
    expect(() => pool.release(b)).toThrow(
      expect.objectContaining({ code: 'RERPC_ERR_DOUBLE_RELEASE' }),
    );
    expect(pool.free).toBe(1);
    // Acquired again, it may be released again.
    const again = pool.acquire();
    expect(again).toBe(a);
    expect(() => pool.release(again)).not.toThrow();
  });

  it('checked: throws ForeignObjectError on an object this pool never made', () => {
    const pool = createObjectPool({ create: newRec, checked: true });
    const other = createObjectPool({ create: newRec, checked: true });
    expect(() => pool.release(newRec())).toThrow(ForeignObjectError);
    expect(() => pool.release(other.acquire())).toThrow(
      expect.objectContaining({ code: 'RERPC_ERR_FOREIGN_OBJECT' }),
    );
    expect(() => pool.release(5 as never)).toThrow(ForeignObjectError);
    expect(pool.free).toBe(0);
  });

  it('checked: refuses a create() that returns a primitive, which it could not track', () => {
    const pool = createObjectPool({ create: () => 5, checked: true });
    expect(() => pool.acquire()).toThrow('a checked pool needs create() to return objects, got 5');
    const nulls = createObjectPool({ create: () => null, checked: true });
    expect(() => nulls.acquire()).toThrow(
      'a checked pool needs create() to return objects, got null',
    );
  });
});

describe('createObjectPool option validation', () => {
  const cases: Array<[unknown, string]> = [
    [undefined, 'options must be an object with a create function, got undefined'],
    [null, 'options must be an object with a create function, got null'],
    [{}, 'create must be a function, got undefined'],
    [{ create: newRec, reset: 5 }, 'reset must be a function, got 5'],
    [{ create: newRec, max: -1 }, 'max must be an integer >= 0, got -1'],
    [{ create: newRec, max: 1.5 }, 'max must be an integer >= 0, got 1.5'],
    [
      { create: newRec, max: Number.POSITIVE_INFINITY },
      'max must be an integer >= 0, got Infinity',
    ],
    [{ create: newRec, checked: 'yes' }, 'checked must be a boolean, got "yes"'],
  ];
  for (const [options, message] of cases) {
    it(`throws "${message}"`, () => {
      expect(() => createObjectPool(options as ObjectPoolOptions<Rec>)).toThrow(message);
    });
  }

  it('defaults to max 1024, unchecked', () => {
    expect(DEFAULTS).toEqual({ max: 1024, checked: false });
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
    expect(createObjectPool({ create: newRec }).stats().max).toBe(1024);
  });
});
