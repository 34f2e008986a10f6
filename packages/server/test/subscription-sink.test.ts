import { describe, expect, it } from 'vitest';
import {
  type CallContext,
  SubscriptionClosedError,
  SubscriptionOverflowError,
  type SubscriptionSink,
} from '../src/index.js';
import { deferred, listening, makeServer, Peer, recorder, req } from './helpers.js';

type Frame = {
  id?: unknown;
  result?: unknown;
  error?: { code: number };
  params?: { result: unknown };
};

describe('subscriptions: the sink', () => {
  it('is writable only once its reply is written, and not after it ends', async () => {
    const { server, port } = await listening();
    const sinks = deferred<SubscriptionSink>();
    const before: boolean[] = [];
    server.subscription('w', (_p: unknown, _ctx: CallContext, sink: SubscriptionSink) => {
      before.push(sink.writable, sink.closed);
      sinks.resolve(sink);
    });
    const peer = await Peer.connect(port);
    peer.send(req('w_subscribe', undefined, 1));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: '0x1', id: 1 });
    const sink = await sinks.promise;
    expect(before).toEqual([false, false]);
    expect(sink.id).toBe('0x1');
    expect(sink.writable).toBe(true);
    peer.send(req('w_unsubscribe', ['0x1'], 2));
    expect(await peer.nextJson()).toMatchObject({ result: true });
    expect(sink.writable).toBe(false);
    // A signal first read after the end is aborted already, with the same error class.
    expect(sink.signal.aborted).toBe(true);
    expect(sink.signal.reason).toBeInstanceOf(SubscriptionClosedError);
    expect(server.stats().subscriptions).toMatchObject({ active: 0, opened: 1, closed: 1 });
  });

  it('sends undefined as null; a value JSON cannot write throws (trySend) or rejects (send)', async () => {
    const { server, port } = await listening();
    const outcome = deferred<unknown[]>();
    server.subscription('v', async (_p: unknown, _ctx: CallContext, sink: SubscriptionSink) => {
      sink.trySend(undefined);
      let thrown: unknown = null;
      try {
        sink.trySend(1n);
      } catch (error) {
        thrown = error;
      }
      const rejected = await sink.send(1n).catch((error: unknown) => error);
      outcome.resolve([thrown, rejected]);
    });
    const peer = await Peer.connect(port);
    peer.send(req('v_subscribe', undefined, 1));
    const [thrown, rejected] = await outcome.promise;
    expect(thrown).toBeInstanceOf(TypeError);
    expect(rejected).toBeInstanceOf(TypeError);
    expect(await peer.take(2)).toEqual([
      { jsonrpc: '2.0', result: '0x1', id: 1 },
      { jsonrpc: '2.0', method: 'v_subscription', params: { subscription: '0x1', result: null } },
    ]);
  });

  it('bounds the buffer by bytes too: an event that would pass maxSubscriptionBufferBytes is dropped', async () => {
    // Each event text is 104 bytes here: the limit holds exactly two (the third is one too many).
    const text =
      '{"jsonrpc":"2.0","method":"b_subscription","params":{"subscription":"0x1","result":"xxxxxxxxxxxxxxxxx"}}';
    const { server, port } = await listening({ maxSubscriptionBufferBytes: 2 * text.length });
    const tries = deferred<boolean[]>();
    server.subscription('b', (_p: unknown, _ctx: CallContext, sink: SubscriptionSink) => {
      const value = 'x'.repeat(17);
      tries.resolve([sink.trySend(value), sink.trySend(value), sink.trySend(value)]);
    });
    const peer = await Peer.connect(port);
    peer.send(req('b_subscribe', undefined, 1));
    expect(await tries.promise).toEqual([true, true, false]);
    const frames = await peer.take(3);
    expect(JSON.stringify(frames[1])).toBe(text);
    expect(server.stats().subscriptions).toMatchObject({ eventsSent: 2, eventsDropped: 1 });
  });

  it('rejects the sends still waiting when the connection closes before the reply', async () => {
    const { server, port } = await listening();
    const waiting = deferred<{ held: Promise<unknown> }>();
    const never = deferred<void>();
    server.subscription('p', async (_p: unknown, _ctx: CallContext, sink: SubscriptionSink) => {
      waiting.resolve({ held: sink.send('held').catch((error: unknown) => error) });
      await never.promise;
    });
    const peer = await Peer.connect(port);
    peer.send(req('p_subscribe', undefined, 1));
    const { held } = await waiting.promise;
    peer.socket.destroy();
    expect(await held).toBeInstanceOf(SubscriptionClosedError);
    expect(server.stats().subscriptions).toMatchObject({ active: 0, opened: 1, closed: 1 });
  });
});

describe('subscriptions: setup and unsubscribe', () => {
  it('a rejected async setup answers the error, sends nothing and closes the subscription', async () => {
    const { server, port } = await listening({ onHandlerError: null });
    server.subscription('r', async (_p: unknown, _ctx: CallContext, sink: SubscriptionSink) => {
      sink.trySend('never');
      await Promise.resolve();
      throw new Error('no source');
    });
    const peer = await Peer.connect(port);
    peer.send(req('r_subscribe', undefined, 1), req('echo', [2], 2));
    const frames = (await peer.take(2)) as Frame[];
    frames.sort((a, b) => Number(a.id) - Number(b.id));
    expect(frames.map((f) => f.error?.code ?? f.result)).toEqual([-32603, [2]]);
    expect(server.stats().subscriptions).toMatchObject({
      active: 0,
      opened: 1,
      closed: 1,
      eventsSent: 0,
    });
  });

  it('a subscribe notification subscribes nothing and never runs the handler', async () => {
    const { server, port } = await listening();
    let ran = 0;
    server.subscription('n', () => {
      ran++;
    });
    const peer = await Peer.connect(port);
    peer.send(JSON.stringify({ jsonrpc: '2.0', method: 'n_subscribe' }), req('echo', [1], 1));
    expect(await peer.nextJson()).toMatchObject({ result: [1] });
    expect(ran).toBe(0);
    expect(server.stats().subscriptions.opened).toBe(0);
  });

  it('unsubscribe answers false to params that are not [id]', async () => {
    const { server, port } = await listening();
    server.subscription('u', () => {});
    const peer = await Peer.connect(port);
    peer.send(req('u_subscribe', undefined, 1));
    expect(await peer.nextJson()).toMatchObject({ result: '0x1' });
    peer.send(
      req('u_unsubscribe', { id: '0x1' }, 2),
      req('u_unsubscribe', [1], 3),
      req('u_unsubscribe', [], 4),
      req('u_unsubscribe', undefined, 5),
    );
    expect((await peer.take(4)).map((f) => (f as Frame).result)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    peer.send(req('u_unsubscribe', ['0x1'], 6));
    expect(await peer.nextJson()).toMatchObject({ result: true });
    expect(await server.handle(req('u_unsubscribe', ['0x1'], 7))).toBe(
      '{"jsonrpc":"2.0","result":false,"id":7}',
    );
  });

  it('-32004 says the limit; -32003 over handle() says where to subscribe', async () => {
    const { server, port } = await listening({ maxSubscriptionsPerConnection: 1 });
    server.subscription('m', () => {});
    const peer = await Peer.connect(port);
    peer.send(req('m_subscribe', undefined, 1), req('m_subscribe', undefined, 2));
    const [, refused] = await peer.take(2);
    expect(refused).toEqual({
      jsonrpc: '2.0',
      error: {
        code: -32004,
        message: 'Too many subscriptions',
        data: 'this connection has maxSubscriptionsPerConnection (1) open; unsubscribe some first',
      },
      id: 2,
    });
    expect(JSON.parse((await server.handle(req('m_subscribe', undefined, 3)))!)).toEqual({
      jsonrpc: '2.0',
      error: {
        code: -32003,
        message: 'Subscriptions need a persistent connection',
        data: 'this transport (HTTP, handle()) has no connection to push events on; subscribe over TCP or WebSocket',
      },
      id: 3,
    });
  });

  it('send() while the buffer is full rejects with the overflow error and counts a drop', async () => {
    const { server, port } = await listening({ maxSubscriptionBuffer: 1 });
    const outcome = deferred<unknown>();
    server.subscription('o', (_p: unknown, _ctx: CallContext, sink: SubscriptionSink) => {
      void sink.send(1);
      sink.send(2).catch(outcome.resolve);
    });
    const peer = await Peer.connect(port);
    peer.send(req('o_subscribe', undefined, 1));
    expect(await outcome.promise).toBeInstanceOf(SubscriptionOverflowError);
    await peer.take(2);
    expect(server.stats().subscriptions).toMatchObject({ eventsSent: 1, eventsDropped: 1 });
  });
});

describe('subscriptions: how rpc.discover describes them', () => {
  type Described = { name: string; summary?: string; description?: string };
  const methods = async (server: ReturnType<typeof makeServer>): Promise<Described[]> =>
    JSON.parse((await server.handle(req('rpc.discover')))!).result.methods;

  it('says how events arrive; the description only when a summary or description is given', async () => {
    const server = makeServer({ discover: true }, false);
    server.subscription('ticks', () => {});
    server.subscription('quotes', () => {}, { summary: 'Quotes.', notification: 'q' });
    const how = (notification: string) =>
      `Subscribes: answers a subscription id, then sends the events as ${notification} notifications { subscription, result } on this connection (TCP or WebSocket).`;
    const described = (await methods(server)).map((m) => [
      m.name,
      m.summary,
      m.description ?? null,
    ]);
    const unsubscribe = (name: string) =>
      `Ends a ${name} subscription: params [id]; answers true, or false for an id not open on this connection.`;
    expect(described).toEqual([
      ['ticks_subscribe', how('ticks_subscription'), null],
      ['ticks_unsubscribe', unsubscribe('ticks'), null],
      ['quotes_subscribe', 'Quotes.', how('q')],
      ['quotes_unsubscribe', unsubscribe('quotes'), null],
    ]);
  });
});

describe('server.subscription(): argument messages', () => {
  it('names the bad value', () => {
    const server = makeServer(undefined, false);
    const coded = (message: string) =>
      expect.objectContaining({ name: 'TypeError', code: 'RERPC_ERR_INVALID_OPTION', message });
    expect(() => server.subscription(5 as never, () => {})).toThrow(
      coded('name must be a non-empty string, got 5'),
    );
    expect(() => server.subscription('s', () => {}, { notification: 5 as never })).toThrow(
      coded('notification must be a non-empty string, got 5'),
    );
    expect(() => server.subscription('s', null as never)).toThrow(
      coded('handler must be a function, got null'),
    );
  });
});

/** A turn of the event loop: promise reactions and the answers they send have run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

type Answer = { method?: string; params?: { result: unknown } };

describe('subscriptions on a channel: when the reply is written', () => {
  it('a subscribe answered before its setup finished (cancelled) closes the subscription', async () => {
    const server = makeServer();
    const sinks = deferred<SubscriptionSink>();
    const setup = deferred<void>();
    server.subscription('c', async (_p: unknown, _ctx: CallContext, sink: SubscriptionSink) => {
      sinks.resolve(sink);
      await setup.promise;
    });
    const { transport, answers } = recorder();
    const channel = server.openChannel(transport);
    channel.receive(JSON.parse(req('c_subscribe', undefined, 1)));
    const sink = await sinks.promise;
    const signal = sink.signal;
    expect(sink.signal).toBe(signal);
    channel.receive({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 1 } });
    expect(answers).toEqual([
      { jsonrpc: '2.0', error: { code: -32800, message: 'Request cancelled' }, id: 1 },
    ]);
    expect(sink.closed).toBe(true);
    expect(signal.aborted).toBe(true);
    setup.resolve();
    await turn();
    expect(sink.trySend('late')).toBe(false);
    expect(answers).toHaveLength(1);
    expect(server.stats().subscriptions).toMatchObject({ active: 0, opened: 1, closed: 1 });
    channel.destroy();
  });

  it('a subscription unsubscribed while its reply waits in a batch stays closed once the batch is sent', async () => {
    const server = makeServer();
    const sinks = deferred<SubscriptionSink>();
    server.subscription('u', (_p: unknown, _ctx: CallContext, sink: SubscriptionSink) => {
      sinks.resolve(sink);
    });
    const release = deferred<string>();
    server.method('hold', () => release.promise);
    const { transport, answers } = recorder();
    const channel = server.openChannel(transport);
    channel.receive([
      JSON.parse(req('u_subscribe', undefined, 1)),
      JSON.parse(req('hold', undefined, 2)),
    ]);
    const sink = await sinks.promise;
    channel.receive(JSON.parse(req('u_unsubscribe', [sink.id], 3)));
    expect(answers).toEqual([{ jsonrpc: '2.0', result: true, id: 3 }]);
    release.resolve('done');
    await turn();
    expect(answers[1]).toEqual([
      { jsonrpc: '2.0', result: sink.id, id: 1 },
      { jsonrpc: '2.0', result: 'done', id: 2 },
    ]);
    expect(sink.closed).toBe(true);
    expect(sink.trySend('late')).toBe(false);
    expect(answers).toHaveLength(2);
    channel.destroy();
  });

  it('a subscribe that runs after its connection closed opens nothing and never runs the handler', async () => {
    const server = makeServer();
    const setups: unknown[] = [];
    server.subscription('s', (_p: unknown, ctx: CallContext) => {
      setups.push(ctx.id);
    });
    const gate = deferred<void>();
    server.use(async (ctx, next) => {
      if (ctx.id === 'late') await gate.promise;
      return next();
    });
    // One connection has no subscription yet; the other has one open.
    const fresh = server.openChannel(recorder().transport);
    const used = server.openChannel(recorder().transport);
    used.receive(JSON.parse(req('s_subscribe', undefined, 'early')));
    await turn();
    for (const channel of [fresh, used]) {
      channel.receive(JSON.parse(req('s_subscribe', undefined, 'late')));
      channel.destroy();
    }
    gate.resolve();
    await turn();
    expect(setups).toEqual(['early']);
    expect(server.stats().subscriptions).toMatchObject({ active: 0, opened: 1, closed: 1 });
  });
});

describe('subscriptions on a channel: the buffer', () => {
  it('counts only events not yet written against maxSubscriptionBuffer; writable only once none wait', async () => {
    const server = makeServer({ maxSubscriptionBuffer: 2 });
    const sinks = deferred<SubscriptionSink>();
    const setup = deferred<void>();
    server.subscription('b', async (_p: unknown, _ctx: CallContext, sink: SubscriptionSink) => {
      sinks.resolve(sink);
      await setup.promise;
    });
    const { transport, answers } = recorder();
    const events = () =>
      (answers as Answer[])
        .filter((m) => m.method === 'b_subscription')
        .map((m) => m.params!.result);
    // The transport's buffer is full once it took `takes` events.
    let takes = 1;
    const channel = server.openChannel({
      ...transport,
      congested: () => events().length >= takes,
    });
    channel.receive(JSON.parse(req('b_subscribe', undefined, 1)));
    const sink = await sinks.promise;
    // Before the reply: two wait, the third is dropped.
    expect([sink.trySend('e1'), sink.trySend('e2'), sink.trySend('e3')]).toEqual([
      true,
      true,
      false,
    ]);
    setup.resolve();
    await turn();
    expect(events()).toEqual(['e1']);
    // e1 is written: one event waits, so there is room for one more.
    expect([sink.trySend('e4'), sink.trySend('e5')]).toEqual([true, false]);
    expect(sink.writable).toBe(false);
    // The buffer has room again, but events wait until drained().
    takes = Number.POSITIVE_INFINITY;
    expect(sink.writable).toBe(false);
    channel.drained();
    expect(events()).toEqual(['e1', 'e2', 'e4']);
    expect(sink.writable).toBe(true);
    expect(server.stats().subscriptions).toMatchObject({ eventsSent: 3, eventsDropped: 2 });
    channel.destroy();
    // A drain after the close writes nothing.
    channel.drained();
    expect(events()).toHaveLength(3);
  });
});
