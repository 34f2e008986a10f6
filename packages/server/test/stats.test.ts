import { describe, expect, it, onTestFinished } from 'vitest';
import { createServerWithClock } from '../src/server.js';
import { deferred, listening, makeServer, Peer, req } from './helpers.js';

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

  it('reports latency quantiles in milliseconds over every call, timed by the server clock', async () => {
    let now = 1000;
    const server = createServerWithClock(undefined, { now: () => now, origin: 0 });
    onTestFinished(() => server.close({ timeout: 0 }));
    server.method('echo', (params: unknown) => params);
    const gate = deferred<string>();
    server.method('slow', () => gate.promise);
    for (let i = 0; i < 20; i++) await server.handle(req('echo', [i]));
    const slow = server.handle(req('slow'));
    now += 40;
    gate.resolve('done');
    await slow;
    // Exact below 64 µs; a quantile is capped at the largest value recorded.
    expect(server.stats().latency).toEqual({ count: 21, p50: 0, p90: 0, p99: 40, max: 40 });
  });

  it('times a read of many calls with two clock reads: the calls it answers share its duration', async () => {
    let now = 0;
    let reads = 0;
    const server = createServerWithClock(undefined, {
      now: () => {
        reads++;
        return now;
      },
      origin: 0,
    });
    onTestFinished(() => server.close({ timeout: 0 }));
    server.method('tick', () => {
      now += 0.01;
      return null;
    });
    const batch = `[${Array.from({ length: 100 }, (_, i) => req('tick', [], i)).join(',')}]`;
    await server.handle(batch);
    expect(reads).toBe(2);
    const { latency } = server.stats();
    expect(latency.count).toBe(100);
    expect(latency.max).toBe(1);
  });
});
