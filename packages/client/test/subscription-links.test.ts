// A subscription belongs to the connection its subscribe call was answered on: an event with its
// id on another connection of the same client is not its event, the loss of another connection
// leaves it alone, and a request that carries its id is still a call.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { createDecoder, frame } from '@rerpc/codec';
import { deferred } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Client, ClientOptions } from '../src/index.js';
import { type Msg, type Peer, tcpPeer } from './fixtures/peer.js';
import { connect, rejection } from './helpers.js';

/** A message the client sent, and the index of the connection (in accept order) it came on. */
interface Arrival {
  readonly conn: number;
  readonly msg: Msg;
}

/** A raw NDJSON peer that keeps every connection the client opens apart. */
async function peers() {
  const sockets: Socket[] = [];
  const arrived: Arrival[] = [];
  const waiters: Array<(arrival: Arrival) => void> = [];
  const server = createServer((socket) => {
    const conn = sockets.push(socket) - 1;
    const decoder = createDecoder('ndjson', {
      onMessage: (value) => {
        const arrival = { conn, msg: value as Msg };
        const waiter = waiters.shift();
        if (waiter === undefined) arrived.push(arrival);
        else waiter(arrival);
      },
      onParseError: () => {},
      onOversize: () => {},
      onFramingError: () => {},
    });
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    port: (server.address() as { port: number }).port,
    next(): Promise<Arrival> {
      const arrival = arrived.shift();
      if (arrival !== undefined) return Promise.resolve(arrival);
      return new Promise((resolve) => waiters.push(resolve));
    },
    /** Writes the messages on connection `conn` in one write. */
    send(conn: number, messages: unknown[]): void {
      sockets[conn]!.write(messages.map((m) => frame('ndjson', JSON.stringify(m))).join(''));
    },
    drop(conn: number): void {
      sockets[conn]!.destroy();
    },
  };
}

const event = (subscription: unknown, result: unknown) => ({
  jsonrpc: '2.0',
  method: 'news_subscription',
  params: { subscription, result },
});

const answer = (arrival: Arrival, result: unknown) => ({
  jsonrpc: '2.0',
  result,
  id: arrival.msg['id'],
});

/** Resolves once the client has dialled a connection (diagnostics channel). */
function connectionOpened(): Promise<void> {
  const { promise, resolve } = deferred<void>();
  const listener = () => resolve();
  subscribe('rerpc:client:connection:open', listener);
  onTestFinished(() => {
    unsubscribe('rerpc:client:connection:open', listener);
  });
  return promise;
}

/** Resolves once the client has closed a connection (diagnostics channel). */
function connectionClosed(): Promise<void> {
  const { promise, resolve } = deferred<void>();
  const listener = () => resolve();
  subscribe('rerpc:client:connection:close', listener);
  onTestFinished(() => {
    unsubscribe('rerpc:client:connection:close', listener);
  });
  return promise;
}

describe('a subscription and the other connections of its client', () => {
  it('takes events only from its own connection, and outlives the loss of another one', async () => {
    const peer = await peers();
    const client = connect(peer.port, { pipelineThreshold: 1, maxActive: 2, maxRetries: 0 });
    const hello = client.call('hello');
    const greeted = await peer.next();
    peer.send(0, [answer(greeted, 'hi')]);
    expect(await hello).toBe('hi');
    // A second call past pipelineThreshold dials a second connection. Once it is open (and a
    // read later, so the pool holds it), the subscription goes there: the least-loaded one.
    const dialled = connectionOpened();
    const one = client.call('one');
    const first = await peer.next();
    const two = client.call('two');
    const second = await peer.next();
    expect([first.conn, second.conn]).toEqual([0, 0]);
    await dialled;
    const three = client.call('three');
    const third = await peer.next();
    peer.send(third.conn, [answer(third, 3)]);
    expect(await three).toBe(3);
    const heard: unknown[] = [];
    client.onNotification('news_subscription', (params) => heard.push(params));
    const events = client.subscribe<number>('news');
    const request = await peer.next();
    expect(request).toMatchObject({ conn: 1, msg: { method: 'news_subscribe' } });
    peer.send(1, [answer(request, 's'), event('s', 1)]);
    expect(await events.next()).toEqual({ value: 1, done: false });
    // The same subscription id on the other connection: a plain notification.
    peer.send(0, [event('s', 9), answer(first, 'one')]);
    expect(await one).toBe('one');
    expect(heard).toEqual([{ subscription: 's', result: 9 }]);
    // The other connection is lost (its call fails): the subscription goes on.
    peer.drop(0);
    expect(await rejection(two)).toMatchObject({ code: 'RERPC_ERR_CONNECTION' });
    peer.send(1, [event('s', 2)]);
    expect(await events.next()).toEqual({ value: 2, done: false });
    expect(client.stats().subscriptions).toEqual({
      active: 1,
      opened: 1,
      events: 2,
      overflowed: 0,
      lost: 0,
    });
  });
});

async function pair(options: ClientOptions = {}): Promise<{ peer: Peer; client: Client }> {
  const peer = await tcpPeer();
  const client = connect(peer.port, options);
  await client.call('hello', [], { timeout: 10_000 });
  return { peer, client };
}

describe('messages that carry a subscription id but are no events', () => {
  it('answers a request (with an id) that carries a subscription id as a call', async () => {
    const { peer, client } = await pair();
    const events = client.subscribe<number>('news');
    const request = await peer.next();
    peer.sendAll([
      { jsonrpc: '2.0', result: 's', id: request['id'] },
      // A non-string method is no notification, even in the answer's read.
      { jsonrpc: '2.0', method: 5, params: { subscription: 's', result: 0 } },
      { ...event('s', 7), id: 70 },
      event('s', 1),
    ]);
    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found' },
      id: 70,
    });
    expect(await events.next()).toEqual({ value: 1, done: false });
    expect(client.stats().subscriptions.events).toBe(1);
  });
});

describe('a subscription given up on while its connection dies', () => {
  it('sends no unsubscribe on the dead connection, and leaves no call behind', async () => {
    const { peer, client } = await pair({ maxMessageBytes: 200 });
    const events = client.subscribe('news');
    const request = await peer.next();
    await events.return!();
    // The answer, then a message past maxMessageBytes in the same read: the connection is lost
    // before the subscription learns its id.
    const closed = connectionClosed();
    peer.sendAll([{ jsonrpc: '2.0', result: 's', id: request['id'] }, event('s', 'x'.repeat(300))]);
    await closed;
    const after = client.call('after', []);
    const next = await peer.next();
    expect(next).toMatchObject({ method: 'after' });
    peer.send({ jsonrpc: '2.0', result: 1, id: next['id'] });
    expect(await after).toBe(1);
    expect(peer.accepted).toBe(2);
    expect(client.stats()).toMatchObject({ pending: 0, subscriptions: { active: 0, lost: 0 } });
  });
});

describe('a subscription answered after close() began', () => {
  it('makes no unsubscribe call, not even a refused one (no call is traced)', async () => {
    const { peer, client } = await pair();
    const events = client.subscribe('news');
    const request = await peer.next();
    // A call in flight keeps close() waiting while the subscribe answer arrives.
    const slow = client.call('slow', []);
    const slowRequest = await peer.next();
    const traced: unknown[] = [];
    const start = (message: unknown) => traced.push((message as { method: string }).method);
    subscribe('tracing:rerpc:client:call:start', start);
    onTestFinished(() => {
      unsubscribe('tracing:rerpc:client:call:start', start);
    });
    const closing = client.close();
    await expect(events.next()).rejects.toMatchObject({ code: 'RERPC_ERR_CLIENT_CLOSED' });
    peer.sendAll([
      { jsonrpc: '2.0', result: 's', id: request['id'] },
      { jsonrpc: '2.0', result: 'done', id: slowRequest['id'] },
    ]);
    expect(await slow).toBe('done');
    await closing;
    expect(traced).toEqual([]);
  });
});
