// How a subscription ends and what it leaves behind: its options, its buffer, the unsubscribe it
// sends (once), the signal listener and the timer that holds the process while it is live.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type Client, type ClientOptions, createClient, type RpcError } from '../src/index.js';
import { accept, event, type Peer, tcpPeer } from './fixtures/peer.js';
import { connect, gate, rejection } from './helpers.js';

async function pair(options: ClientOptions = {}) {
  const peer = await tcpPeer();
  const client: Client = connect(peer.port, options);
  await client.call('hello', [], { timeout: 10_000 });
  return { peer, client };
}

/** A call answered after what the peer wrote before: all of it was read once it resolves. */
async function roundTrip(peer: Peer, client: Client): Promise<void> {
  const ping = client.call('ping', []);
  peer.send({ jsonrpc: '2.0', result: 'pong', id: (await peer.next())['id'] });
  expect(await ping).toBe('pong');
}

/** The ref'd timers now keeping the process alive. */
const refTimers = (): number =>
  process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('subscribe() options', () => {
  it('refuses a bad notification, timeout, resubscribe or options object with the rule broken', () => {
    const client = createClient({ port: 1 });
    expect(() => client.subscribe('news', [], { notification: '' })).toThrow(
      new TypeError('notification must be a non-empty string, got '),
    );
    expect(() => client.subscribe('news', [], { notification: 5 as never })).toThrow(
      new TypeError('notification must be a non-empty string, got 5'),
    );
    expect(() => client.subscribe('news', [], { timeout: -1 })).toThrow(
      'timeout must be an integer number of milliseconds from 0 to 2147483647, got -1',
    );
    expect(() => client.subscribe('news', [], { resubscribe: 'yes' as never })).toThrow(
      'resubscribe must be a boolean, got "yes"',
    );
    expect(() => client.subscribe('news', [], 3 as never)).toThrow(
      'subscribe() options must be an object, got 3',
    );
  });

  it('gives up the subscribe call after its own timeout', async () => {
    const { peer, client } = await pair({ timeout: 0 });
    const events = client.subscribe('news', [], { timeout: 20 });
    expect(await peer.next()).toMatchObject({ method: 'news_subscribe' });
    await expect(events.next()).rejects.toMatchObject({ code: 'RERPC_ERR_TIMEOUT' });
  });
});

describe('a subscription buffer', () => {
  it('counts only the events the loop has not taken against maxBuffered', async () => {
    const { peer, client } = await pair();
    const events = client.subscribe<number>('news', [], { maxBuffered: 2 });
    await accept(peer, 's', [event('s', 1), event('s', 2)]);
    await roundTrip(peer, client);
    expect(await events.next()).toEqual({ value: 1, done: false });
    peer.send(event('s', 3));
    await roundTrip(peer, client);
    expect(await events.next()).toEqual({ value: 2, done: false });
    expect(await events.next()).toEqual({ value: 3, done: false });
    expect(client.stats().subscriptions.overflowed).toBe(0);
  });

  it('drops the buffered events on return(), which resolves done', async () => {
    const { peer, client } = await pair();
    const events = client.subscribe<number>('news');
    await accept(peer, 's', [event('s', 1), event('s', 2)]);
    expect(await events.next()).toEqual({ value: 1, done: false });
    await expect(events.return!()).resolves.toEqual({ value: undefined, done: true });
    expect(await events.next()).toEqual({ value: undefined, done: true });
    expect(await peer.next()).toMatchObject({ method: 'news_unsubscribe', params: ['s'] });
  });

  it('counts an overflow of an event after the subscribe answer, and unsubscribes once', async () => {
    const { peer, client } = await pair();
    const events = client.subscribe<number>('news', [], { maxBuffered: 1 });
    await accept(peer, 's', [event('s', 1)]);
    expect(client.stats().subscriptions.overflowed).toBe(0);
    peer.send(event('s', 2));
    expect(await peer.next()).toMatchObject({ method: 'news_unsubscribe', params: ['s'] });
    expect(client.stats().subscriptions).toEqual({
      active: 0,
      opened: 1,
      events: 2,
      overflowed: 1,
      lost: 0,
    });
    expect(await events.next()).toEqual({ value: 1, done: false });
    expect((await rejection(events.next())).message).toBe(
      'news: more than 1 events waited for the loop to take them (maxBuffered); the subscription was ended. Take events faster (hand slow work off), or raise maxBuffered',
    );
    // Leaving the loop after the overflow sends nothing more: the next message is this call.
    await events.return!();
    void client.call('after', []).catch(() => {});
    expect(await peer.next()).toMatchObject({ method: 'after' });
  });
});

describe('a subscription ending', () => {
  it('ends done after AbortError when aborted while subscribing, whatever the answer', async () => {
    const { peer, client } = await pair();
    const controller = new AbortController();
    const events = client.subscribe('news', [], { signal: controller.signal });
    const request = await peer.next();
    controller.abort();
    await expect(events.next()).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    peer.send({ jsonrpc: '2.0', error: { code: -32000, message: 'no' }, id: request['id'] });
    // The refusal is seen by the client (a call after it is answered), and not thrown later.
    const after = client.call('after', []);
    const call = await peer.next();
    peer.send({ jsonrpc: '2.0', result: 1, id: call['id'] });
    expect(await after).toBe(1);
    expect(await events.next()).toEqual({ value: undefined, done: true });
  });

  it('removes its abort listener from the signal when it ends', async () => {
    const { peer, client } = await pair();
    const signal = new AbortController().signal;
    const events = client.subscribe('news', [], { signal });
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    await accept(peer, 's');
    await events.return!();
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('ends at once with ClientClosedError after close(), sending nothing', async () => {
    const { peer, client } = await pair();
    await client.close();
    const events = client.subscribe('news');
    await expect(events.next()).rejects.toMatchObject({ code: 'RERPC_ERR_CLIENT_CLOSED' });
    expect(client.stats().subscriptions.active).toBe(0);
    expect(peer.accepted).toBe(1);
  });

  it('holds the process with one timer while any subscription is live, none after', async () => {
    const { peer, client } = await pair();
    const before = refTimers();
    const a = client.subscribe('news');
    await accept(peer, 'a', [event('a', 1)]);
    expect(await a.next()).toEqual({ value: 1, done: false });
    expect(refTimers()).toBe(before + 1);
    const b = client.subscribe('news');
    await accept(peer, 'b', [event('b', 2)]);
    expect(await b.next()).toEqual({ value: 2, done: false });
    expect(refTimers()).toBe(before + 1);
    await a.return!();
    expect(refTimers()).toBe(before + 1);
    await b.return!();
    expect(refTimers()).toBe(before);
  });
});

describe('routing events', () => {
  it('yields only the events under its notification method; others go to onNotification', async () => {
    const { peer, client } = await pair();
    const seen: unknown[] = [];
    let heard!: () => void;
    const done = new Promise<void>((resolve) => {
      heard = resolve;
    });
    client.onNotification('other_subscription', (params) => {
      seen.push(params);
      heard();
    });
    client.onNotification('news_subscription', (params) => seen.push(params));
    const events = client.subscribe<number>('news');
    await accept(peer, 's', [event('s', 1)]);
    expect(await events.next()).toEqual({ value: 1, done: false });
    peer.sendAll([event('s', 2), event('s', 9, 'other_subscription'), event('t', 3)]);
    await done;
    expect(await events.next()).toEqual({ value: 2, done: false });
    expect(seen).toEqual([
      { subscription: 's', result: 9 },
      { subscription: 't', result: 3 },
    ]);
  });

  it('hands a notification with null params to its handler', async () => {
    const { peer, client } = await pair();
    const got = new Promise((resolve) => client.onNotification('tick', resolve));
    peer.send({ jsonrpc: '2.0', method: 'tick', params: null });
    expect(await got).toBe(null);
  });

  it('ends with SubscriptionLostError when the connection dies right after the answer', async () => {
    const { peer, client } = await pair({ maxMessageBytes: 200 });
    const events = client.subscribe('news');
    await accept(peer, 's', [event('s', 'x'.repeat(300))]);
    const error = await rejection<RpcError>(events.next());
    expect(error).toMatchObject({
      code: 'RERPC_ERR_SUBSCRIPTION_LOST',
      message:
        'news: the connection carrying the subscription was lost; subscribe again (events sent meanwhile are lost), or pass resubscribe: true to do so on the next connection',
    });
    expect(client.stats().subscriptions).toEqual({
      active: 0,
      opened: 0,
      events: 0,
      overflowed: 0,
      lost: 1,
    });
  });
});

describe('a connection lost right after the subscribe answer', () => {
  it('subscribes again when the connection dies right after the answer, with resubscribe', async () => {
    const { peer, client } = await pair({ maxMessageBytes: 200 });
    const events = client.subscribe('news', [], { resubscribe: true });
    await accept(peer, 's1', [event('s1', 'x'.repeat(300))]);
    await accept(peer, 's2', [event('s2', 2)]);
    expect(await events.next()).toEqual({ value: 2, done: false });
    expect(client.stats().subscriptions).toEqual({
      active: 1,
      opened: 1,
      events: 1,
      overflowed: 0,
      lost: 1,
    });
  });
});

describe('service()', () => {
  it('refuses an empty name', () => {
    const client = createClient({ port: 1 });
    expect(() => client.service('')).toThrow(
      new TypeError('name must be a non-empty string, got ""'),
    );
  });

  it('refuses a name that is no string', () => {
    const client = createClient({ port: 1 });
    expect(() => client.service(5 as unknown as string)).toThrow(
      new TypeError('name must be a non-empty string, got 5'),
    );
  });
});

describe('onNotification()', () => {
  it('refuses an empty name', () => {
    const client = createClient({ port: 1 });
    expect(() => client.onNotification('', () => {})).toThrow(
      new TypeError('name must be a non-empty string, got ""'),
    );
  });

  it('refuses a name that is no string', () => {
    const client = createClient({ port: 1 });
    expect(() => client.onNotification(5 as unknown as string, () => {})).toThrow(
      new TypeError('name must be a non-empty string, got 5'),
    );
  });

  it('leaves a replacing handler in place when the replaced one is removed', async () => {
    const { peer, client } = await pair();
    const got: unknown[] = [];
    const removeFirst = client.onNotification('tick', () => {});
    client.onNotification('tick', (params) => got.push(params));
    removeFirst();
    peer.send({ jsonrpc: '2.0', method: 'tick', params: [1] });
    await roundTrip(peer, client);
    expect(got).toEqual([[1]]);
  });
});

describe('requests from the server the client cannot take', () => {
  it('answers Invalid Request for a bad method or params, naming the fault, and counts them', async () => {
    const { peer, client } = await pair();
    client.method('add', (params: unknown) => params);
    peer.send({ jsonrpc: '2.0', method: 5, id: 1 });
    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request', data: 'not a valid JSON-RPC request' },
      id: 1,
    });
    peer.send({ jsonrpc: '2.0', method: 'add', params: null, id: 2 });
    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      error: {
        code: -32600,
        message: 'Invalid Request',
        data: 'params must be an array or an object',
      },
      id: 2,
    });
    expect(client.stats().inbound.invalid).toBe(2);
  });
});

describe('requests from the server beyond what the client runs', () => {
  it('refuses a call past maxHandlersPerLink with Too many requests, naming the limit', async () => {
    const { peer, client } = await pair({ maxHandlersPerLink: 1 });
    const slow = gate();
    client.method('slow', slow.handler);
    peer.send({ jsonrpc: '2.0', method: 'slow', params: [], id: 1 });
    peer.send({ jsonrpc: '2.0', method: 'slow', params: [], id: 2 });
    expect(await peer.next()).toMatchObject({
      error: {
        message: 'Too many requests',
        data: '1 calls from the server already run on this connection (maxHandlersPerLink)',
      },
      id: 2,
    });
    expect(client.stats().inbound).toMatchObject({ running: 1, refused: 1, invalid: 0 });
    slow.releaseAll();
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', result: [], id: 1 });
  });

  it('answers Invalid Request for an id already running on the connection', async () => {
    const { peer, client } = await pair();
    const slow = gate();
    client.method('slow', slow.handler);
    peer.send({ jsonrpc: '2.0', method: 'slow', params: [], id: 'x' });
    peer.send({ jsonrpc: '2.0', method: 'slow', params: [], id: 'x' });
    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request', data: 'id "x" is already in use' },
      id: 'x',
    });
    expect(client.stats().inbound).toMatchObject({ running: 1, invalid: 1 });
    slow.releaseAll();
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', result: [], id: 'x' });
  });
});
