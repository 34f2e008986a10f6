// Calls and notifications from the server at their edges: what a handler returns, what is
// answered (and what not) after a call is given up on, ids that are no ids, the counters and the
// default log line of each outcome.
import { deferred } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  type Client,
  type ClientOptions,
  type HandlerContext,
  RequestCancelledError,
} from '../src/index.js';
import { type Peer, tcpPeer } from './fixtures/peer.js';
import { connect } from './helpers.js';

async function pair(options: ClientOptions = {}): Promise<{ peer: Peer; client: Client }> {
  const peer = await tcpPeer();
  const client = connect(peer.port, options);
  await client.call('hello', [], { timeout: 10_000 });
  return { peer, client };
}

/** A call answered after what the peer wrote before: all of it was read once it resolves. */
async function roundTrip(peer: Peer, client: Client): Promise<void> {
  const ping = client.call('ping', []);
  const request = await peer.next();
  expect(request).toMatchObject({ method: 'ping' });
  peer.send({ jsonrpc: '2.0', result: 'pong', id: request['id'] });
  expect(await ping).toBe('pong');
}

const request = (method: string, id: unknown, params?: unknown) => ({
  jsonrpc: '2.0',
  method,
  id,
  ...(params === undefined ? {} : { params }),
});

describe('what a handler returns', () => {
  it('answers a handler that returns nothing, or null, with result null', async () => {
    const { peer, client } = await pair();
    client.method('nothing', () => {});
    client.method('none', () => null);
    peer.send(request('nothing', 1));
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', result: null, id: 1 });
    peer.send(request('none', 2));
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', result: null, id: 2 });
  });

  it('answers a result it cannot encode -32603, counted as failed', async () => {
    const { peer, client } = await pair({ onHandlerError: null });
    client.method('big', () => 1n);
    peer.send(request('big', 3));
    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32603, message: 'Internal error' },
      id: 3,
    });
    expect(client.stats().inbound).toMatchObject({ answered: 0, failed: 1 });
  });
});

describe('notifications from the server', () => {
  it('neither counts nor reports a notification no handler takes', async () => {
    const seen: unknown[] = [];
    const { peer, client } = await pair({ onHandlerError: (error) => seen.push(error) });
    peer.send({ jsonrpc: '2.0', method: 'nobody.listens', params: [1] });
    await roundTrip(peer, client);
    expect(client.stats().inbound.notifications).toBe(0);
    expect(seen).toEqual([]);
  });

  it('ignores what a notification handler returns, and counts its failure as no failed call', async () => {
    const seen: unknown[] = [];
    const { peer, client } = await pair({ onHandlerError: (error) => seen.push(error) });
    client.onNotification('quiet', () => undefined);
    client.onNotification('loud', () => 5);
    client.onNotification('broken', () => {
      throw new Error('broken');
    });
    peer.sendAll(['quiet', 'loud', 'broken'].map((method) => ({ jsonrpc: '2.0', method })));
    await roundTrip(peer, client);
    expect(seen).toEqual([new Error('broken')]);
    expect(client.stats().inbound).toMatchObject({ notifications: 3, failed: 0 });
  });

  it("logs a failing notification handler once by default, saying nothing was answered ('log')", async () => {
    const lines: unknown[][] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      lines.push(args);
    });
    onTestFinished(() => spy.mockRestore());
    const { peer, client } = await pair();
    client.onNotification('tick', () => {
      throw new TypeError('bad tick');
    });
    peer.send({ jsonrpc: '2.0', method: 'tick' });
    await roundTrip(peer, client);
    expect(lines).toEqual([
      [
        '@rerpc/client: a notification of tick from the server failed with TypeError; nothing was answered (logged once per method and error class; set onHandlerError to log your own way, or null to silence):',
        new TypeError('bad tick'),
      ],
    ]);
  });
});

describe('requests from the server that are not calls', () => {
  it('answers a request whose id is neither string, number nor null -32600 with id null', async () => {
    const { peer, client } = await pair();
    let ran = 0;
    client.method('m', () => {
      ran += 1;
      return 'ran';
    });
    for (const id of [true, { n: 1 }]) {
      peer.send(request('m', id, []));
      expect(await peer.next()).toEqual({
        jsonrpc: '2.0',
        error: { code: -32600, message: 'Invalid Request', data: 'not a valid JSON-RPC request' },
        id: null,
      });
    }
    expect(ran).toBe(0);
  });

  it('counts a params mismatch as invalid', async () => {
    const { peer, client } = await pair();
    client.method('nums', () => 1, { params: { type: 'array', items: { type: 'number' } } });
    peer.send(request('nums', 1, ['x']));
    expect(await peer.next()).toMatchObject({ error: { code: -32602 }, id: 1 });
    expect(client.stats().inbound.invalid).toBe(1);
  });
});

describe('a call from the server given up on', () => {
  it('sends nothing for a rejection that comes after the server cancelled the call', async () => {
    const { peer, client } = await pair({ onHandlerError: null });
    client.method(
      'work',
      (_params: unknown, ctx: HandlerContext) =>
        new Promise((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
        ),
    );
    peer.sendAll([
      request('work', 4),
      { jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 4 } },
    ]);
    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32800, message: 'Request cancelled' },
      id: 4,
    });
    await roundTrip(peer, client);
    expect(client.stats().inbound).toMatchObject({ running: 0, cancelled: 1, failed: 0 });
  });

  it('gives a handler that reads ctx.signal only after the cancel an aborted signal', async () => {
    const { peer, client } = await pair();
    const ctx = deferred<HandlerContext>();
    client.method('work', (_params: unknown, c: HandlerContext) => {
      ctx.resolve(c);
      return new Promise(() => {});
    });
    peer.send(request('work', 5));
    const context = await ctx.promise;
    peer.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 5 } });
    expect(await peer.next()).toMatchObject({ error: { code: -32800 }, id: 5 });
    expect(context.signal.aborted).toBe(true);
    expect(context.signal.reason).toBeInstanceOf(RequestCancelledError);
  });

  it('ignores a cancel without an id, though a call with id null runs', async () => {
    const { peer, client } = await pair();
    const gate = deferred<string>();
    client.method('work', () => gate.promise);
    peer.send(request('work', null));
    peer.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: {} });
    peer.send({ jsonrpc: '2.0', method: '$/cancelRequest' });
    await roundTrip(peer, client);
    expect(client.stats().inbound).toMatchObject({ running: 1, cancelled: 0 });
    gate.resolve('done');
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', result: 'done', id: null });
  });

  it('ignores a cancel when no call from the server runs on the connection', async () => {
    const { peer, client } = await pair();
    client.method('work', () => 'now');
    peer.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 1 } });
    peer.send(request('work', 1));
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', result: 'now', id: 1 });
    expect(client.stats().inbound).toMatchObject({ answered: 1, cancelled: 0 });
  });

  it('keeps the other calls running, and cancellable, when one of them is answered', async () => {
    const { peer, client } = await pair();
    const first = deferred<string>();
    client.method('first', () => first.promise);
    client.method('second', () => new Promise(() => {}));
    peer.sendAll([request('first', 1), request('second', 2)]);
    await roundTrip(peer, client);
    first.resolve('one');
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', result: 'one', id: 1 });
    expect(client.stats().inbound.running).toBe(1);
    peer.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 2 } });
    expect(await peer.next()).toMatchObject({ error: { code: -32800 }, id: 2 });
    expect(client.stats().inbound).toMatchObject({ running: 0, cancelled: 1 });
  });

  it("reads the call's id from the idParam of an object cancelMethod, not from id", async () => {
    const { peer, client } = await pair({ cancelMethod: { method: 'stop', idParam: 'requestId' } });
    client.method('work', () => new Promise(() => {}));
    peer.sendAll([request('work', 4), { jsonrpc: '2.0', method: 'stop', params: { id: 4 } }]);
    await roundTrip(peer, client);
    expect(client.stats().inbound).toMatchObject({ running: 1, cancelled: 0 });
    peer.send({ jsonrpc: '2.0', method: 'stop', params: { requestId: 4 } });
    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32800, message: 'Request cancelled' },
      id: 4,
    });
  });

  it('names the method and handlerTimeout in the -32001 answer', async () => {
    const { peer, client } = await pair({ handlerTimeout: 5 });
    client.method('hang', () => new Promise(() => {}));
    peer.send(request('hang', 9));
    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      error: {
        code: -32001,
        message: 'Handler timed out',
        data: 'hang did not finish within 5 ms',
      },
      id: 9,
    });
  });
});
