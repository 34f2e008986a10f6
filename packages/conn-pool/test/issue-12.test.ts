// Issue 12: 11 acquires sharing one AbortSignal printed MaxListenersExceededWarning (one listener
// per waiter); the pool keeps one listener per distinct signal. Time options follow one rule.
import { getEventListeners } from 'node:events';
import { thrown } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AbortError, createTcpConnector, type PoolOptions } from '../src/index.js';
import { pool, settle, things, tick } from './helpers.js';

describe('acquires sharing one AbortSignal', () => {
  it('keep one abort listener on it, and print no MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    onTestFinished(() => {
      process.off('warning', onWarning);
    });
    const p = pool({ ...things(), maxActive: 1, acquireTimeout: 0 });
    const held = await p.acquire();
    const shared = new AbortController();
    const waiting = Array.from({ length: 11 }, () => p.acquire({ signal: shared.signal }));
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(1);
    await tick(); // process.emitWarning emits on the next tick
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    // Served one by one, the waiters leave the watch; the last one out removes the listener.
    for (let i = 0; i < waiting.length; i++) {
      p.release(i === 0 ? held : await waiting[i - 1]!);
    }
    p.release(await waiting.at(-1)!);
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
  });

  it('aborting it rejects every waiter using it, oldest first, and only those', async () => {
    const p = pool({ ...things(), maxActive: 1, acquireTimeout: 0 });
    const held = await p.acquire();
    const shared = new AbortController();
    const order: number[] = [];
    const sharing = [0, 1, 2].map((i) =>
      settle(p.acquire({ signal: shared.signal }).finally(() => order.push(i))),
    );
    const other = p.acquire({ signal: new AbortController().signal });
    shared.abort('gone');
    for (const { error } of await Promise.all(sharing)) {
      expect(error).toBeInstanceOf(AbortError);
      expect((error as AbortError).cause).toBe('gone');
    }
    expect(order).toEqual([0, 1, 2]);
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
    expect(p.stats().pending).toBe(1);
    p.release(held);
    expect(await other).toBe(held);
  });
});

describe('every time option follows one rule: integer ms from 0 to 2^31 - 1', () => {
  const factory = { create: () => ({}), destroy: () => {} };
  const rule = 'must be an integer number of milliseconds from 0 to 2147483647';

  for (const name of ['acquireTimeout', 'idleTimeout', 'maxLifetime', 'healthCheckInterval']) {
    it(`${name}: 2^31 and 1.5 are refused, naming option, rule and value`, () => {
      for (const value of [2 ** 31, 1.5]) {
        const options = { ...factory, [name]: value } as PoolOptions<object>;
        const error = thrown(() => pool(options));
        expect(error.code).toBe('RERPC_ERR_INVALID_OPTION');
        expect(error.message).toBe(`${name} ${rule}, got ${value}`);
      }
    });
  }

  it('closeTimeout and close({ timeout }) accept Infinity and refuse 2^31', async () => {
    const error = thrown(() => pool({ ...factory, closeTimeout: 2 ** 31 }));
    expect(error.message).toBe(`closeTimeout ${rule}, or Infinity to wait forever, got 2147483648`);
    const p = pool({ ...factory, closeTimeout: Number.POSITIVE_INFINITY });
    await expect(p.drain({ timeout: 2 ** 31 })).rejects.toMatchObject({
      code: 'RERPC_ERR_INVALID_OPTION',
    });
    await p.close({ timeout: Number.POSITIVE_INFINITY });
  });

  it('createTcpConnector: dialTimeout and keepAlive follow it too', () => {
    for (const name of ['dialTimeout', 'keepAlive']) {
      const error = thrown(() => createTcpConnector({ port: 1 }, { [name]: 2 ** 31 }));
      expect(error.message).toBe(`${name} ${rule}, got 2147483648`);
    }
  });
});
