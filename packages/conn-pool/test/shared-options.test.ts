import { describe, expect, it } from 'vitest';
import { createSharedPool, type SharedPoolOptions } from '../src/index.js';

const factory = { create: () => ({}), destroy: () => {} };
const make = (extra: Record<string, unknown>) =>
  createSharedPool({ ...factory, ...extra } as SharedPoolOptions<object>);
const ms = 'must be an integer number of milliseconds from 0 to 2147483647';

describe('createSharedPool() option validation', () => {
  it.each([
    [{ create: undefined }, 'create must be a function, got undefined'],
    [{ destroy: 42 }, 'destroy must be a function, got 42'],
    [{ validate: true }, 'validate must be a function, got true'],
    [{ load: 'leases' }, 'load must be a function, got "leases"'],
    [{ maxActive: 0 }, 'maxActive must be an integer >= 1 or Infinity, got 0'],
    [{ maxActive: 2.5 }, 'maxActive must be an integer >= 1 or Infinity, got 2.5'],
    [{ loadThreshold: 0 }, 'loadThreshold must be an integer >= 1 or Infinity, got 0'],
    [{ loadThreshold: '5' }, 'loadThreshold must be an integer >= 1 or Infinity, got "5"'],
    [{ parkTimeout: -1 }, `parkTimeout ${ms}, got -1`],
    [{ parkTimeout: 2 ** 31 }, `parkTimeout ${ms}, got 2147483648`],
    [{ maxIdle: -1 }, 'maxIdle must be an integer >= 0 or Infinity, got -1'],
    [{ idleTimeout: Infinity }, `idleTimeout ${ms}, got Infinity`],
    [{ idleTimeout: 1.5 }, `idleTimeout ${ms}, got 1.5`],
    [{ createBackoff: Number.NaN }, `createBackoff ${ms}, got NaN`],
    [{ closeTimeout: -1 }, `closeTimeout ${ms}, or Infinity to wait forever, got -1`],
  ])('rejects %o', (extra, message) => {
    expect(() => make(extra)).toThrow(TypeError);
    expect(() => make(extra)).toThrow(message);
  });

  it('refuses an unknown option with a did-you-mean', () => {
    expect(() => make({ loadThreshhold: 5 })).toThrow(
      /createSharedPool\(\) options has no option "loadThreshhold"; did you mean "loadThreshold"\?/,
    );
    expect(() => make({ maxactive: 5 })).toThrow(/did you mean "maxActive"/);
  });

  it('accepts a class instance as the factory, its fields and `this` included', async () => {
    class Factory {
      made = 0;
      create() {
        this.made += 1;
        return { n: this.made };
      }
      destroy() {}
    }
    const f = new Factory();
    const pool = createSharedPool(f);
    expect(await pool.acquire()).toEqual({ n: 1 });
    await pool.close({ timeout: 0 });
  });

  it('accepts Infinity where documented, 0 where it disables, and null for the optional functions', async () => {
    const pool = make({
      maxActive: Infinity,
      loadThreshold: Infinity,
      maxIdle: Infinity,
      closeTimeout: Infinity,
      parkTimeout: 0,
      idleTimeout: 0,
      createBackoff: 0,
      validate: null,
      load: null,
    });
    expect(pool.stats().maxActive).toBe(Infinity);
    await pool.close();
  });
});
