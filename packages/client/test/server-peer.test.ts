// The client as a peer of the real @rerpc/server, over TCP and WebSocket: the server calls and
// notifies the client (ctx.peer), the client subscribes (server.subscription()), and a call the
// client gives up on aborts the server handler's ctx.signal ($/cancelRequest).
import {
  type CallContext,
  createServer,
  type Server,
  type ServerOptions,
  type SubscriptionSink,
} from '@rerpc/server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type ClientOptions, HandlerTimeoutError, RpcError } from '../src/index.js';
import { connect, rejection } from './helpers.js';

type Transport = 'tcp' | 'ws';

async function serve(transport: Transport, options: ServerOptions = {}) {
  const server: Server = createServer(options);
  const listen =
    transport === 'tcp'
      ? { port: 0, host: '127.0.0.1' }
      : { transport: 'http' as const, port: 0, host: '127.0.0.1' };
  const { port } = (await server.listen(listen)) as { port: number };
  onTestFinished(() => server.close({ timeout: 0 }));
  const target = transport === 'tcp' ? port : `ws://127.0.0.1:${port}/`;
  return { server, client: (o: ClientOptions = {}) => connect(target, o) };
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe.each<Transport>(['tcp', 'ws'])('against @rerpc/server over %s', (transport) => {
  it("answers the server's ctx.peer.call() and takes its notify()", async () => {
    const { server, client: make } = await serve(transport);
    server.method('build', async (params: { file: string }, ctx: CallContext) => {
      const config = await ctx.peer!.call('workspace.config', { section: params.file });
      ctx.peer!.notify('window.log', { message: `built ${params.file}` });
      return { config };
    });
    const client = make();
    client.method('workspace.config', (params: { section: string }, ctx) => ({
      section: params.section,
      transport: ctx.link.transport,
    }));
    const logged = deferred<unknown>();
    client.onNotification('window.log', (params: unknown) => logged.resolve(params));
    const result = await client.call('build', { file: 'a.ts' }, { timeout: 10_000 });
    expect(result).toEqual({ config: { section: 'a.ts', transport } });
    expect(await logged.promise).toEqual({ message: 'built a.ts' });
  });

  it('times out both ways: the server gets -32001 from handlerTimeout, or its own peer timeout', async () => {
    const { server, client: make } = await serve(transport);
    server.method('ask', async (params: { timeout: number }, ctx: CallContext) => {
      try {
        return await ctx.peer!.call('hang', [], { timeout: params.timeout });
      } catch (error) {
        return { failed: (error as { code: unknown }).code };
      }
    });
    const client = make({ handlerTimeout: 5 });
    const aborted = deferred<unknown>();
    client.method('hang', (_params: unknown, ctx) => {
      ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason));
      return new Promise(() => {});
    });
    // The client's handlerTimeout (5 ms) answers -32001 first.
    expect(await client.call('ask', { timeout: 0 }, { timeout: 10_000 })).toEqual({
      failed: -32001,
    });
    expect(await aborted.promise).toBeInstanceOf(HandlerTimeoutError);
    // The server's own timeout, when it is the shorter.
    const patient = make({ handlerTimeout: 0 });
    patient.method('hang', () => new Promise(() => {}));
    expect(await patient.call('ask', { timeout: 5 }, { timeout: 10_000 })).toEqual({
      failed: 'RERPC_ERR_PEER_TIMEOUT',
    });
  });

  it('subscribes: events in order, and leaving the loop unsubscribes (the sink ends)', async () => {
    const { server, client: make } = await serve(transport);
    const ended = deferred<void>();
    server.subscription(
      'ticks',
      (params: { count: number }, _ctx: CallContext, sink: SubscriptionSink<number>) => {
        sink.signal.addEventListener('abort', () => ended.resolve());
        void (async () => {
          for (let i = 1; i <= params.count; i++) await sink.send(i);
        })().catch(() => {});
      },
    );
    const client = make();
    const ticks: number[] = [];
    for await (const tick of client.subscribe<number>(
      'ticks',
      { count: 1000 },
      { maxBuffered: 1000 },
    )) {
      ticks.push(tick);
      if (tick === 1000) break;
    }
    expect(ticks).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    await ended.promise;
  });

  it("aborts the server handler's ctx.signal when a call times out (cancelMethod set)", async () => {
    const { server, client: make } = await serve(transport);
    const aborted = deferred<unknown>();
    server.method('slow', (_params: unknown, ctx: CallContext) => {
      ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason));
      return new Promise(() => {});
    });
    server.method('ping', () => 'pong');
    const client = make({ cancelMethod: '$/cancelRequest' });
    await client.call('ping', [], { timeout: 10_000 });
    await rejection(client.call('slow', [], { timeout: 5 }));
    expect(await aborted.promise).toMatchObject({ code: 'RERPC_ERR_REQUEST_CANCELLED' });
  });

  it('gets the server subscription errors as the iteration error', async () => {
    const { client: make } = await serve(transport);
    const error = await rejection<RpcError>(make().subscribe('missing').next());
    expect(error).toBeInstanceOf(RpcError);
    expect(error.code).toBe(-32601);
  });
});

describe('against @rerpc/server with Content-Length framing over TCP', () => {
  it("cancels by default: the handler's signal aborts and its slot is freed", async () => {
    const { server, client: make } = await serve('tcp', { framing: 'content-length' });
    const aborted = deferred<unknown>();
    const started = deferred<void>();
    server.method('slow', (_params: unknown, ctx: CallContext) => {
      ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason));
      started.resolve();
      return new Promise(() => {});
    });
    const client = make({ framing: 'content-length' });
    const controller = new AbortController();
    const call = client.call('slow', [], { signal: controller.signal, timeout: 10_000 });
    await started.promise;
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    expect(await aborted.promise).toMatchObject({ code: 'RERPC_ERR_REQUEST_CANCELLED' });
  });
});
