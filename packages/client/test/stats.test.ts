import { describe, expect, it } from 'vitest';
import { setup } from './helpers.js';

describe('stats', () => {
  it('starts at zero', async () => {
    const { client } = await setup();
    const stats = client.stats();
    expect(stats).toMatchObject({ pending: 0, settled: 0, retries: 0, dropped: 0, cancelsSent: 0 });
    // Every counter, whatever its name (the names are ClientStats' type, checked by tsc).
    const groups = [stats.connections, stats.errors, stats.latency, stats.inbound];
    for (const group of [...groups, stats.subscriptions]) {
      expect(new Set(Object.values(group))).toEqual(new Set([0]));
    }
  });

  it('counts calls, errors and latency quantiles', async () => {
    const { client } = await setup({}, { pipelineThreshold: 1000 });
    const calls = Array.from({ length: 200 }, (_, i) =>
      client.call('ArithService.Add', { a: i, b: 1 }),
    );
    const pending = client.stats().pending;
    await Promise.all(calls);
    await client.call('ArithService.Divide', { a: 1, b: 0 }).catch(() => {});
    await client.call('A.b', { x: 1n }).catch(() => {});
    const stats = client.stats();
    expect(pending).toBe(200);
    expect(stats).toMatchObject({
      pending: 0,
      settled: 201,
      errors: { rpc: 1 },
      connections: { active: 1, dialled: 1 },
    });
    expect(stats.latency.count).toBe(201);
    expect(stats.latency.p50).toBeGreaterThan(0);
    expect(stats.latency.p50).toBeLessThanOrEqual(stats.latency.p90);
    expect(stats.latency.p90).toBeLessThanOrEqual(stats.latency.p99);
  });

  it('records as latency the time from a call or batch to its answer', async () => {
    const { client } = await setup();
    const before = performance.now();
    await client.call('ArithService.Add', { a: 1, b: 1 });
    await client.call('ArithService.Add', { a: 1, b: 1 });
    await client.batch([{ method: 'ArithService.Add', params: { a: 2, b: 2 } }]);
    const took = performance.now() - before;
    const { latency } = client.stats();
    expect(latency.count).toBe(3);
    // p99 of three samples is the largest: each answer came within the time the three took.
    expect(latency.p99).toBeLessThanOrEqual(took);
  });

  it('returns a new object each time', async () => {
    const { client } = await setup();
    const a = client.stats();
    const b = client.stats();
    expect(a).not.toBe(b);
    expect(a.errors).not.toBe(b.errors);
  });
});
