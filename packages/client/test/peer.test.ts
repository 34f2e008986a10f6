// The client as a peer: requests and notifications the server sends on a persistent connection
// reach the handlers registered on the client, which answers them on the same connection.
import { RegistrationError } from '@rerpc/registry';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  type Client,
  type ClientOptions,
  DisconnectedError,
  type HandlerContext,
  HandlerTimeoutError,
  RequestCancelledError,
  RpcError,
} from '../src/index.js';
import { statusServer } from './fixtures/http-servers.js';
import { type Peer, tcpPeer, wsPeer } from './fixtures/peer.js';
import { connect, rejection } from './helpers.js';

type Transport = 'tcp' | 'ws';

/** A hand-written peer and a client connected to it (it made one call, so its link is open). */
async function pair(
  transport: Transport,
  options: ClientOptions = {},
): Promise<{ peer: Peer; client: Client }> {
  const peer = transport === 'tcp' ? await tcpPeer() : await wsPeer();
  const target = transport === 'tcp' ? peer.port : `ws://127.0.0.1:${peer.port}/`;
  const client = connect(target, options);
  await client.call('hello', [], { timeout: 10_000 });
  return { peer, client };
}

describe.each<Transport>(['tcp', 'ws'])('calls from the server over %s', (transport) => {
  it("answers a request with the handler's result on the same link, whatever ids the client uses", async () => {
    const { peer, client } = await pair(transport);
    const seen: HandlerContext[] = [];
    client.method('Client.add', (params: number[], ctx) => {
      seen.push(ctx);
      return params.reduce((a, b) => a + b, 0);
    });
    // The client's own call 2 is pending while the server sends its request 2: no collision.
    const own = client.call('mine');
    const mine = await peer.next();
    expect(mine).toMatchObject({ method: 'mine', id: 2 });
    peer.send({ jsonrpc: '2.0', method: 'Client.add', params: [1, 2, 3], id: 2 });
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', result: 6, id: 2 });
    peer.send({ jsonrpc: '2.0', result: 'own', id: 2 });
    await expect(own).resolves.toBe('own');
    expect(seen[0]).toMatchObject({ id: 2, method: 'Client.add' });
    expect(seen[0]!.link.transport).toBe(transport);
  });

  it('answers an async handler, a string id, and an instance registered with register()', async () => {
    const { peer, client } = await pair(transport);
    class Editor {
      async open(params: { uri: string }) {
        return { opened: params.uri };
      }
    }
    expect(client.register(new Editor())).toEqual(['Editor.open']);
    peer.send({ jsonrpc: '2.0', method: 'Editor.open', params: { uri: 'a.ts' }, id: 'x1' });
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', result: { opened: 'a.ts' }, id: 'x1' });
  });

  it('answers -32601 for a method it does not have', async () => {
    const { peer } = await pair(transport);
    peer.send({ jsonrpc: '2.0', method: 'nope', id: 7 });
    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found' },
      id: 7,
    });
  });

  it('answers a thrown RpcError as it is, any other throw -32603, a params mismatch -32602', async () => {
    const { peer, client } = await pair(transport, { onHandlerError: null });
    client.method('a', () => {
      throw new RpcError(-32050, 'Busy editing', { file: 'x' });
    });
    client.method('b', async () => {
      throw new Error('secret detail');
    });
    client.method('c', () => 1, { params: { type: 'array', items: { type: 'number' } } });
    peer.send({ jsonrpc: '2.0', method: 'a', id: 1 });
    expect(await peer.next()).toMatchObject({
      error: { code: -32050, message: 'Busy editing', data: { file: 'x' } },
      id: 1,
    });
    peer.send({ jsonrpc: '2.0', method: 'b', id: 2 });
    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32603, message: 'Internal error' },
      id: 2,
    });
    peer.send({ jsonrpc: '2.0', method: 'c', params: ['x'], id: 3 });
    expect(await peer.next()).toMatchObject({ error: { code: -32602 }, id: 3 });
  });

  it('runs notification handlers, never answering them', async () => {
    const { peer, client } = await pair(transport);
    const got: unknown[] = [];
    const { promise, resolve } = deferred<void>();
    const off = client.onNotification('window/log', (params: { text: string }, ctx) => {
      got.push([params.text, ctx.id, ctx.method]);
      if (got.length === 2) resolve();
    });
    peer.send({ jsonrpc: '2.0', method: 'window/log', params: { text: 'one' } });
    peer.send({ jsonrpc: '2.0', method: 'window/log', params: { text: 'two' } });
    await promise;
    expect(got).toEqual([
      ['one', null, 'window/log'],
      ['two', null, 'window/log'],
    ]);
    off();
    // Unhandled now: dropped; the next message the peer gets is the client's next call.
    peer.send({ jsonrpc: '2.0', method: 'window/log', params: { text: 'three' } });
    const own = client.call('after');
    expect(await peer.next()).toMatchObject({ method: 'after' });
    expect(got).toHaveLength(2);
    void own.catch(() => {});
  });

  it('answers -32003 past maxHandlersPerLink without running the handler', async () => {
    const { peer, client } = await pair(transport, { maxHandlersPerLink: 1 });
    let started = 0;
    const gate = deferred<string>();
    client.method('slow', () => {
      started += 1;
      return gate.promise;
    });
    peer.send({ jsonrpc: '2.0', method: 'slow', id: 1 });
    peer.send({ jsonrpc: '2.0', method: 'slow', id: 2 });
    expect(await peer.next()).toMatchObject({ error: { code: -32003 }, id: 2 });
    expect(started).toBe(1);
    gate.resolve('done');
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', result: 'done', id: 1 });
  });

  it('answers -32001 past handlerTimeout and aborts the handler with HandlerTimeoutError', async () => {
    const { peer, client } = await pair(transport, { handlerTimeout: 5 });
    const aborted = deferred<unknown>();
    client.method('hang', (_params: unknown, ctx) => {
      ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason));
      return new Promise(() => {});
    });
    peer.send({ jsonrpc: '2.0', method: 'hang', id: 9 });
    expect(await peer.next()).toMatchObject({
      error: { code: -32001, message: 'Handler timed out' },
      id: 9,
    });
    expect(await aborted.promise).toBeInstanceOf(HandlerTimeoutError);
  });

  it('aborts a handler the server cancels ($/cancelRequest) and answers -32800 once', async () => {
    const { peer, client } = await pair(transport);
    const aborted = deferred<unknown>();
    client.method('work', (_params: unknown, ctx) => {
      ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason));
      return new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('late')));
    });
    peer.send({ jsonrpc: '2.0', method: 'work', id: 4 });
    peer.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 4 } });
    expect(await aborted.promise).toBeInstanceOf(RequestCancelledError);
    expect(await peer.next()).toMatchObject({
      error: { code: -32800, message: 'Request cancelled' },
      id: 4,
    });
    // The handler's late result is not sent: the next message is the client's own call.
    void client.call('after').catch(() => {});
    expect(await peer.next()).toMatchObject({ method: 'after' });
  });

  it('aborts running handlers with DisconnectedError when the connection is lost', async () => {
    const { peer, client } = await pair(transport);
    const aborted = deferred<unknown>();
    const started = deferred<void>();
    client.method('work', (_params: unknown, ctx) => {
      ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason));
      started.resolve();
      return new Promise(() => {});
    });
    peer.send({ jsonrpc: '2.0', method: 'work', id: 1 });
    await started.promise;
    peer.drop();
    expect(await aborted.promise).toBeInstanceOf(DisconnectedError);
  });
});

describe.each<Transport>(['tcp', 'ws'])('handler errors and stats over %s', (transport) => {
  it('reports non-RpcError throws, rejections, unencodable results and failing notification handlers to onHandlerError', async () => {
    const seen: unknown[][] = [];
    const all = deferred<void>();
    const { peer, client } = await pair(transport, {
      onHandlerError: (error, ctx) => {
        seen.push([(error as Error).name, ctx.method, ctx.id]);
        if (seen.length === 5) all.resolve();
      },
    });
    client.method('rpc', () => {
      throw new RpcError(-32050, 'Busy');
    });
    client.method('sync', () => {
      throw new Error('one');
    });
    client.method('async', async () => {
      throw new RangeError('two');
    });
    client.method('bigint', () => 1n);
    client.onNotification('note.sync', () => {
      throw new TypeError('three');
    });
    client.onNotification('note.async', async () => {
      throw new SyntaxError('four');
    });
    for (const [id, method] of ['rpc', 'sync', 'async', 'bigint'].entries()) {
      peer.send({ jsonrpc: '2.0', method, id });
      expect(await peer.next()).toMatchObject({ error: { code: id === 0 ? -32050 : -32603 }, id });
    }
    peer.send({ jsonrpc: '2.0', method: 'note.sync' });
    peer.send({ jsonrpc: '2.0', method: 'note.async' });
    await all.promise;
    expect(seen).toEqual([
      ['Error', 'sync', 1],
      ['RangeError', 'async', 2],
      ['TypeError', 'bigint', 3],
      ['TypeError', 'note.sync', null],
      ['SyntaxError', 'note.async', null],
    ]);
  });

  it("logs each method and error class once to stderr by default ('log'); null silences", async () => {
    const lines: unknown[][] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      lines.push(args);
    });
    onTestFinished(() => spy.mockRestore());
    const { peer, client } = await pair(transport);
    const quiet = await pair(transport, { onHandlerError: null });
    for (const c of [client, quiet.client]) {
      c.method('boom', () => {
        throw new Error('secret detail');
      });
    }
    for (const id of [1, 2]) {
      peer.send({ jsonrpc: '2.0', method: 'boom', id });
      expect(await peer.next()).toMatchObject({ error: { code: -32603 }, id });
      quiet.peer.send({ jsonrpc: '2.0', method: 'boom', id });
      expect(await quiet.peer.next()).toMatchObject({ error: { code: -32603 }, id });
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]![0]).toMatch(
      /^@rerpc\/client: a call of boom from the server failed with Error; the server got -32603/,
    );
    expect((lines[0]![1] as Error).message).toBe('secret detail');
  });

  it('counts calls from the server by outcome in stats().inbound', async () => {
    const { peer, client } = await pair(transport, {
      maxHandlersPerLink: 2,
      handlerTimeout: 20,
      onHandlerError: null,
    });
    const started = deferred<void>();
    const gate = deferred<string>();
    client.method('gated', () => {
      started.resolve();
      return gate.promise;
    });
    client.method('bad', () => {
      throw new Error('no');
    });
    client.method('hang', () => new Promise(() => {}));
    const noted = deferred<void>();
    client.onNotification('note', () => noted.resolve());
    const request = (method: string, id: number) => ({ jsonrpc: '2.0', method, id });
    peer.send(request('gated', 1));
    await started.promise;
    expect(client.stats().inbound.running).toBe(1);
    gate.resolve('fine');
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', result: 'fine', id: 1 });
    peer.sendAll([request('bad', 2), request('nope', 3)]);
    expect([await peer.next(), await peer.next()]).toMatchObject([{ id: 2 }, { id: 3 }]);
    // Cancelled in the same read as it arrived; then two run, a third is refused, both time out.
    const cancel = { jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 4 } };
    peer.sendAll([request('hang', 4), cancel]);
    expect(await peer.next()).toMatchObject({ error: { code: -32800 }, id: 4 });
    peer.sendAll([request('hang', 5), request('hang', 6), request('hang', 7)]);
    const answers = [await peer.next(), await peer.next(), await peer.next()];
    expect(answers.map((a) => [(a['error'] as { code: number }).code, a['id']])).toEqual([
      [-32003, 7],
      [-32001, 5],
      [-32001, 6],
    ]);
    peer.send({ jsonrpc: '2.0', method: 'note' });
    await noted.promise;
    expect(client.stats().inbound).toEqual({
      running: 0,
      answered: 1,
      failed: 1,
      timedOut: 2,
      cancelled: 1,
      refused: 1,
      invalid: 1,
      notifications: 1,
    });
  });
});

describe('over HTTP', () => {
  it('runs no handler for a request in an HTTP answer (nothing can be answered there)', async () => {
    const { port } = await statusServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', method: 'Client.run', params: [], id: 1 }));
    });
    const client = connect(`http://127.0.0.1:${port}/`, { maxRetries: 0 });
    let ran = 0;
    client.method('Client.run', () => {
      ran += 1;
      return 'ran';
    });
    // The POST's answer carries no answer to the call: it fails as a missing answer does.
    await rejection(client.call('x', [], { timeout: 10_000 }));
    expect(ran).toBe(0);
  });
});

describe('registration', () => {
  it('refuses names @rerpc/registry refuses, and duplicates', () => {
    const client = connect(1);
    expect(() => client.method('rpc.x', () => 1)).toThrow(RegistrationError);
    client.method('A.b', () => 1);
    expect(() => client.method('A.b', () => 2)).toThrow(RegistrationError);
    expect(() => client.onNotification('', () => {})).toThrow(TypeError);
    expect(() => client.onNotification('x', 3 as never)).toThrow('handler must be a function');
  });

  it('answers a request with id null and rejects a malformed one with -32600', async () => {
    const { peer, client } = await pair('tcp');
    client.method('m', () => 'ok');
    peer.send({ jsonrpc: '2.0', method: 'm', id: null });
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', result: 'ok', id: null });
    peer.send({ jsonrpc: '2.0', method: 'm', params: 3, id: 5 });
    expect(await peer.next()).toMatchObject({ error: { code: -32600 }, id: 5 });
    peer.send({ jsonrpc: '2.0', method: 7, id: 6 });
    expect(await peer.next()).toMatchObject({ error: { code: -32600 }, id: 6 });
  });
});

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
