import { readFileSync } from 'node:fs';
import { readmeDefaults } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import {
  CONNECTOR_DEFAULTS,
  createPool,
  createSharedPool,
  DEFAULTS,
  type PoolOptions,
  SHARED_DEFAULTS,
  type SharedPoolOptions,
} from '../src/index.js';

const factory = { create: () => ({}), destroy: () => {} };
const make = (extra: Record<string, unknown>) =>
  createPool({ ...factory, ...extra } as PoolOptions<object>);

describe('option validation', () => {
  it.each([
    [{ create: undefined }, 'create must be a function, got undefined'],
    [{ destroy: 42 }, 'destroy must be a function, got 42'],
    [{ validate: true }, 'validate must be a function, got true'],
    [{ maxIdle: -1 }, 'maxIdle must be an integer >= 0 or Infinity, got -1'],
    [{ maxIdle: 1.5 }, 'maxIdle must be an integer >= 0 or Infinity, got 1.5'],
    [{ maxActive: 0 }, 'maxActive must be an integer >= 1 or Infinity, got 0'],
    [{ maxActive: '10' }, 'maxActive must be an integer >= 1 or Infinity, got "10"'],
    [
      { acquireTimeout: -5 },
      'acquireTimeout must be an integer number of milliseconds from 0 to 2147483647, got -5',
    ],
    [
      { acquireTimeout: Infinity },
      'acquireTimeout must be an integer number of milliseconds from 0 to 2147483647, got Infinity',
    ],
    [
      { idleTimeout: 2 ** 31 },
      'idleTimeout must be an integer number of milliseconds from 0 to 2147483647, got 2147483648',
    ],
    [
      { maxLifetime: Number.NaN },
      'maxLifetime must be an integer number of milliseconds from 0 to 2147483647, got NaN',
    ],
    [
      { healthCheckInterval: -1 },
      'healthCheckInterval must be an integer number of milliseconds from 0 to 2147483647, got -1',
    ],
    [
      { closeTimeout: -1 },
      'closeTimeout must be an integer number of milliseconds from 0 to 2147483647, or Infinity to wait forever, got -1',
    ],
  ])('rejects %j', (extra, message) => {
    expect(() => make(extra)).toThrow(TypeError);
    expect(() => make(extra)).toThrow(message);
  });

  it('accepts Infinity where documented and the edge values', async () => {
    const pool = make({ maxActive: Infinity, maxIdle: Infinity, closeTimeout: Infinity });
    expect(pool.stats().maxActive).toBe(Infinity);
    await pool.close({ timeout: 0 });
    const edges = make({ maxIdle: 0, maxActive: 1, acquireTimeout: 0, idleTimeout: 0 });
    await edges.close();
  });
});

// What both pool modes check alike.
describe.each([
  { name: 'createPool', create: createPool as (o: unknown) => unknown, defaults: DEFAULTS, make },
  {
    name: 'createSharedPool',
    create: createSharedPool as (o: unknown) => unknown,
    defaults: SHARED_DEFAULTS,
    make: (extra: Record<string, unknown>) =>
      createSharedPool({ ...factory, ...extra } as SharedPoolOptions<object>),
  },
])('$name() options', ({ create, defaults, make }) => {
  it.each([undefined, null, 42])('rejects %j, not an object', (options) => {
    expect(() => create(options)).toThrow(
      `options must be an object with create and destroy, got ${String(options)}`,
    );
  });

  it('refuses an unknown key on a null-prototype object as on a plain one', () => {
    const options = Object.assign(Object.create(null) as object, factory, { maxActve: 1 });
    expect(() => create(options)).toThrow(/has no option "maxActve"; did you mean "maxActive"\?/);
  });

  it('resolves missing options to its defaults, a frozen object', async () => {
    const pool = make({});
    expect(pool.stats().maxActive).toBe(defaults.maxActive);
    expect(Object.isFrozen(defaults)).toBe(true);
    await pool.close();
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  const show = (value: unknown) => (typeof value === 'string' ? `'${value}'` : String(value));

  it.each([
    ['### Pool options', DEFAULTS],
    ['### Connector options', CONNECTOR_DEFAULTS],
    ['### Shared pool options', SHARED_DEFAULTS],
  ] as [string, object][])(
    'documents every default under %s as the code has it',
    (section, defaults) => {
      const rows = readmeDefaults(readme, section);
      for (const [key, value] of Object.entries(defaults)) {
        expect(rows.get(key), key).toBe(show(value));
      }
    },
  );
});
