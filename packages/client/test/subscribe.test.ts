// subscribe(): `<name>_subscribe`, then the events `<name>_subscription` { subscription, result }
// on that connection, in order; `<name>_unsubscribe` [id] when the loop ends.
import { describe, expect, it } from 'vitest';
import {
  type Client,
  type ClientOptions,
  createClient,
  RpcError,
  SubscriptionLostError,
  SubscriptionOverflowError,
} from '../src/index.js';
import { accept, event, tcpPeer, wsPeer } from './fixtures/peer.js';
import { connect, rejection } from './helpers.js';

type Transport = 'tcp' | 'ws';

async function pair(transport: Transport, options: ClientOptions = {}) {
  const peer = transport === 'tcp' ? await tcpPeer() : await wsPeer();
  const target = transport === 'tcp' ? peer.port : `ws://127.0.0.1:${peer.port}/`;
  const client: Client = connect(target, options);
  await client.call('hello', [], { timeout: 10_000 });
  return { peer, client };
}

describe.each<Transport>(['tcp', 'ws'])('subscribe() over %s', (transport) => {
  it('yields the events written right after the reply, in order, and unsubscribes on break', async () => {
    const { peer, client } = await pair(transport);
    const events = client.subscribe<number>('news', ['tech']);
    const request = await accept(peer, 's1', [event('s1', 1), event('other', 9), event('s1', 2)]);
    expect(request['params']).toEqual(['tech']);
    const got: number[] = [];
    for await (const value of events) {
      got.push(value);
      if (got.length === 2) {
        peer.send(event('s1', 3));
      }
      if (got.length === 3) break;
    }
    expect(got).toEqual([1, 2, 3]);
    expect(await peer.next()).toMatchObject({ method: 'news_unsubscribe', params: ['s1'] });
  });

  it('ends with AbortError and unsubscribes when the signal aborts', async () => {
    const { peer, client } = await pair(transport);
    const controller = new AbortController();
    const events = client.subscribe('news', undefined, { signal: controller.signal });
    await accept(peer, 7, [event(7, 'first')]);
    expect((await events.next()).value).toBe('first');
    const pending = events.next();
    controller.abort(new Error('enough'));
    await expect(pending).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    await expect(events.next()).resolves.toEqual({ value: undefined, done: true });
    expect(await peer.next()).toMatchObject({ method: 'news_unsubscribe', params: [7] });
  });

  it('delivers 10,000 events written in one burst, in order', async () => {
    const { peer, client } = await pair(transport);
    const events = client.subscribe<number>('news', [], { maxBuffered: 10_000 });
    const burst = Array.from({ length: 10_000 }, (_, i) => event('b', i));
    await accept(peer, 'b', burst);
    let expected = 0;
    for await (const value of events) {
      expect(value).toBe(expected);
      expected += 1;
      if (expected === 10_000) break;
    }
    expect(expected).toBe(10_000);
  });

  it('unsubscribes once the answer arrives when aborted while subscribing', async () => {
    const { peer, client } = await pair(transport);
    const controller = new AbortController();
    const events = client.subscribe('news', undefined, { signal: controller.signal });
    const request = await peer.next();
    controller.abort();
    await expect(events.next()).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    peer.send({ jsonrpc: '2.0', result: 'late', id: request['id'] });
    expect(await peer.next()).toMatchObject({ method: 'news_unsubscribe', params: ['late'] });
  });

  it('ends with SubscriptionOverflowError past maxBuffered, after the buffered events', async () => {
    const { peer, client } = await pair(transport);
    const events = client.subscribe('news', [], { maxBuffered: 2 });
    await accept(peer, 's', [event('s', 1), event('s', 2), event('s', 3)]);
    expect(await peer.next()).toMatchObject({ method: 'news_unsubscribe', params: ['s'] });
    expect((await events.next()).value).toBe(1);
    expect((await events.next()).value).toBe(2);
    const error = await rejection(events.next());
    expect(error).toBeInstanceOf(SubscriptionOverflowError);
    expect(error).toMatchObject({ limit: 2 });
    const stats = client.stats().subscriptions;
    expect(stats).toEqual({ active: 0, opened: 1, events: 3, overflowed: 1, lost: 0 });
  });

  it('ends with SubscriptionLostError when the connection is lost, after the events before', async () => {
    const { peer, client } = await pair(transport);
    const events = client.subscribe('news');
    await accept(peer, 's', [event('s', 'a')]);
    expect((await events.next()).value).toBe('a');
    const pending = events.next();
    peer.drop();
    expect(await rejection(pending)).toBeInstanceOf(SubscriptionLostError);
    const stats = client.stats().subscriptions;
    expect(stats).toEqual({ active: 0, opened: 1, events: 1, overflowed: 0, lost: 1 });
  });

  it('subscribes again on the next connection with resubscribe', async () => {
    const { peer, client } = await pair(transport);
    const events = client.subscribe('news', ['x'], { resubscribe: true });
    await accept(peer, 's1', [event('s1', 1)]);
    expect((await events.next()).value).toBe(1);
    peer.drop();
    const again = await accept(peer, 's2', [event('s2', 2)]);
    expect(again['params']).toEqual(['x']);
    expect(peer.accepted).toBe(2);
    expect((await events.next()).value).toBe(2);
    const live = client.stats().subscriptions;
    expect(live).toEqual({ active: 1, opened: 2, events: 2, overflowed: 0, lost: 1 });
    await events.return!();
    expect(await peer.next()).toMatchObject({ method: 'news_unsubscribe', params: ['s2'] });
    expect(client.stats().subscriptions.active).toBe(0);
  });

  it('takes events under options.notification, and ends with the error the subscribe call got', async () => {
    const { peer, client } = await pair(transport);
    const events = client.subscribe('eth', ['newHeads'], { notification: 'eth_subscription' });
    await accept(peer, '0xa', [event('0xa', { n: 1 }, 'eth_subscription')]);
    expect((await events.next()).value).toEqual({ n: 1 });

    const refused = client.subscribe('nope');
    const request = await peer.next();
    peer.send({
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found' },
      id: request['id'],
    });
    const error = await rejection<RpcError>(refused.next());
    expect(error).toBeInstanceOf(RpcError);
    expect(error.code).toBe(-32601);
  });

  it('ends with ClientClosedError at close(), unsubscribing first', async () => {
    const { peer, client } = await pair(transport);
    const events = client.subscribe('news');
    await accept(peer, 's', [event('s', 0)]);
    expect((await events.next()).value).toBe(0);
    const pending = events.next();
    const closing = client.close();
    await expect(pending).rejects.toMatchObject({ code: 'RERPC_ERR_CLIENT_CLOSED' });
    expect(await peer.next()).toMatchObject({ method: 'news_unsubscribe', params: ['s'] });
    await closing;
  });
});

describe('subscribe() and the connection it holds', () => {
  it('unsubscribes on its own connection, even when that one is too busy for a new call', async () => {
    const { peer, client } = await pair('tcp', { pipelineThreshold: 1, maxActive: 2 });
    const events = client.subscribe<number>('news');
    await accept(peer, 's', [event('s', 1)]);
    for await (const value of events) {
      expect(value).toBe(1);
      // A call the peer never answers: a new call would now go to a second connection.
      void client.call('slow', [], { timeout: 0 }).catch(() => {});
      expect(await peer.next()).toMatchObject({ method: 'slow' });
      break;
    }
    expect(await peer.next()).toMatchObject({ method: 'news_unsubscribe', params: ['s'] });
    expect(peer.accepted).toBe(1);
  });
});

describe('subscribe() checks', () => {
  it('throws for an http(s):// target, a bad name, params or option', () => {
    const web = createClient('http://127.0.0.1:1/');
    expect(() => web.subscribe('news')).toThrow(/subscribe\(\) needs a connection/);
    const tcp = createClient({ port: 1 });
    expect(() => tcp.subscribe('')).toThrow(TypeError);
    expect(() => tcp.subscribe('news', 3 as never)).toThrow(TypeError);
    expect(() => tcp.subscribe('news', [], { maxBuffered: 0 })).toThrow('maxBuffered must be');
    expect(() => tcp.subscribe('news', [], { resubscrib: true } as never)).toThrow(
      'did you mean "resubscribe"',
    );
  });

  it('ends at once with AbortError for an aborted signal, sending nothing', async () => {
    const client = createClient({ port: 1 });
    const events = client.subscribe('news', [], { signal: AbortSignal.abort() });
    await expect(events.next()).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    expect(client.stats().connections.dialled).toBe(0);
  });
});
