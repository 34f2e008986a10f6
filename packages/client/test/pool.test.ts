import type { Socket } from 'node:net';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { until } from './fixtures/raw-server.js';
import { gate, setup } from './helpers.js';

describe('connections', () => {
  it('answers 10,000 concurrent calls correctly', async () => {
    const { client, server } = await setup();
    const calls = Array.from({ length: 10_000 }, (_, i) =>
      client.call('ArithService.Add', { a: i, b: 1 }),
    );
    const results = await Promise.all(calls);
    expect(results.every((r, i) => (r as { result: number }).result === i + 1)).toBe(true);
    expect(server.executions.get('ArithService.Add')).toBe(10_000);
    expect(client.stats()).toMatchObject({ pending: 0, settled: 10_000, dropped: 0 });
  });

  it('carries many calls on one connection below pipelineThreshold', async () => {
    const g = gate();
    const { client, server } = await setup({ handlers: { 'T.wait': g.handler } });
    const calls = Array.from({ length: 50 }, (_, i) => client.call('T.wait', [i]));
    await until(() => g.started === 50);
    g.releaseAll();
    await Promise.all(calls);
    expect(server.accepted).toBe(1);
    expect(client.stats().connections).toMatchObject({ active: 1, dialled: 1 });
  });

  it('dials another connection when every one has pipelineThreshold in flight, and sends to the least loaded', async () => {
    const g = gate();
    const perSocket = new Map<Socket, number>();
    const { client, server } = await setup(
      {
        handlers: {
          'T.wait': (params, { socket }) => {
            perSocket.set(socket, (perSocket.get(socket) ?? 0) + 1);
            return g.handler(params);
          },
        },
      },
      { pipelineThreshold: 2, maxActive: 3 },
    );
    // Sent in one tick: all go on the first connection; the third finds it at the threshold
    // and starts a second dial in the background.
    const first = [1, 2, 3].map((n) => client.call('T.wait', [n]));
    await until(() => client.stats().connections.active === 2);
    const next = client.call('T.wait', [4]);
    await until(() => g.started === 4);
    expect([...perSocket.values()].sort()).toEqual([1, 3]);
    expect(server.accepted).toBe(2);
    g.releaseAll();
    await Promise.all([...first, next]);
  });

  it('never opens more than maxActive connections', async () => {
    const { client, server } = await setup(
      {
        handlers: {
          'T.later': (p) => new Promise((resolve) => setImmediate(() => resolve(p))),
        },
      },
      { pipelineThreshold: 1, maxActive: 3 },
    );
    for (let wave = 0; wave < 5; wave++) {
      const calls = Array.from({ length: 200 }, (_, i) => client.call('T.later', [wave, i]));
      const results = await Promise.all(calls);
      expect(results).toEqual(Array.from({ length: 200 }, (_, i) => [wave, i]));
    }
    expect(server.accepted).toBeGreaterThan(1);
    expect(server.accepted).toBeLessThanOrEqual(3);
    expect(server.peakConnections).toBeLessThanOrEqual(3);
    expect(client.stats().connections.dialled).toBeLessThanOrEqual(3);
  });
});

describe('idle connections', () => {
  it('go back to the pool after about a second unused, and are reused from there', async () => {
    // The pool's sweep runs on an interval and reads performance.now(): both are faked.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const { client, server } = await setup();
    await client.call('ArithService.Add', { a: 1, b: 1 });
    vi.advanceTimersByTime(750);
    expect(client.stats().connections).toMatchObject({ active: 1, idle: 0 });
    vi.advanceTimersByTime(500);
    expect(client.stats().connections).toMatchObject({ active: 0, idle: 1 });
    await expect(client.call('ArithService.Add', { a: 2, b: 2 })).resolves.toEqual({ result: 4 });
    expect(client.stats().connections).toMatchObject({ active: 1, idle: 0, dialled: 1 });
    expect(server.accepted).toBe(1);
  });

  it('are closed beyond maxIdle', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const { client, server } = await setup({}, { maxIdle: 0 });
    await client.call('ArithService.Add', { a: 1, b: 1 });
    vi.advanceTimersByTime(1250);
    await until(() => server.sockets.size === 0);
    expect(client.stats().connections).toMatchObject({ active: 0, idle: 0, dialled: 1 });
    await expect(client.call('ArithService.Add', { a: 2, b: 2 })).resolves.toEqual({ result: 4 });
    expect(client.stats().connections.dialled).toBe(2);
  });
});
