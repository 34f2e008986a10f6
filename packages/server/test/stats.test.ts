import { describe, expect, it, onTestFinished } from 'vitest';
import type { CallContext, SubscriptionSink } from '../src/index.js';
import { createServerWithClock } from '../src/server.js';
import { deferred, listening, makeServer, Peer, req } from './helpers.js';

type Msg = { id?: unknown; method?: string; result?: unknown };

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
      subscriptions: { active: 0, opened: 0, closed: 0, eventsSent: 0, eventsDropped: 0 },
      peerCalls: {
        pending: 0,
        sent: 0,
        answered: 0,
        failed: 0,
        timedOut: 0,
        abandoned: 0,
        refused: 0,
      },
      cancellations: { applied: 0, ignored: 0 },
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
    // Highest code first, whatever order the errors came in.
    expect(Object.keys(stats.errors)).toEqual(['-32601', '-32603', '-32700']);
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

  it('counts subscriptions: opened, active, events sent and dropped, closed by unsubscribe and disconnect', async () => {
    const { server, port } = await listening({ maxSubscriptionBuffer: 2 });
    const sinks: SubscriptionSink[] = [];
    // Five events before the reply exists: two wait for it, three find the buffer full.
    server.subscription('ticks', (_p: unknown, _ctx: CallContext, sink: SubscriptionSink) => {
      sinks.push(sink);
      for (let i = 0; i < 5; i++) sink.trySend(i);
    });
    const peer = await Peer.connect(port);
    peer.send(req('ticks_subscribe', undefined, 1), req('ticks_subscribe', undefined, 2));
    await peer.take(6); // two replies, two events each
    expect(server.stats().subscriptions).toEqual({
      active: 2,
      opened: 2,
      closed: 0,
      eventsSent: 4,
      eventsDropped: 6,
    });
    peer.send(req('ticks_unsubscribe', [sinks[0]!.id], 3));
    expect(await peer.nextJson()).toMatchObject({ result: true, id: 3 });
    expect(server.stats().subscriptions).toMatchObject({ active: 1, closed: 1 });
    const ended = new Promise((resolve) => sinks[1]!.signal.addEventListener('abort', resolve));
    peer.socket.destroy();
    await ended;
    expect(server.stats().subscriptions).toMatchObject({ active: 0, opened: 2, closed: 2 });
  });

  it('counts calls to the peer by outcome: answered, failed, timed out, abandoned, refused', async () => {
    const { server, port } = await listening({ maxPeerCalls: 3 });
    server.method('fanout', async (_p: unknown, ctx: CallContext) => {
      const peer = ctx.peer!;
      const outcomes = await Promise.allSettled([
        peer.call('ok'),
        peer.call('bad'),
        peer.call('silent', undefined, { timeout: 20 }),
        peer.call('over'), // a fourth while three are pending: refused, never sent
      ]);
      return outcomes.map((o) => o.status);
    });
    const hung = deferred<unknown>();
    server.method('hang', (_p: unknown, ctx: CallContext) => {
      ctx.peer!.call('never').catch(hung.resolve);
      return null;
    });
    const peer = await Peer.connect(port);
    peer.send(req('fanout', undefined, 1));
    const [ok, bad] = (await peer.take(3)) as Msg[];
    // 'silent' may already have timed out (20 ms) on a busy machine: pending + timedOut is 3.
    const early = server.stats().peerCalls;
    expect(early).toMatchObject({ sent: 3, answered: 0, failed: 0, abandoned: 0, refused: 1 });
    expect(early.pending + early.timedOut).toBe(3);
    peer.send(
      JSON.stringify({ jsonrpc: '2.0', result: 1, id: ok!.id }),
      JSON.stringify({ jsonrpc: '2.0', error: { code: 1, message: 'no' }, id: bad!.id }),
    );
    expect(await peer.nextJson()).toMatchObject({
      result: ['fulfilled', 'rejected', 'rejected', 'rejected'],
    });
    peer.send(req('hang', undefined, 2));
    await peer.take(2); // the call to the peer and hang's answer
    peer.socket.destroy();
    await hung.promise;
    expect(server.stats().peerCalls).toEqual({
      pending: 0,
      sent: 4,
      answered: 1,
      failed: 1,
      timedOut: 1,
      abandoned: 1,
      refused: 1,
    });
  });
});
