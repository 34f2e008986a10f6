import { connect } from 'node:net';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  type CallContext,
  type ChannelTransport,
  DisconnectedError,
  type Peer,
  RpcError,
} from '../src/index.js';
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

  it('answers a synchronous chain before receive() returns, a null or an object included', () => {
    const server = makeServer();
    server.use((ctx) => (ctx.method === 'nothing' ? null : { via: 'middleware' }));
    server.method('nothing', () => 1);
    server.method('other', () => 2);
    const t = recordingTransport();
    const channel = server.openChannel(t.transport);
    channel.receive(JSON.parse(req('nothing', undefined, 1)));
    channel.receive(JSON.parse(req('other', undefined, 2)));
    expect(t.sent).toEqual([
      '{"jsonrpc":"2.0","result":null,"id":1}',
      '{"jsonrpc":"2.0","result":{"via":"middleware"},"id":2}',
    ]);
    channel.destroy();
  });

  it('refuses a non-function with a TypeError', () => {
    const server = makeServer();
    expect(() => server.use(5 as never)).toThrow('middleware must be a function, got 5');
  });

  it('rejects a second next() from one middleware, running the handler once', async () => {
    const server = makeServer();
    let runs = 0;
    server.use(async (_ctx, next) => {
      const first = await next();
      const second = await next().catch((error: Error) => error.message);
      return [first, second];
    });
    server.method('once', () => ++runs);
    expect(JSON.parse((await server.handle(req('once')))!).result).toEqual([
      1,
      'next() was called twice by one middleware',
    ]);
    expect(runs).toBe(1);
  });

  it("turns a handler's synchronous throw into next()'s rejection", async () => {
    const server = makeServer();
    server.use((_ctx, next) => {
      const result = next();
      expect(result).toBeInstanceOf(Promise);
      return result.catch((error: Error) => `caught ${error.message}`);
    });
    server.method('sync', () => {
      throw new Error('at once');
    });
    expect(JSON.parse((await server.handle(req('sync')))!).result).toBe('caught at once');
  });

  it('awaits a thenable a middleware returns, and answers its value', async () => {
    const server = makeServer();
    server.use((_ctx, next) => ({
      // biome-ignore lint/suspicious/noThenProperty: a non-Promise thenable is the case under test
      then: (resolve: (value: unknown) => void) => {
        next().then((value) => resolve({ via: 'thenable', value }));
      },
    }));
    server.method('v', () => 7);
    expect(JSON.parse((await server.handle(req('v')))!).result).toEqual({
      via: 'thenable',
      value: 7,
    });
  });

  it('answers a plain value a middleware returns without calling next()', async () => {
    const server = makeServer();
    let runs = 0;
    server.use((ctx) => (ctx.method === 'cached' ? { cached: true } : undefined));
    server.method('cached', () => ++runs);
    expect(await server.handle(req('cached'))).toBe(
      '{"jsonrpc":"2.0","result":{"cached":true},"id":1}',
    );
    expect(runs).toBe(0);
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

/** An openChannel() transport recording what the channel tells it (no socket). */
function recordingTransport() {
  const sent: string[] = [];
  const flow: string[] = [];
  const destroyed = deferred<unknown>();
  const transport: ChannelTransport = {
    remoteAddress: '10.0.0.7',
    send: (text) => sent.push(text),
    pause: () => flow.push('pause'),
    resume: () => flow.push('resume'),
    end: () => flow.push('end'),
    destroyed: (reason) => destroyed.resolve(reason),
  };
  return { transport, sent, flow, destroyed: destroyed.promise };
}

describe('onConnection over openChannel()', () => {
  it('pauses reading until it decides, then runs the held messages in order and resumes', async () => {
    const seen: Peer[] = [];
    const server = makeServer({
      onConnection: (peer) => {
        seen.push(peer);
        return undefined;
      },
    });
    const t = recordingTransport();
    const channel = server.openChannel(t.transport);
    expect(t.flow).toEqual(['pause']);
    expect(channel.receive(JSON.parse(req('echo', ['a'], 1)))).toBe(false);
    expect(channel.receive(JSON.parse(req('echo', ['b'], 2)))).toBe(false);
    expect(seen).toEqual([]);
    expect(server.peers()).toEqual([]);
    await Promise.resolve();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.remoteAddress).toBe('10.0.0.7');
    expect(t.flow).toEqual(['pause', 'resume']);
    expect(t.sent.map((text) => JSON.parse(text))).toEqual([
      { jsonrpc: '2.0', result: ['a'], id: 1 },
      { jsonrpc: '2.0', result: ['b'], id: 2 },
    ]);
    expect(server.peers()).toEqual(seen);
  });

  it('refuses with DisconnectedError "onConnection refused the connection" when it returns false', async () => {
    let peer: Peer | null = null;
    const server = makeServer({
      onConnection: (p) => {
        peer = p;
        return false;
      },
    });
    const t = recordingTransport();
    const channel = server.openChannel(t.transport);
    channel.receive(JSON.parse(req('echo', [1])));
    const reason = await t.destroyed;
    expect(reason).toBeInstanceOf(DisconnectedError);
    expect((reason as Error).message).toBe('onConnection refused the connection');
    expect(peer!.signal.reason).toBe(reason);
    expect(t.sent).toEqual([]);
    expect(server.stats().calls.total).toBe(0);
  });

  it('refuses when its promise resolves false, and admits when it resolves undefined', async () => {
    const refusing = makeServer({ onConnection: async () => false });
    const refused = recordingTransport();
    refusing.openChannel(refused.transport).receive(JSON.parse(req('echo', [1])));
    expect(((await refused.destroyed) as Error).message).toBe(
      'onConnection refused the connection',
    );
    expect(refused.sent).toEqual([]);
    const admitting = makeServer({ onConnection: async () => undefined });
    const admitted = recordingTransport();
    const answered = deferred();
    admitted.transport.send = (text) => {
      admitted.sent.push(text);
      answered.resolve();
    };
    admitting.openChannel(admitted.transport).receive(JSON.parse(req('echo', [1])));
    await answered.promise;
    expect(admitted.sent).toEqual(['{"jsonrpc":"2.0","result":[1],"id":1}']);
  });

  it('refuses when it throws synchronously: the reason says so, with the error as cause', async () => {
    const thrown = new Error('no token');
    const reported: unknown[] = [];
    const server = makeServer({
      onConnection: () => {
        throw thrown;
      },
      onHandlerError: (error, ctx) => reported.push(error, ctx.method, ctx.deadline, ctx.id),
    });
    const t = recordingTransport();
    server.openChannel(t.transport);
    const reason = (await t.destroyed) as Error;
    expect(reason).toBeInstanceOf(DisconnectedError);
    expect(reason.message).toBe('onConnection refused the connection: it threw');
    expect(reason.cause).toBe(thrown);
    expect(reported).toEqual([thrown, 'onConnection', Number.POSITIVE_INFINITY, undefined]);
  });

  it('logs a throw once per error class by default, and not at all with onHandlerError null', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    onTestFinished(() => errors.mockRestore());
    const server = makeServer({
      onConnection: () => Promise.reject(new TypeError('backend down')),
    });
    for (let i = 0; i < 2; i++) {
      const t = recordingTransport();
      server.openChannel(t.transport);
      await t.destroyed;
    }
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors.mock.calls[0]![0]).toBe(
      '@rerpc/server: onConnection threw; the connection was refused (logged once per error class; set onHandlerError to log your own way, or null to silence):',
    );
    expect((errors.mock.calls[0]![1] as Error).message).toBe('backend down');
    const silent = makeServer({ onConnection: () => false, onHandlerError: null });
    const quiet = makeServer({
      onConnection: () => {
        throw new Error('x');
      },
      onHandlerError: null,
    });
    for (const s of [silent, quiet]) {
      const t = recordingTransport();
      s.openChannel(t.transport);
      expect(await t.destroyed).toBeInstanceOf(DisconnectedError);
    }
    expect(errors).toHaveBeenCalledTimes(1);
  });

  it('runs nothing it held when the peer left before it decided', async () => {
    const decision = deferred<boolean>();
    let peer: Peer | null = null;
    let runs = 0;
    const server = makeServer({
      onConnection: (p) => {
        peer = p;
        return decision.promise;
      },
    });
    server.method('count', () => ++runs);
    const t = recordingTransport();
    const channel = server.openChannel(t.transport);
    channel.receive(JSON.parse(req('count')));
    await Promise.resolve();
    channel.destroy();
    expect(peer!.signal.reason).toBeInstanceOf(DisconnectedError);
    decision.resolve(true);
    await decision.promise;
    await Promise.resolve();
    expect(runs).toBe(0);
    expect(t.sent).toEqual([]);
    expect(t.flow).toEqual(['pause']);
  });

  it('drops a peer that sends more than maxInFlightPerConnection messages before it decides', async () => {
    const decision = deferred<boolean>();
    let runs = 0;
    const server = makeServer({
      maxInFlightPerConnection: 2,
      onConnection: () => decision.promise,
    });
    server.method('count', () => ++runs);
    const t = recordingTransport();
    const channel = server.openChannel(t.transport);
    expect(channel.receive(JSON.parse(req('count', undefined, 1)))).toBe(false);
    expect(channel.receive(JSON.parse(req('count', undefined, 2)))).toBe(false);
    expect(channel.receive(JSON.parse(req('count', undefined, 3)))).toBe(false);
    const reason = (await t.destroyed) as Error;
    expect(reason).toBeInstanceOf(DisconnectedError);
    expect(reason.message).toBe('The peer sent more than 2 messages before onConnection decided');
    // Its later yes changes nothing: the connection is gone and nothing runs.
    decision.resolve(true);
    await decision.promise;
    await Promise.resolve();
    expect(channel.receive(JSON.parse(req('count', undefined, 4)))).toBe(false);
    expect(runs).toBe(0);
    expect(t.sent).toEqual([]);
    expect(server.peers()).toEqual([]);
  });
});
