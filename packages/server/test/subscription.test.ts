import { describe, expect, it } from 'vitest';
import {
  type CallContext,
  type Server,
  SubscriptionClosedError,
  SubscriptionOverflowError,
  type SubscriptionSink,
} from '../src/index.js';
import { deferred, listening, Peer, req } from './helpers.js';
import { listenHttp, openWs, post } from './web-helpers.js';

type Note = { method: string; params: { subscription: string; result: unknown } };

/** `ticks_subscribe`: sends `params.count` events synchronously, before its reply exists. */
function registerTicks(server: Server, sinks: SubscriptionSink[] = []) {
  server.subscription('ticks', ({ count }: { count: number }, _ctx, sink) => {
    sinks.push(sink);
    for (let i = 0; i < count; i++) sink.trySend(i);
  });
}

describe('subscriptions over TCP', () => {
  it('answers an id, then the events as <name>_subscription notifications, never before', async () => {
    const { server, port } = await listening();
    registerTicks(server);
    const peer = await Peer.connect(port);
    peer.send(req('ticks_subscribe', { count: 3 }, 1));
    const [reply, ...events] = (await peer.take(4)) as [{ result: string }, ...Note[]];
    expect(reply).toEqual({ jsonrpc: '2.0', result: '0x1', id: 1 });
    expect(events).toEqual(
      [0, 1, 2].map((result) => ({
        jsonrpc: '2.0',
        method: 'ticks_subscription',
        params: { subscription: '0x1', result },
      })),
    );
  });

  it('holds events sent while an async handler sets up, and in a batch until the batch is sent', async () => {
    const { server, port } = await listening();
    const release = deferred<void>();
    server.subscription(
      'feed',
      async (_p: unknown, _ctx: CallContext, sink: SubscriptionSink<string>) => {
        void sink.send('early');
        await release.promise;
      },
      { notification: 'feed_event' },
    );
    const peer = await Peer.connect(port);
    peer.send(`[${req('feed_subscribe', undefined, 1)},${req('echo', [1], 2)}]`);
    release.resolve();
    const [batch, event] = (await peer.take(2)) as [Array<{ id: number }>, Note];
    expect(batch.map((r) => r.id).sort()).toEqual([1, 2]);
    expect(event).toMatchObject({ method: 'feed_event', params: { result: 'early' } });
  });

  it('unsubscribes: true once, false after or for an unknown id; the sink signal aborts', async () => {
    const { server, port } = await listening();
    const sinks: SubscriptionSink[] = [];
    registerTicks(server, sinks);
    const peer = await Peer.connect(port);
    peer.send(req('ticks_subscribe', { count: 0 }, 1));
    const { result: id } = (await peer.nextJson()) as { result: string };
    const sink = sinks[0]!;
    const aborted = new Promise((resolve) => sink.signal.addEventListener('abort', resolve));
    peer.send(
      req('ticks_unsubscribe', [id], 2),
      req('ticks_unsubscribe', [id], 3),
      req('ticks_unsubscribe', ['0xfff'], 4),
    );
    expect((await peer.take(3)).map((r) => (r as { result: unknown }).result)).toEqual([
      true,
      false,
      false,
    ]);
    expect(await aborted).toBeDefined();
    expect(sink.closed).toBe(true);
    expect(sink.trySend(1)).toBe(false);
    await expect(sink.send(1)).rejects.toBeInstanceOf(SubscriptionClosedError);
  });

  it('ends every subscription when the client disconnects', async () => {
    const { server, port } = await listening();
    const sinks: SubscriptionSink[] = [];
    registerTicks(server, sinks);
    const peer = await Peer.connect(port);
    peer.send(req('ticks_subscribe', { count: 0 }, 1), req('ticks_subscribe', { count: 0 }, 2));
    await peer.take(2);
    const ended = sinks.map(
      (s) => new Promise((resolve) => s.signal.addEventListener('abort', resolve)),
    );
    peer.socket.destroy();
    await Promise.all(ended);
    expect(sinks.every((s) => s.closed)).toBe(true);
  });

  it('answers -32004 past maxSubscriptionsPerConnection, per connection', async () => {
    const { server, port } = await listening({ maxSubscriptionsPerConnection: 1 });
    registerTicks(server);
    const a = await Peer.connect(port);
    a.send(req('ticks_subscribe', { count: 0 }, 1), req('ticks_subscribe', { count: 0 }, 2));
    const [first, second] = (await a.take(2)) as Array<{ result?: string; error?: unknown }>;
    expect(first!.result).toBe('0x1');
    expect(second!.error).toMatchObject({ code: -32004, message: 'Too many subscriptions' });
    const b = await Peer.connect(port);
    b.send(req('ticks_subscribe', { count: 0 }, 1));
    expect(await b.nextJson()).toMatchObject({ result: '0x3' });
  });

  it('bounds the buffer: trySend false and send rejects with SubscriptionOverflowError', async () => {
    const { server, port } = await listening({ maxSubscriptionBuffer: 2 });
    const outcome = deferred<unknown[]>();
    server.subscription('few', (_p: unknown, _ctx: CallContext, sink: SubscriptionSink) => {
      // Before the reply, events wait: the third does not fit.
      const tries = [sink.trySend(1), sink.trySend(2), sink.trySend(3)];
      sink.send(4).catch((error: unknown) => outcome.resolve([...tries, error]));
    });
    const peer = await Peer.connect(port);
    peer.send(req('few_subscribe', undefined, 1));
    const [a, b, c, error] = await outcome.promise;
    expect([a, b, c]).toEqual([true, true, false]);
    expect(error).toBeInstanceOf(SubscriptionOverflowError);
    const frames = (await peer.take(3)) as Array<{
      result?: unknown;
      params?: { result: unknown };
    }>;
    expect(frames.map((f) => f.params?.result ?? f.result)).toEqual(['0x1', 1, 2]);
  });

  it('sends no event and keeps no subscription when the handler throws', async () => {
    const { server, port } = await listening({ onHandlerError: null });
    let kept: SubscriptionSink | null = null;
    server.subscription('bad', (_p: unknown, _ctx: CallContext, sink: SubscriptionSink) => {
      kept = sink;
      sink.trySend('never');
      throw new Error('no source');
    });
    const peer = await Peer.connect(port);
    peer.send(req('bad_subscribe', undefined, 1), req('echo', [2], 2));
    const [answer, next] = (await peer.take(2)) as Array<{ error?: { code: number } }>;
    expect(answer!.error!.code).toBe(-32603);
    expect(next).toMatchObject({ result: [2] });
    expect(kept!.closed).toBe(true);
  });

  it('validates subscribe params with the params schema', async () => {
    const { server, port } = await listening();
    server.subscription('typed', () => {}, {
      params: { type: 'object', required: ['topic'], properties: { topic: { type: 'string' } } },
    });
    const peer = await Peer.connect(port);
    peer.send(req('typed_subscribe', { topic: 1 }, 1));
    expect(await peer.nextJson()).toMatchObject({ error: { code: -32602 } });
  });

  it('sends 10,000 events to a slow subscriber in order, waiting on backpressure', async () => {
    const { server, port } = await listening();
    const stalled = deferred<number>();
    const done = deferred<void>();
    const payload = 'x'.repeat(2000);
    let progress = 0;
    server.subscription('flood', (_p: unknown, _ctx: CallContext, sink: SubscriptionSink) => {
      void (async () => {
        for (let i = 0; i < 10_000; i++) {
          if (!sink.writable && i > 0) stalled.resolve(i);
          await sink.send({ i, payload });
          progress = i + 1;
        }
        done.resolve();
      })();
    });
    const peer = await Peer.connect(port);
    peer.socket.pause();
    peer.send(req('flood_subscribe', undefined, 1));
    // The client reads nothing: the producer must stop well before the end.
    expect(await stalled.promise).toBeLessThan(10_000);
    // Let the kernel buffers fill (bounded turns, no clock): the producer stays stopped, with at
    // most socket buffers' worth (a few MB of the 20 MB) accepted and unread.
    for (let turn = 0; turn < 500; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(progress).toBeLessThan(5000);
    peer.socket.resume();
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: '0x1', id: 1 });
    for (let i = 0; i < 10_000; i++) {
      const note = (await peer.nextJson()) as Note;
      if ((note.params.result as { i: number }).i !== i) throw new Error(`event ${i} out of order`);
    }
    await done.promise;
  });
});

describe('subscriptions elsewhere', () => {
  it('are refused with -32003 over HTTP and handle()', async () => {
    const { server, url } = await listenHttp();
    registerTicks(server);
    const refused = {
      code: -32003,
      message: 'Subscriptions need a persistent connection',
    };
    expect(
      JSON.parse((await server.handle(req('ticks_subscribe', { count: 1 })))!).error,
    ).toMatchObject(refused);
    expect(
      JSON.parse((await post(url, req('ticks_subscribe', { count: 1 }))).body).error,
    ).toMatchObject(refused);
  });

  it('work over WebSocket with a bare ws client: reply first, then events; unsubscribe', async () => {
    const { server, port } = await listenHttp();
    const sinks: SubscriptionSink[] = [];
    registerTicks(server, sinks);
    const client = await openWs(`ws://127.0.0.1:${port}/`);
    client.ws.send(req('ticks_subscribe', { count: 2 }, 1));
    const frames = [await client.next(), await client.next(), await client.next()].map((t) =>
      JSON.parse(t),
    );
    expect(frames[0]).toEqual({ jsonrpc: '2.0', result: '0x1', id: 1 });
    expect(frames.slice(1).map((f: Note) => f.params)).toEqual([
      { subscription: '0x1', result: 0 },
      { subscription: '0x1', result: 1 },
    ]);
    expect(await client.call(req('ticks_unsubscribe', ['0x1'], 2))).toMatchObject({ result: true });
    expect(sinks[0]!.closed).toBe(true);
  });

  it('send 10,000 events to a slow WebSocket subscriber in order', async () => {
    const { server, port } = await listenHttp();
    const stalled = deferred<number>();
    const payload = 'y'.repeat(2000);
    server.subscription('flood', (_p: unknown, _ctx: CallContext, sink: SubscriptionSink) => {
      void (async () => {
        for (let i = 0; i < 10_000; i++) {
          if (!sink.writable && i > 0) stalled.resolve(i);
          await sink.send(i === 0 ? { i } : { i, payload });
        }
      })().catch(() => {});
    });
    const client = await openWs(`ws://127.0.0.1:${port}/`);
    client.ws.pause();
    client.ws.send(req('flood_subscribe', undefined, 1));
    expect(await stalled.promise).toBeLessThan(10_000);
    client.ws.resume();
    expect(JSON.parse(await client.next())).toMatchObject({ result: '0x1' });
    for (let i = 0; i < 10_000; i++) {
      const note = JSON.parse(await client.next()) as Note;
      if ((note.params.result as { i: number }).i !== i) throw new Error(`event ${i} out of order`);
    }
  });
});

describe('server.subscription() validation', () => {
  it('refuses a bad name, handler or options with a TypeError; a duplicate with RegistrationError', async () => {
    const { server } = await listening();
    expect(() => server.subscription('', () => {})).toThrow('name must be a non-empty string');
    expect(() => server.subscription('x', 1 as never)).toThrow('handler must be a function, got 1');
    expect(() => server.subscription('x', () => {}, { notifcation: 'y' } as never)).toThrow(
      'notifcation',
    );
    expect(() => server.subscription('x', () => {}, { notification: '' })).toThrow(
      'notification must be a non-empty string',
    );
    server.subscription('x', () => {});
    expect(() => server.subscription('x', () => {})).toThrow(/x_subscribe/);
  });
});

describe('subscriptions and close()', () => {
  it('close() ends open subscriptions and pending peer calls, and resolves', async () => {
    const { server, port } = await listening();
    const sinks: SubscriptionSink[] = [];
    registerTicks(server, sinks);
    const peer = await Peer.connect(port);
    peer.send(req('ticks_subscribe', { count: 0 }, 1));
    await peer.nextJson();
    const pending = server
      .peers()[0]!
      .call('never')
      .catch((e: unknown) => e);
    await peer.nextJson();
    const closed = server.close();
    peer.socket.end();
    await closed;
    expect(sinks[0]!.closed).toBe(true);
    expect(sinks[0]!.signal.aborted).toBe(true);
    expect((await pending) as Error).toMatchObject({ code: 'RERPC_ERR_DISCONNECTED' });
  });
});

describe('subscriptions and idleTimeout', () => {
  it('a connection with a subscription open is not idle', async () => {
    const { server, port } = await listening({ idleTimeout: 30, closeGrace: 0 });
    registerTicks(server);
    const subscribed = await Peer.connect(port);
    subscribed.send(req('ticks_subscribe', { count: 0 }, 1));
    await subscribed.nextJson();
    // Connected after the subscriber's last traffic: its idle timer fires after the subscriber's.
    const idle = await Peer.connect(port);
    await idle.ended;
    subscribed.send(req('echo', ['still here'], 2));
    expect(await subscribed.nextJson()).toEqual({ jsonrpc: '2.0', result: ['still here'], id: 2 });
  });
});
