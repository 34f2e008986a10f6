import { describe, expect, it } from 'vitest';
import { Histogram } from '../src/histogram.js';
import { listening, makeServer, Peer } from './helpers.js';

const req = (method: string, params?: unknown, id: unknown = 1) =>
  JSON.stringify(
    params === undefined ? { jsonrpc: '2.0', method, id } : { jsonrpc: '2.0', method, params, id },
  );

describe('stats()', () => {
  it('starts at zero', () => {
    const server = makeServer();
    expect(server.stats()).toEqual({
      connections: { open: 0, total: 0, refused: 0 },
      calls: { total: 0, inFlight: 0, running: 0, queued: 0, timedOut: 0 },
      errors: {},
      ignoredResponses: 0,
      bytes: { in: 0, out: 0 },
      latency: { count: 0, p50: 0, p90: 0, p99: 0, max: 0 },
    });
  });

  it('counts connections, calls, errors by code and bytes both ways', async () => {
    const { server, port } = await listening();
    const peer = await Peer.connect(port);
    const sent = [
      req('echo', [1], 1),
      req('nope', [], 2),
      '{bad',
      req('crash', [], 3),
      '{"jsonrpc":"2.0","method":"nope"}',
      '{"jsonrpc":"2.0","result":5,"id":9}',
      req('sleep', { ms: 30 }, 4),
    ];
    peer.send(...sent);
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => peer.next()));
    const stats = server.stats();
    expect(stats.connections).toEqual({ open: 1, total: 1, refused: 0 });
    expect(stats.calls).toEqual({ total: 3, inFlight: 0, running: 0, queued: 0, timedOut: 0 });
    expect(stats.errors).toEqual({ '-32601': 2, '-32603': 1, '-32700': 1 });
    expect(stats.ignoredResponses).toBe(1);
    const bytesIn = sent.reduce((n, text) => n + Buffer.byteLength(text) + 1, 0);
    const bytesOut = answers.reduce((n, text) => n + Buffer.byteLength(text) + 1, 0);
    expect(stats.bytes).toEqual({ in: bytesIn, out: bytesOut });
    peer.socket.end();
    await peer.closed;
    expect(server.stats().bytes).toEqual({ in: bytesIn, out: bytesOut });
    expect(server.stats().connections.open).toBe(0);
  });

  it('reports latency quantiles in milliseconds over every call', async () => {
    const server = makeServer();
    for (let i = 0; i < 20; i++) await server.handle(req('echo', [i]));
    await server.handle(req('sleep', { ms: 40 }));
    const { latency } = server.stats();
    expect(latency.count).toBe(21);
    expect(latency.p50).toBeLessThan(40);
    expect(latency.p50).toBeLessThanOrEqual(latency.p90);
    expect(latency.p90).toBeLessThanOrEqual(latency.p99);
    expect(latency.p99).toBeLessThanOrEqual(latency.max);
    expect(latency.max).toBeGreaterThanOrEqual(38);
  });
});

describe('Histogram', () => {
  it('is exact below 32 µs', () => {
    const h = new Histogram();
    for (let v = 0; v < 32; v++) h.record(v, 1);
    expect(h.count).toBe(32);
    expect(h.quantile(0.5)).toBe(15);
    expect(h.quantile(1)).toBe(31);
    expect(h.max).toBe(31);
  });

  it('stays within 1/16 of the true quantile across the range', () => {
    const h = new Histogram();
    const values: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const v = Math.floor(Math.exp((i / 5000) * Math.log(1e9)));
      values.push(v);
      h.record(v, 1);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.1, 0.5, 0.9, 0.99]) {
      const truth = values[Math.ceil(q * values.length) - 1]!;
      expect(Math.abs(h.quantile(q) - truth) / truth).toBeLessThanOrEqual(1 / 16);
    }
  });

  it('records counts at once, clamps huge values and treats fractions below 1 µs as 0', () => {
    const h = new Histogram();
    h.record(0.4, 10);
    h.record(1e12, 1);
    expect(h.count).toBe(11);
    expect(h.quantile(0.5)).toBe(0);
    expect(h.max).toBe(2 ** 31 - 1);
    expect(new Histogram().quantile(0.5)).toBe(0);
  });
});
