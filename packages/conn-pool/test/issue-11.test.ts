// Issue 11: plain-JavaScript misuse fails loudly. Unknown option names are refused (with a
// did-you-mean) wherever options are taken, and every option or argument error has a code.
import { once } from 'node:events';
import { createServer } from 'node:net';
import { builtErrorNameProblems, thrown } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createPool, createTcpConnector, type PoolOptions } from '../src/index.js';
import { pool, settle, things } from './helpers.js';

const INVALID_OPTION = 'RERPC_ERR_INVALID_OPTION';
const factory = { create: () => ({}), destroy: () => {} };

describe('unknown option names are refused', () => {
  it('createPool: a misspelt limit, with a did-you-mean', () => {
    const error = thrown(() => createPool({ ...factory, maxactive: 5 } as PoolOptions<object>));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe(INVALID_OPTION);
    expect(error.message).toMatch(
      /^createPool\(\) options has no option "maxactive"; did you mean "maxActive"\?/,
    );
  });

  it('createPool: the factory functions are known names', () => {
    const p = pool({ ...factory, validate: () => true, maxIdle: 1, closeTimeout: 0 });
    expect(p.stats().maxActive).toBe(100);
    const error = thrown(() => createPool({ ...factory, validator: () => true } as never));
    expect(error.message).toContain('did you mean "validate"?');
  });

  it('createPool: a class instance factory may keep its own state in fields', async () => {
    class Factory {
      made = 0;
      create() {
        this.made += 1;
        return {};
      }
      destroy() {}
    }
    const f = new Factory();
    const p = pool(f);
    p.release(await p.acquire());
    expect(f.made).toBe(1);
  });

  it('createTcpConnector: unknown options and target keys', () => {
    const options = thrown(() => createTcpConnector({ port: 1 }, { timeout: 5 } as never));
    expect(options.code).toBe(INVALID_OPTION);
    expect(options.message).toMatch(/^createTcpConnector\(\) options has no option "timeout"/);
    const target = thrown(() => createTcpConnector({ hots: '127.0.0.1', port: 1 } as never));
    expect(target.code).toBe(INVALID_OPTION);
    expect(target.message).toMatch(
      /^createTcpConnector\(\) target has no option "hots"; did you mean "host"\?/,
    );
  });

  it('a spread connector is exactly a factory: the documented pattern still dials', async () => {
    const server = createServer((s) => s.pipe(s)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as { port: number };
    const connector = createTcpConnector({ host: '127.0.0.1', port });
    expect(connector.address).toBe(`127.0.0.1:${port}`);
    expect(Object.keys({ ...connector }).sort()).toEqual(['create', 'destroy', 'validate']);
    const p = pool({ ...connector, maxActive: 1 });
    const socket = await p.acquire();
    await p.destroy(socket);
  });

  it('acquire(): rejects (never throws) on an unknown option or a bad signal', async () => {
    const p = pool(things());
    const unknown = await settle(p.acquire({ timeout: 5 } as never));
    expect(unknown.error).toMatchObject({ code: INVALID_OPTION });
    expect((unknown.error as Error).message).toMatch(
      /^acquire\(\) options has no option "timeout"/,
    );
    const signal = await settle(p.acquire({ signal: 'stop' } as never));
    expect(signal.error).toMatchObject({
      code: INVALID_OPTION,
      message: 'signal must be an AbortSignal, got "stop"',
    });
    const notObject = await settle(p.acquire(5 as never));
    expect(notObject.error).toMatchObject({ code: INVALID_OPTION });
    expect(p.stats()).toMatchObject({ pending: 0, size: 0 });
  });

  it('close() and drain(): reject an unknown option and do not close', async () => {
    const p = pool(things());
    const close = await settle(p.close({ timeOut: 0 } as never));
    expect(close.error).toMatchObject({ code: INVALID_OPTION });
    expect((close.error as Error).message).toMatch(
      /^close\(\) options has no option "timeOut"; did you mean "timeout"\?/,
    );
    const drain = await settle(p.drain({ wait: 0 } as never));
    expect((drain.error as Error).message).toMatch(/^drain\(\) options has no option "wait"/);
    expect(p.stats().closed).toBe(false);
    p.release(await p.acquire());
  });
});

describe('option and argument errors carry RERPC_ERR_INVALID_OPTION', () => {
  const cases: Array<[string, () => unknown]> = [
    ['createPool(undefined)', () => createPool(undefined as never)],
    ['create', () => createPool({ destroy: () => {} } as never)],
    ['maxActive', () => createPool({ ...factory, maxActive: 0 })],
    ['closeTimeout', () => createPool({ ...factory, closeTimeout: -1 })],
    ['target', () => createTcpConnector(null as never)],
    ['port', () => createTcpConnector({ port: 0 })],
    ['host', () => createTcpConnector({ host: '', port: 1 })],
    ['path', () => createTcpConnector({ path: '' })],
    ['path and port', () => createTcpConnector({ path: '/tmp/s', port: 1 } as never)],
    ['connector options', () => createTcpConnector({ port: 1 }, null as never)],
    ['dialTimeout', () => createTcpConnector({ port: 1 }, { dialTimeout: -1 })],
    ['noDelay', () => createTcpConnector({ port: 1 }, { noDelay: 1 as never })],
    ['lookup', () => createTcpConnector({ port: 1 }, { lookup: 'dns' as never })],
    ['release(foreign)', () => pool(factory).release({})],
  ];
  for (const [what, fn] of cases) {
    it(`${what}: a TypeError with code ${INVALID_OPTION}`, () => {
      const error = thrown(fn);
      expect(error).toBeInstanceOf(TypeError);
      expect(error.code).toBe(INVALID_OPTION);
    });
  }

  it('close({ timeout }) with a bad value rejects with the code', async () => {
    const p = pool(things());
    const result = await settle(p.close({ timeout: -1 }));
    expect(result.error).toMatchObject({ code: INVALID_OPTION });
  });
});

describe('README', () => {
  it('lists the option error code', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('| `TypeError`          | `RERPC_ERR_INVALID_OPTION` |');
  });
});

describe('the built package keeps class names (ESM and CJS)', () => {
  it('every exported error class is named as exported', async () => {
    expect(await builtErrorNameProblems(new URL('../dist/', import.meta.url))).toEqual([]);
  });
});
