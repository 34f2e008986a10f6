import { connect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type CallContext, type Peer, RpcError } from '../src/index.js';
import { deferred, listening, makeServer, Peer as RawPeer, req } from './helpers.js';
import { listenHttp, openWs } from './web-helpers.js';

describe('server.use(): middleware around dispatch', () => {
  it('runs in order around the handler; next() resolves with its result, which it may change', async () => {
    const server = makeServer();
    const order: string[] = [];
    server.use(async (ctx, next) => {
      order.push(`a ${ctx.method} ${JSON.stringify(ctx.params)}`);
      const result = await next();
      order.push('a after');
      return { wrapped: result };
    });
    server.use((_ctx, next) => {
      order.push('b');
      return next();
    });
    server.method('hi', (p: { n: number }) => {
      order.push('handler');
      return p.n + 1;
    });
    expect(JSON.parse((await server.handle(req('hi', { n: 1 })))!).result).toEqual({ wrapped: 2 });
    expect(order).toEqual(['a hi {"n":1}', 'b', 'handler', 'a after']);
  });

  it('answers a thrown or returned RpcError without running the handler', async () => {
    const server = makeServer();
    let runs = 0;
    server.use((ctx, next) => {
      if (ctx.method === 'thrown') throw new RpcError(-32010, 'Forbidden', 'no');
      if (ctx.method === 'returned') return new RpcError(-32011, 'Also forbidden');
      return next();
    });
    server.method('thrown', () => runs++);
    server.method('returned', () => runs++);
    expect(JSON.parse((await server.handle(req('thrown')))!).error).toEqual({
      code: -32010,
      message: 'Forbidden',
      data: 'no',
    });
    expect(JSON.parse((await server.handle(req('returned')))!).error).toEqual({
      code: -32011,
      message: 'Also forbidden',
    });
    expect(runs).toBe(0);
  });

  it('sees the handler error through next() and may map it', async () => {
    const server = makeServer();
    server.use((_ctx, next) =>
      next().catch((error: unknown) => new RpcError(-32012, 'Mapped', (error as Error).message)),
    );
    server.method('boom', () => {
      throw new Error('inner');
    });
    expect(JSON.parse((await server.handle(req('boom')))!).error).toEqual({
      code: -32012,
      message: 'Mapped',
      data: 'inner',
    });
  });

  it('reads the connection identity set by onConnection (TCP)', async () => {
    const { server, port } = await listening({
      onConnection: (peer) => {
        peer.state['user'] = 'ada';
        return undefined;
      },
    });
    server.use((ctx, next) => {
      if (ctx.peer?.state['user'] !== 'ada') throw new RpcError(-32010, 'Forbidden');
      return next();
    });
    const peer = await RawPeer.connect(port);
    peer.send(req('echo', ['ok']));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: ['ok'], id: 1 });
  });

  it('refuses a non-function with a TypeError', () => {
    const server = makeServer();
    expect(() => server.use(5 as never)).toThrow('middleware must be a function, got 5');
  });
});

/** Connects, writes `text`, and resolves with what came back once the server dropped the socket. */
function refusedExchange(port: number, text: string): Promise<string> {
  const socket = connect({ port, host: '127.0.0.1' });
  onTestFinished(() => {
    socket.destroy();
  });
  let received = '';
  socket.on('data', (chunk) => {
    received += String(chunk);
  });
  socket.on('error', () => {});
  socket.write(`${text}\n`);
  return new Promise((resolve) => socket.once('close', () => resolve(received)));
}

describe('onConnection', () => {
  it('holds messages until it resolves, then runs them in order', async () => {
    const decision = deferred<boolean | undefined>();
    const seen = deferred<Peer>();
    let runs = 0;
    const { server, port } = await listening({
      onConnection: (peer) => {
        seen.resolve(peer);
        return decision.promise;
      },
    });
    server.method('count', () => ++runs);
    const peer = await RawPeer.connect(port);
    peer.send(req('count', undefined, 1), req('count', undefined, 2));
    const p = await seen.promise;
    expect(p.transport).toBe('tcp');
    expect(server.peers()).toEqual([]);
    expect(runs).toBe(0);
    decision.resolve(true);
    expect(await peer.take(2)).toEqual([
      { jsonrpc: '2.0', result: 1, id: 1 },
      { jsonrpc: '2.0', result: 2, id: 2 },
    ]);
    expect(server.peers()).toHaveLength(1);
  });

  it('drops the connection when it returns false: nothing is dispatched', async () => {
    let runs = 0;
    const { server, port } = await listening({ onConnection: () => false });
    server.method('count', () => ++runs);
    expect(await refusedExchange(port, req('count'))).toBe('');
    expect(runs).toBe(0);
  });

  it('refuses when it throws or rejects, and reports through onHandlerError', async () => {
    const reported = deferred<[unknown, CallContext]>();
    const { port } = await listening({
      onConnection: () => Promise.reject(new Error('auth backend down')),
      onHandlerError: (error, ctx) => reported.resolve([error, ctx]),
    });
    expect(await refusedExchange(port, req('echo', [1]))).toBe('');
    const [error, ctx] = await reported.promise;
    expect((error as Error).message).toBe('auth backend down');
    expect(ctx.method).toBe('onConnection');
    expect(ctx.peer?.transport).toBe('tcp');
  });

  it('sees the WebSocket upgrade headers, and refuses a bad token', async () => {
    const { server, port } = await listenHttp({
      onConnection: (peer) => {
        if (peer.headers?.authorization !== 'Bearer good') return false;
        peer.state['user'] = 'grace';
        return true;
      },
    });
    server.method('whoami', (_p: unknown, ctx: CallContext) => ctx.peer!.state['user']);
    const good = await openWs(`ws://127.0.0.1:${port}/`, {
      headers: { authorization: 'Bearer good' },
    });
    expect(await good.call(req('whoami'))).toMatchObject({ result: 'grace' });
    const bad = await openWs(`ws://127.0.0.1:${port}/`, { headers: { authorization: 'x' } });
    bad.ws.send(req('whoami'));
    expect(await bad.closed).toEqual({ code: 1008, reason: 'the connection was refused' });
  });
});
