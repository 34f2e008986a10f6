import { mkdtempSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { inspect } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  AbortError,
  type CallContext,
  DisconnectedError,
  type Peer,
  PeerTimeoutError,
  TooManyPeerCallsError,
} from '../src/index.js';
import { deferred, listening, makeServer, Peer as RawPeer, recorder, req } from './helpers.js';
import { listenHttp, openWs, post, tlsFixture } from './web-helpers.js';

type Msg = { jsonrpc: string; id?: unknown; method?: string; params?: unknown; result?: unknown };

/** Registers `ask`: calls `method` on the peer with `params` and answers with its outcome. */
function registerAsk(server: ReturnType<typeof makeServer>, timeout?: number) {
  server.method('ask', async (p: { method: string; params?: unknown }, ctx: CallContext) => {
    try {
      const options = timeout === undefined ? undefined : { timeout };
      return { ok: await ctx.peer!.call(p.method, p.params, options) };
    } catch (error) {
      const e = error as { name: string; code: unknown; message: string; data?: unknown };
      return { failed: e.name, code: e.code, data: e.data ?? null };
    }
  });
}

describe('ctx.peer over TCP', () => {
  it('calls the client back with the server own ids, matched by id, never colliding', async () => {
    const { server, port } = await listening();
    registerAsk(server);
    const peer = await RawPeer.connect(port);
    // The client's request id 1 and the server's request id 1 live side by side.
    peer.send(req('ask', { method: 'client.double', params: [21] }, 1));
    const request = (await peer.nextJson()) as Msg;
    expect(request).toEqual({ jsonrpc: '2.0', method: 'client.double', params: [21], id: 1 });
    peer.send(JSON.stringify({ jsonrpc: '2.0', result: 42, id: request.id }));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: { ok: 42 }, id: 1 });
    expect(server.stats().ignoredResponses).toBe(0);
  });

  it('rejects with RpcError on an error answer, keeping code, message and data', async () => {
    const { server, port } = await listening();
    registerAsk(server);
    const peer = await RawPeer.connect(port);
    peer.send(req('ask', { method: 'nope' }, 'a'));
    const request = (await peer.nextJson()) as Msg;
    expect(request).not.toHaveProperty('params');
    peer.send(
      JSON.stringify({
        jsonrpc: '2.0',
        error: { code: -32601, message: 'Method not found', data: 'x' },
        id: request.id,
      }),
    );
    expect(await peer.nextJson()).toEqual({
      jsonrpc: '2.0',
      result: { failed: 'RpcError', code: -32601, data: 'x' },
      id: 'a',
    });
  });

  it('times out with PeerTimeoutError (per call), and a late answer is counted as ignored', async () => {
    const { server, port } = await listening();
    registerAsk(server, 20);
    const peer = await RawPeer.connect(port);
    peer.send(req('ask', { method: 'slow' }));
    const request = (await peer.nextJson()) as Msg;
    expect(await peer.nextJson()).toMatchObject({
      result: { failed: 'PeerTimeoutError', code: 'RERPC_ERR_PEER_TIMEOUT' },
    });
    peer.send(JSON.stringify({ jsonrpc: '2.0', result: 1, id: request.id }));
    // A request after it is answered in order, so the late answer was processed first.
    peer.send(req('echo', [1], 2));
    await peer.nextJson();
    expect(server.stats().ignoredResponses).toBe(1);
  });

  it('times out each call at its own deadline (one timer per connection)', async () => {
    const { server, port } = await listening();
    const outcome = deferred<unknown[]>();
    server.method('two', async (_p: unknown, ctx: CallContext) => {
      let slowSettled = false;
      const slow = ctx.peer!.call('slow', undefined, { timeout: 60_000 }).finally(() => {
        slowSettled = true;
      });
      const fast = await ctx.peer!.call('fast', undefined, { timeout: 20 }).catch((e: Error) => e);
      outcome.resolve([fast, slowSettled]);
      return slow;
    });
    const peer = await RawPeer.connect(port);
    peer.send(req('two', undefined, 'c'));
    const [slowRequest] = (await peer.take(2)) as Msg[];
    const [fast, slowSettled] = await outcome.promise;
    expect(fast).toBeInstanceOf(PeerTimeoutError);
    expect(slowSettled).toBe(false);
    peer.send(JSON.stringify({ jsonrpc: '2.0', result: 'late but in time', id: slowRequest!.id }));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: 'late but in time', id: 'c' });
  });

  it('times out after peerCallTimeout by default', async () => {
    const { server, port } = await listening({ peerCallTimeout: 20 });
    registerAsk(server);
    const peer = await RawPeer.connect(port);
    peer.send(req('ask', { method: 'slow' }));
    await peer.nextJson();
    expect(await peer.nextJson()).toMatchObject({ result: { failed: 'PeerTimeoutError' } });
  });

  it('counts a response whose id the server never sent as ignored', async () => {
    const { server, port } = await listening();
    const peer = await RawPeer.connect(port);
    peer.send(JSON.stringify({ jsonrpc: '2.0', result: 1, id: 99 }), req('echo', [1]));
    await peer.nextJson();
    expect(server.stats().ignoredResponses).toBe(1);
  });

  it('rejects with AbortError when the call signal aborts, and at once when aborted already', async () => {
    const { server, port } = await listening();
    const outcome = deferred<unknown[]>();
    server.method('abortMe', async (_p: unknown, ctx: CallContext) => {
      const controller = new AbortController();
      const pending = ctx.peer!.call('x', undefined, { signal: controller.signal });
      controller.abort(new Error('stop'));
      const before = ctx.peer!.call('y', undefined, { signal: controller.signal });
      outcome.resolve(await Promise.allSettled([pending, before]));
      return null;
    });
    const peer = await RawPeer.connect(port);
    peer.send(req('abortMe'));
    await peer.nextJson(); // the request for 'x' (sent); 'y' never is
    const [first, second] = (await outcome.promise) as PromiseRejectedResult[];
    expect(first!.reason).toBeInstanceOf(AbortError);
    expect((first!.reason as Error).cause).toEqual(new Error('stop'));
    expect(second!.reason).toBeInstanceOf(AbortError);
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: null, id: 1 });
  });

  it('refuses a call past maxPeerCalls with TooManyPeerCallsError, unsent', async () => {
    const { server, port } = await listening({ maxPeerCalls: 2 });
    const third = deferred<unknown>();
    server.method('many', (_p: unknown, ctx: CallContext) => {
      void ctx.peer!.call('a').catch(() => {});
      void ctx.peer!.call('b').catch(() => {});
      ctx.peer!.call('c').catch(third.resolve);
      return null;
    });
    const peer = await RawPeer.connect(port);
    peer.send(req('many'));
    expect(await third.promise).toBeInstanceOf(TooManyPeerCallsError);
    const frames = (await peer.take(3)) as Msg[];
    expect(frames.map((f) => f.method ?? f.result)).toEqual(['a', 'b', null]);
  });

  it('notifies the client: a request without id', async () => {
    const { server, port } = await listening();
    server.method('hello', (_p: unknown, ctx: CallContext) => {
      expect(ctx.peer!.notify('client.log', { text: 'hi' })).toBe(true);
      return 'done';
    });
    const peer = await RawPeer.connect(port);
    peer.send(req('hello'));
    expect(await peer.take(2)).toEqual([
      { jsonrpc: '2.0', method: 'client.log', params: { text: 'hi' } },
      { jsonrpc: '2.0', result: 'done', id: 1 },
    ]);
  });

  it('describes the connection: id, transport, address, state kept per connection', async () => {
    const { server, port } = await listening();
    const seen: Array<{ id: number; transport: string; address: string | null; n: unknown }> = [];
    server.method('count', (_p: unknown, ctx: CallContext) => {
      const peer = ctx.peer!;
      peer.state['n'] = ((peer.state['n'] as number | undefined) ?? 0) + 1;
      seen.push({
        id: peer.id,
        transport: peer.transport,
        address: peer.remoteAddress,
        n: peer.state['n'],
      });
      expect(peer.certificate).toBeNull();
      expect(peer.headers).toBeNull();
      return peer.state['n'];
    });
    const a = await RawPeer.connect(port);
    const b = await RawPeer.connect(port);
    a.send(req('count'));
    await a.nextJson();
    a.send(req('count'));
    await a.nextJson();
    b.send(req('count'));
    await b.nextJson();
    expect(seen.map((s) => s.n)).toEqual([1, 2, 1]);
    expect(seen[0]!.id).toBe(seen[1]!.id);
    expect(seen[2]!.id).not.toBe(seen[0]!.id);
    expect(seen.every((s) => s.transport === 'tcp' && s.address === '127.0.0.1')).toBe(true);
  });

  it('rejects pending calls with DisconnectedError when the client leaves; signal aborts', async () => {
    const { server, port } = await listening();
    const result = deferred<unknown>();
    const gotPeer = deferred<Peer>();
    server.method('wait', (_p: unknown, ctx: CallContext) => {
      gotPeer.resolve(ctx.peer!);
      ctx.peer!.call('never').then(result.resolve, result.resolve);
      return new Promise(() => {});
    });
    const peer = await RawPeer.connect(port);
    peer.send(req('wait'));
    await peer.nextJson();
    const p = await gotPeer.promise;
    const aborted = new Promise((resolve) =>
      p.signal.addEventListener('abort', resolve, { once: true }),
    );
    peer.socket.destroy();
    expect(await result.promise).toBeInstanceOf(DisconnectedError);
    await aborted;
    expect(p.closed).toBe(true);
    expect(p.notify('late')).toBe(false);
    await expect(p.call('late')).rejects.toBeInstanceOf(DisconnectedError);
    expect(server.peers()).toEqual([]);
  });

  it('numbers the peers 1, 2, … in accept order', async () => {
    const { server, port } = await listening();
    const a = await RawPeer.connect(port);
    a.send(req('echo', [1]));
    await a.nextJson();
    const b = await RawPeer.connect(port);
    b.send(req('echo', [2]));
    await b.nextJson();
    expect(server.peers().map((p) => p.id)).toEqual([1, 2]);
  });

  it('server.peers() reaches every connection; close() leaves nothing pending', async () => {
    const { server, port } = await listening();
    const a = await RawPeer.connect(port);
    const b = await RawPeer.connect(port);
    a.send(req('echo', [1]));
    b.send(req('echo', [2]));
    await a.nextJson();
    await b.nextJson();
    const peers = server.peers();
    expect(peers.map((p) => p.transport)).toEqual(['tcp', 'tcp']);
    for (const p of peers) p.notify('tick', [1]);
    expect(await a.nextJson()).toEqual({ jsonrpc: '2.0', method: 'tick', params: [1] });
    expect(await b.nextJson()).toEqual({ jsonrpc: '2.0', method: 'tick', params: [1] });
    const pending = peers[0]!.call('never', undefined, { timeout: 0 }).catch((e: unknown) => e);
    await a.nextJson();
    const closed = server.close();
    a.socket.end();
    b.socket.end();
    await closed;
    expect(await pending).toBeInstanceOf(DisconnectedError);
    expect(server.peers()).toEqual([]);
  });

  it('rejects bad arguments with a TypeError (never throws synchronously)', async () => {
    const { server, port } = await listening();
    const errors = deferred<unknown[]>();
    server.method('bad', async (_p: unknown, ctx: CallContext) => {
      const peer = ctx.peer!;
      errors.resolve(
        (
          await Promise.allSettled([
            peer.call(1 as never),
            peer.call('m', 5),
            peer.call('m', undefined, { timeout: -1 }),
            peer.call('m', undefined, { timout: 1 } as never),
          ])
        ).map((r) => (r as PromiseRejectedResult).reason.message),
      );
      expect(() => peer.notify('m', 'str')).toThrow(TypeError);
      return null;
    });
    const peer = await RawPeer.connect(port);
    peer.send(req('bad'));
    await peer.nextJson();
    const messages = (await errors.promise) as string[];
    expect(messages[0]).toContain('method must be a string');
    expect(messages[1]).toContain('params must be an object, an array or undefined');
    expect(messages[2]).toContain('timeout');
    expect(messages[3]).toContain('timout');
  });

  it('over Content-Length framing too', async () => {
    const { server, port } = await listening({ framing: 'content-length' });
    registerAsk(server);
    const peer = await RawPeer.connect(port, 'content-length');
    peer.send(req('ask', { method: 'm', params: { a: 'é' } }));
    const request = (await peer.nextJson()) as Msg;
    peer.send(JSON.stringify({ jsonrpc: '2.0', result: 'ü', id: request.id }));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: { ok: 'ü' }, id: 1 });
  });

  it('is the unix transport on a Unix socket', async () => {
    const server = makeServer();
    const path = join(mkdtempSync(join(tmpdir(), 'rerpc-')), 's.sock');
    await server.listen({ path });
    server.method('kind', (_p: unknown, ctx: CallContext) => ctx.peer!.transport);
    const socket = netConnect(path);
    socket.write(`${req('kind')}\n`);
    const text = await new Promise<string>((resolve) =>
      socket.once('data', (d) => resolve(String(d))),
    );
    socket.destroy();
    expect(JSON.parse(text).result).toBe('unix');
  });
});

describe('ctx.peer without a connection', () => {
  it('is null for handle() and plain HTTP', async () => {
    const { server, url } = await listenHttp();
    server.method('hasPeer', (_p: unknown, ctx: CallContext) => ctx.peer === null);
    expect(JSON.parse((await server.handle(req('hasPeer')))!).result).toBe(true);
    expect(JSON.parse((await post(url, req('hasPeer'))).body).result).toBe(true);
  });
});

describe('ctx.peer over WebSocket', () => {
  it('calls a bare ws client back, with the upgrade headers and transport ws', async () => {
    const { server, port } = await listenHttp();
    server.method('ask', async (_p: unknown, ctx: CallContext) => {
      const peer = ctx.peer!;
      const answer = await peer.call('client.name', undefined, { timeout: 5000 });
      return {
        answer,
        transport: peer.transport,
        header: peer.headers?.['x-who'] ?? null,
        address: peer.remoteAddress,
        certificate: peer.certificate,
      };
    });
    const client = await openWs(`ws://127.0.0.1:${port}/`, { headers: { 'x-who': 'me' } });
    client.ws.send(req('ask', undefined, 7));
    const request = JSON.parse(await client.next()) as Msg;
    expect(request).toMatchObject({ method: 'client.name', id: 1 });
    client.ws.send(JSON.stringify({ jsonrpc: '2.0', result: 'ws-client', id: request.id }));
    expect(JSON.parse(await client.next())).toEqual({
      jsonrpc: '2.0',
      result: {
        answer: 'ws-client',
        transport: 'ws',
        header: 'me',
        address: '127.0.0.1',
        certificate: null,
      },
      id: 7,
    });
  });

  it('rejects a pending call with DisconnectedError when the ws client closes', async () => {
    const { server, port } = await listenHttp();
    const outcome = deferred<unknown>();
    server.method('wait', (_p: unknown, ctx: CallContext) => {
      ctx.peer!.call('never').then(outcome.resolve, outcome.resolve);
      return new Promise(() => {});
    });
    const client = await openWs(`ws://127.0.0.1:${port}/`);
    client.ws.send(req('wait'));
    await client.next();
    client.ws.close();
    expect(await outcome.promise).toBeInstanceOf(DisconnectedError);
  });

  it('a timed-out ws peer call rejects with PeerTimeoutError', async () => {
    const { server, port } = await listenHttp();
    server.method('ask', (_p: unknown, ctx: CallContext) =>
      ctx.peer!.call('slow', undefined, { timeout: 20 }).catch((e: Error) => e.name),
    );
    const client = await openWs(`ws://127.0.0.1:${port}/`);
    client.ws.send(req('ask'));
    await client.next();
    expect(JSON.parse(await client.next()).result).toBe(PeerTimeoutError.name);
  });
});

describe('ctx.peer over TLS', () => {
  it('is the tls transport and carries the client certificate', async () => {
    const server = makeServer();
    const address = await server.listen({
      port: 0,
      host: '127.0.0.1',
      tls: { ...tlsFixture, requestCert: true, rejectUnauthorized: false },
    });
    server.method('who', (_p: unknown, ctx: CallContext) => ({
      transport: ctx.peer!.transport,
      cn: ctx.peer!.certificate?.subject.CN ?? null,
    }));
    const socket = tlsConnect({
      port: (address as { port: number }).port,
      host: '127.0.0.1',
      ca: tlsFixture.cert,
      key: tlsFixture.key,
      cert: tlsFixture.cert,
    });
    onTestFinished(() => {
      socket.destroy();
    });
    socket.write(`${req('who')}\n`);
    const text = await new Promise<string>((resolve) =>
      socket.once('data', (d) => resolve(String(d))),
    );
    expect(JSON.parse(text).result).toEqual({ transport: 'tls', cn: 'localhost' });
  });

  it('is the wss transport over WebSocket on TLS, with the client certificate and address', async () => {
    const { server, port } = await listenHttp(undefined, {
      tls: { ...tlsFixture, requestCert: true, rejectUnauthorized: false },
    });
    server.method('who', (_p: unknown, ctx: CallContext) => ({
      transport: ctx.peer!.transport,
      cn: ctx.peer!.certificate?.subject.CN ?? null,
      address: ctx.peer!.remoteAddress,
    }));
    const client = await openWs(`wss://127.0.0.1:${port}/`, {
      ca: tlsFixture.cert,
      key: tlsFixture.key,
      cert: tlsFixture.cert,
    });
    expect(await client.call(req('who'))).toMatchObject({
      result: { transport: 'wss', cn: 'localhost', address: '127.0.0.1' },
    });
  });
});

describe('ctx.peer over a transport of openChannel()', () => {
  /** A channel over a recording transport with only the required members, and its ctx.peer. */
  async function open() {
    const server = makeServer();
    const { transport, answers } = recorder();
    const channel = server.openChannel(transport);
    const got = deferred<Peer>();
    server.method('grab', (_p: unknown, ctx: CallContext) => {
      got.resolve(ctx.peer!);
      return null;
    });
    server.method('state', (_p: unknown, ctx: CallContext) => ctx.peer!.state);
    channel.receive(JSON.parse(req('grab', undefined, 'g')));
    return { server, channel, answers: answers as Msg[], peer: await got.promise };
  }

  it('is the stream transport, without certificate or headers, when the transport does not say', async () => {
    const { channel, peer } = await open();
    expect([peer.transport, peer.remoteAddress, peer.certificate, peer.headers]).toEqual([
      'stream',
      null,
      null,
      null,
    ]);
    channel.destroy();
  });

  it('sends subscription events at once to a transport without congested(); busy while one is open', async () => {
    const { server, channel, answers } = await open();
    server.subscription('s', (_p: unknown, _ctx: CallContext, sink) => {
      sink.trySend('first');
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(channel.busy).toBe(false);
    channel.receive(JSON.parse(req('s_subscribe', undefined, 1)));
    expect(answers.slice(-2)).toEqual([
      { jsonrpc: '2.0', result: '0x1', id: 1 },
      {
        jsonrpc: '2.0',
        method: 's_subscription',
        params: { subscription: '0x1', result: 'first' },
      },
    ]);
    expect(channel.busy).toBe(true);
    channel.receive(JSON.parse(req('s_unsubscribe', ['0x1'], 2)));
    expect(answers.at(-1)).toEqual({ jsonrpc: '2.0', result: true, id: 2 });
    expect(channel.busy).toBe(false);
    channel.destroy();
  });

  it('keeps one signal, aborted at the close; state may be replaced; inspect() shows what it is', async () => {
    const { channel, answers, peer } = await open();
    const signal = peer.signal;
    expect(peer.signal).toBe(signal);
    expect(inspect(peer)).toBe(
      inspect({ id: peer.id, transport: 'stream', remoteAddress: null, closed: false, state: {} }),
    );
    const state = { user: 'u' };
    peer.state = state;
    channel.receive(JSON.parse(req('state', undefined, 2)));
    expect(answers.at(-1)).toEqual({ jsonrpc: '2.0', result: { user: 'u' }, id: 2 });
    channel.destroy();
    expect(signal.aborted).toBe(true);
    expect(inspect(peer)).toBe(
      inspect({ id: peer.id, transport: 'stream', remoteAddress: null, closed: true, state }),
    );
  });
});
