import { AsyncLocalStorage } from 'node:async_hooks';
import { tracingChannel } from 'node:diagnostics_channel';
import { nextMessage, recordChannel as record, recordTracing } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import type {
  CallContext,
  ServerCallTrace,
  ServerConnectionMessage,
  ServerRequestMessage,
  ServerResponseMessage,
} from '../src/index.js';
import { deferred, listening, makeServer, Peer, recorder, req, stuck } from './helpers.js';
import { listenHttp, openWs, post } from './web-helpers.js';

/** Every event of `tracingChannel('rerpc:server:call')`, in order. */
const recordTrace = () => recordTracing<ServerCallTrace>('rerpc:server:call');

describe('diagnostics channels over TCP', () => {
  it('publishes connection open and close with the peer, and the reason on close', async () => {
    const opened = record<ServerConnectionMessage>('rerpc:server:connection:open');
    const closed = record<ServerConnectionMessage>('rerpc:server:connection:close');
    const { server, port } = await listening();
    const seen = deferred<void>();
    server.method('ping', (_params: unknown, ctx: CallContext) => {
      seen.resolve();
      return ctx.peer?.id;
    });
    const peer = await Peer.connect(port);
    peer.send(req('ping'));
    const answer = (await peer.nextJson()) as { result: number };
    await seen.promise;
    const mine = opened.filter((m) => m.peer.id === answer.result);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.peer).toMatchObject({ transport: 'tcp', remoteAddress: '127.0.0.1' });
    expect(mine[0]!.reason).toBeNull();
    const gone = nextMessage<ServerConnectionMessage>(
      'rerpc:server:connection:close',
      (m) => m.peer.id === answer.result,
    );
    peer.socket.destroy();
    const message = await gone;
    expect(message.peer).toBe(mine[0]!.peer);
    expect(message.reason).toBeInstanceOf(Error);
    expect(closed).toContain(message);
  });

  it('publishes request and response for a result, an error answer, an unknown method, bad params and a notification', async () => {
    const requests = record<ServerRequestMessage>('rerpc:server:request');
    const responses = record<ServerResponseMessage>('rerpc:server:response');
    const { port } = await listening();
    const peer = await Peer.connect(port);
    peer.send(
      req('ArithService.Add', { a: 1, b: 2 }, 1),
      req('fail', { code: -32042, message: 'no' }, 2),
      req('nope', [], 3),
      req('ArithService.Add', { a: 'x' }, 4),
    );
    await peer.take(4);
    const done = nextMessage<ServerResponseMessage>(
      'rerpc:server:response',
      (m) => m.method === 'notify_hello',
    );
    peer.send(JSON.stringify({ jsonrpc: '2.0', method: 'notify_hello', params: [1] }));
    await done;

    expect(requests.map((m) => [m.method, m.id, m.registered])).toEqual([
      ['ArithService.Add', 1, true],
      ['fail', 2, true],
      ['nope', 3, false],
      ['ArithService.Add', 4, true],
      ['notify_hello', undefined, true],
    ]);
    expect(requests[0]!.params).toEqual({ a: 1, b: 2 });
    expect(requests[0]!.peer?.transport).toBe('tcp');
    expect(requests[0]!.remoteAddress).toBe('127.0.0.1');
    const byId = responses.map((m) => [m.method, m.id, m.registered, m.code, m.answered]);
    expect(byId).toEqual([
      ['ArithService.Add', 1, true, null, true],
      ['fail', 2, true, -32042, true],
      ['nope', 3, false, -32601, true],
      ['ArithService.Add', 4, true, -32602, true],
      ['notify_hello', undefined, true, null, false],
    ]);
    expect(responses[0]!.ctx?.method).toBe('ArithService.Add');
    expect(responses[2]!.ctx).toBeNull();
    expect(responses[3]!.ctx).toBeNull();
    for (const m of responses) {
      expect(m.duration).toBeGreaterThanOrEqual(0);
      expect(m.peer?.transport).toBe('tcp');
    }
  });

  it('publishes a response (unanswered, no code) for a call dropped when its connection closes', async () => {
    const responses = record<ServerResponseMessage>('rerpc:server:response');
    const { server, port } = await listening();
    const started = deferred<void>();
    server.method('hang', () => {
      started.resolve();
      return new Promise(() => {});
    });
    const peer = await Peer.connect(port);
    peer.send(req('hang', [], 7));
    await started.promise;
    const dropped = nextMessage<ServerResponseMessage>(
      'rerpc:server:response',
      (m) => m.method === 'hang',
    );
    peer.socket.destroy();
    expect(await dropped).toMatchObject({ id: 7, code: null, answered: false });
    expect(responses.filter((m) => m.method === 'hang')).toHaveLength(1);
  });

  it('publishes a response for a request and a notification refused without a handler (unknown method, bad params): only the request is answered', async () => {
    const responses = record<ServerResponseMessage>('rerpc:server:response');
    const server = makeServer();
    await server.handle(`[${req('nope', [], 1)},${req('ArithService.Add', { a: 'x' }, 2)}]`);
    await server.handle(JSON.stringify({ jsonrpc: '2.0', method: 'nope', params: [] }));
    await server.handle(JSON.stringify({ jsonrpc: '2.0', method: 'ArithService.Add', params: {} }));
    expect(responses.map((m) => [m.method, m.id, m.registered, m.code, m.answered])).toEqual([
      ['nope', 1, false, -32601, true],
      ['ArithService.Add', 2, true, -32602, true],
      ['nope', undefined, false, -32601, false],
      ['ArithService.Add', undefined, true, -32602, false],
    ]);
  });

  it('publishes a response for calls past handlerTimeout (-32001: a request answered, a notification not)', async () => {
    const responses = record<ServerResponseMessage>('rerpc:server:response');
    const server = makeServer({ handlerTimeout: 20 });
    const started = stuck(server, 'hang');
    const timedOut = nextMessage<ServerResponseMessage>(
      'rerpc:server:response',
      (m) => m.id === undefined,
    );
    expect(await server.handle(JSON.stringify({ jsonrpc: '2.0', method: 'hang' }))).toBeNull();
    await timedOut;
    await server.handle(req('hang', [], 7));
    await started;
    expect(responses.map((m) => [m.method, m.id, m.code, m.answered])).toEqual([
      ['hang', undefined, -32001, false],
      ['hang', 7, -32001, true],
    ]);
    expect(responses[1]!.ctx?.id).toBe(7);
    expect(responses[1]!.duration).toBeGreaterThanOrEqual(0);
  });

  it('publishes a response (-32800) for a cancelled call: answered, or not under a rule with answer: false', async () => {
    const responses = record<ServerResponseMessage>('rerpc:server:response');
    for (const cancelMethod of [{ method: 'stop' }, { method: 'stop', answer: false }]) {
      const server = makeServer({ cancelMethod });
      const started = stuck(server, 'wait');
      const sent: string[] = [];
      const channel = server.openChannel({
        remoteAddress: null,
        send: (text) => sent.push(text),
        pause() {},
        resume() {},
        end() {},
      });
      channel.receive(JSON.parse(req('wait', [], 3)));
      await started;
      channel.receive({ jsonrpc: '2.0', method: 'stop', params: { id: 3 } });
      expect(sent).toHaveLength(cancelMethod.answer === false ? 0 : 1);
      channel.destroy();
    }
    expect(responses.map((m) => [m.method, m.id, m.code, m.answered])).toEqual([
      ['wait', 3, -32800, true],
      ['wait', 3, -32800, false],
    ]);
  });

  it('traces a sync handler (start, end) and an async one (start, end, asyncStart, asyncEnd)', async () => {
    const events = recordTrace();
    const { server, port } = await listening();
    server.method('later', async (params: { n: number }) => params.n * 2);
    const peer = await Peer.connect(port);
    peer.send(req('ArithService.Add', { a: 1, b: 2 }, 1));
    await peer.nextJson();
    peer.send(req('later', { n: 21 }, 2));
    expect(await peer.nextJson()).toMatchObject({ result: 42 });
    const names = events.map(([event, t]) => `${event}:${t.method}`);
    expect(names).toEqual([
      'start:ArithService.Add',
      'end:ArithService.Add',
      'start:later',
      'end:later',
      'asyncStart:later',
      'asyncEnd:later',
    ]);
    expect(events[1]![1]).toMatchObject({ id: 1, result: { result: 3 }, error: undefined });
    expect(events[5]![1]).toMatchObject({ id: 2, params: { n: 21 }, result: 42 });
    expect(events[0]![1].ctx.method).toBe('ArithService.Add');
  });

  it('traces a throwing and a rejecting handler with error', async () => {
    const events = recordTrace();
    const { server, port } = await listening({ onHandlerError: null });
    server.method('rejects', async () => {
      throw new Error('later');
    });
    const peer = await Peer.connect(port);
    peer.send(req('crash', [], 1));
    await peer.nextJson();
    peer.send(req('rejects', [], 2));
    await peer.nextJson();
    const names = events.map(([event, t]) => `${event}:${t.method}`);
    expect(names).toEqual([
      'start:crash',
      'error:crash',
      'end:crash',
      'start:rejects',
      'end:rejects',
      'error:rejects',
      'asyncStart:rejects',
      'asyncEnd:rejects',
    ]);
    expect((events[1]![1].error as Error).message).toBe('secret internal detail');
    expect((events[5]![1].error as Error).message).toBe('later');
  });

  it('runs the handler inside start.runStores(): a store bound to the start channel is active in it', async () => {
    const store = new AsyncLocalStorage<string>();
    const start = tracingChannel('rerpc:server:call').start;
    start.bindStore(store, (trace) => `span:${(trace as ServerCallTrace).method}`);
    onTestFinished(() => {
      start.unbindStore(store);
    });
    const { server, port } = await listening();
    server.method('whoami', async () => {
      await Promise.resolve();
      return store.getStore();
    });
    const peer = await Peer.connect(port);
    peer.send(req('whoami', [], 1));
    expect(await peer.nextJson()).toMatchObject({ result: 'span:whoami' });
  });
});

describe('diagnostics channels over HTTP', () => {
  it('publishes request and response for each member of a batch POST, with no peer', async () => {
    const requests = record<ServerRequestMessage>('rerpc:server:request');
    const responses = record<ServerResponseMessage>('rerpc:server:response');
    const events = recordTrace();
    const { url } = await listenHttp();
    const res = await post(url, `[${req('echo', ['x'], 1)},${req('nope', [], 2)}]`);
    expect(res.status).toBe(200);
    expect(requests.map((m) => [m.method, m.id, m.registered, m.peer])).toEqual([
      ['echo', 1, true, null],
      ['nope', 2, false, null],
    ]);
    expect(requests[0]!.remoteAddress).toBe('127.0.0.1');
    expect(responses.map((m) => [m.method, m.code, m.answered, m.peer])).toEqual([
      ['echo', null, true, null],
      ['nope', -32601, true, null],
    ]);
    expect(events.map(([event, t]) => `${event}:${t.method}`)).toEqual(['start:echo', 'end:echo']);
  });

  it('publishes a WebSocket connection (transport ws) and its requests with the peer', async () => {
    const opened = record<ServerConnectionMessage>('rerpc:server:connection:open');
    const requests = record<ServerRequestMessage>('rerpc:server:request');
    const { port } = await listenHttp();
    const ws = await openWs(`ws://127.0.0.1:${port}/`);
    expect(await ws.call(req('echo', ['w'], 5))).toMatchObject({ result: ['w'] });
    const peer = requests.find((m) => m.id === 5)!.peer!;
    expect(peer.transport).toBe('ws');
    expect(opened.map((m) => m.peer)).toContain(peer);
    const gone = nextMessage<ServerConnectionMessage>(
      'rerpc:server:connection:close',
      (m) => m.peer === peer,
    );
    ws.ws.terminate();
    expect((await gone).reason).toBeInstanceOf(Error);
  });
});

describe('diagnostics channels over openChannel()', () => {
  it('publishes a connection close once: when the server ends it, not again when it closes', () => {
    const closed = record<ServerConnectionMessage>('rerpc:server:connection:close');
    const server = makeServer();
    const { transport, events } = recorder();
    const channel = server.openChannel(transport);
    channel.end();
    expect(events).toEqual(['end']);
    channel.destroy();
    expect(closed).toHaveLength(1);
    expect((closed[0]!.reason as Error).message).toBe(
      'The server ended the connection (close(), an idle timeout, a framing error)',
    );
  });

  it('traces a handler returning undefined or null as a sync result (start, end)', () => {
    const events = recordTrace();
    const server = makeServer();
    server.method('nothing', () => undefined);
    server.method('none', () => null);
    const { transport, answers } = recorder();
    const channel = server.openChannel(transport);
    channel.receive(JSON.parse(req('nothing', undefined, 1)));
    channel.receive(JSON.parse(req('none', undefined, 2)));
    expect(answers).toEqual([
      { jsonrpc: '2.0', result: null, id: 1 },
      { jsonrpc: '2.0', result: null, id: 2 },
    ]);
    expect(events.map(([event, t]) => [event, t.method, t.result, t.error])).toEqual([
      ['start', 'nothing', undefined, undefined],
      ['end', 'nothing', undefined, undefined],
      ['start', 'none', undefined, undefined],
      ['end', 'none', null, undefined],
    ]);
    channel.destroy();
  });
});
