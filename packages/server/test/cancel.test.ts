import { createThreadPool, AbortError as PoolAbortError } from '@rerpc/worker-pool/threads';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type CallContext, RequestCancelledError } from '../src/index.js';
import { abortReason, deferred, listening, makeServer, Peer, req, stuck } from './helpers.js';
import { listenHttp, openWs } from './web-helpers.js';

const cancel = (id: unknown, method = '$/cancelRequest') =>
  JSON.stringify({ jsonrpc: '2.0', method, params: { id } });
const CANCELLED = { code: -32800, message: 'Request cancelled' };

describe('$/cancelRequest', () => {
  it('aborts the handler signal synchronously, as the cancel is received (one turn)', async () => {
    const server = makeServer();
    const started = stuck(server, 'wait');
    const sent: string[] = [];
    const channel = server.openChannel({
      remoteAddress: null,
      send: (text) => sent.push(text),
      pause() {},
      resume() {},
      end() {},
    });
    channel.receive(JSON.parse(req('wait', undefined, 5)));
    const ctx = await started;
    const signal = ctx.signal;
    channel.receive(JSON.parse(cancel(5)));
    // No await in between: the abort happened inside receive().
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(RequestCancelledError);
    expect(sent.map((t) => JSON.parse(t))).toEqual([{ jsonrpc: '2.0', error: CANCELLED, id: 5 }]);
    expect(channel.inFlight).toBe(0);
    channel.destroy();
  });

  it('answers -32800 once over TCP, and a later cancel of it is ignored', async () => {
    const { server, port } = await listening();
    const started = stuck(server, 'wait');
    const peer = await Peer.connect(port);
    peer.send(req('wait', undefined, 'w'));
    const reason = abortReason(await started);
    peer.send(cancel('w'), cancel('w'), cancel('nobody'), req('echo', [1], 2));
    expect(await peer.take(2)).toEqual([
      { jsonrpc: '2.0', error: CANCELLED, id: 'w' },
      { jsonrpc: '2.0', result: [1], id: 2 },
    ]);
    const why = await reason;
    expect(why).toBeInstanceOf(RequestCancelledError);
    expect((why as RequestCancelledError).message).toBe(
      'The caller cancelled wait; it was answered -32800 "Request cancelled". Stop the work',
    );
    expect(server.stats().errors).toMatchObject({ '-32800': 1 });
    // stats(): a cancel that reached a call in flight, apart from those that named none.
    expect(server.stats().cancellations).toEqual({ applied: 1, ignored: 2 });
  });

  it('never starts a queued call it cancels; a handler that stops frees its slot', async () => {
    const { server, port } = await listening({ concurrency: 1 });
    let runs = 0;
    const first = deferred<CallContext>();
    server.method('slow', (_p: unknown, ctx: CallContext) => {
      runs++;
      if (runs === 1) first.resolve(ctx);
      return new Promise((_resolve, reject) =>
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }),
      );
    });
    const peer = await Peer.connect(port);
    peer.send(req('slow', undefined, 1), req('slow', undefined, 2));
    await first.promise;
    peer.send(cancel(2));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', error: CANCELLED, id: 2 });
    peer.send(cancel(1));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', error: CANCELLED, id: 1 });
    // The one slot is free again: the next call runs.
    peer.send(req('echo', ['next'], 3));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: ['next'], id: 3 });
    expect(runs).toBe(1);
  });

  it('cancels work offloaded to worker-pool threads with { signal: ctx.signal }', async () => {
    const { server, port } = await listening();
    const pool = createThreadPool<{ flags: SharedArrayBuffer }, boolean>({
      filename: new URL('./fixtures/spin.mjs', import.meta.url),
      threads: 1,
    });
    onTestFinished(() => pool.close({ timeout: 0 }));
    const flags = new SharedArrayBuffer(8);
    const view = new Int32Array(flags);
    const outcome = deferred<unknown>();
    server.method('crunch', (_p: unknown, ctx: CallContext) => {
      const task = pool.submit({ flags }, { signal: ctx.signal });
      task.catch(outcome.resolve);
      return task;
    });
    const peer = await Peer.connect(port);
    peer.send(req('crunch', undefined, 9));
    for (let turns = 0; Atomics.load(view, 0) === 0; turns++) {
      if (turns > 100_000) throw new Error('the thread never started');
      await new Promise((resolve) => setImmediate(resolve));
    }
    peer.send(cancel(9));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', error: CANCELLED, id: 9 });
    const error = (await outcome.promise) as Error;
    expect(error).toBeInstanceOf(PoolAbortError);
    expect(error.cause).toBeInstanceOf(RequestCancelledError);
    // The thread was terminated mid-loop (never released), and the pool is idle again.
    await pool.onIdle();
    expect(pool.stats()).toMatchObject({ running: 0 });
    expect(Atomics.load(view, 1)).toBe(0);
  });

  it('cancels over WebSocket', async () => {
    const { server, port } = await listenHttp();
    const started = stuck(server, 'wait');
    const client = await openWs(`ws://127.0.0.1:${port}/`);
    client.ws.send(req('wait', undefined, 3));
    const reason = abortReason(await started);
    client.ws.send(cancel(3));
    expect(JSON.parse(await client.next())).toEqual({ jsonrpc: '2.0', error: CANCELLED, id: 3 });
    expect(await reason).toBeInstanceOf(RequestCancelledError);
  });

  it('uses cancelMethod; null turns cancellation off', async () => {
    const named = await listening({ cancelMethod: 'cancel' });
    const started = stuck(named.server, 'wait');
    const a = await Peer.connect(named.port);
    a.send(req('wait', undefined, 1));
    await started;
    a.send(cancel(1), cancel(1, 'cancel'));
    expect(await a.nextJson()).toEqual({ jsonrpc: '2.0', error: CANCELLED, id: 1 });

    const off = await listening({ cancelMethod: null });
    const running = stuck(off.server, 'wait');
    const b = await Peer.connect(off.port);
    b.send(req('wait', undefined, 1));
    const ctx = await running;
    b.send(cancel(1), req('echo', [2], 2));
    expect(await b.nextJson()).toEqual({ jsonrpc: '2.0', result: [2], id: 2 });
    expect(ctx.signal.aborted).toBe(false);
  });

  it("takes MCP's shape: { method, idParam: 'requestId', answer: false } aborts and sends nothing", async () => {
    const mcp = { method: 'notifications/cancelled', idParam: 'requestId', answer: false };
    const { server, port } = await listening({ cancelMethod: mcp });
    const started = stuck(server, 'wait');
    const peer = await Peer.connect(port);
    peer.send(req('wait', undefined, 7));
    const reason = abortReason(await started);
    const note = (params: unknown) =>
      JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params });
    // `{ id }` is not this rule's id member: ignored; then the real cancel, then a probe call.
    peer.send(note({ id: 7 }), cancel(7), note({ requestId: 7, reason: 'user' }));
    expect(await reason).toBeInstanceOf(RequestCancelledError);
    peer.send(req('echo', ['after'], 8));
    // The first answer on the wire is the probe's: nothing was sent for 7.
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: ['after'], id: 8 });
    expect(server.stats().errors).toMatchObject({ '-32800': 1 });
  });

  it('answer: false leaves a cancelled batch member out of the batch answer', async () => {
    const cancelMethod = { method: 'cancel', answer: false };
    const { server, port } = await listening({ cancelMethod });
    const started = stuck(server, 'wait');
    const peer = await Peer.connect(port);
    peer.send(`[${req('wait', undefined, 1)},${req('wait', undefined, 2)},${req('echo', [3], 3)}]`);
    const first = await started;
    expect(first.id).toBe(1);
    peer.send(cancel(1, 'cancel'), cancel(2, 'cancel'));
    expect(await peer.nextJson()).toEqual([{ jsonrpc: '2.0', result: [3], id: 3 }]);
  });

  it('answer: false for every member sends no batch answer at all', async () => {
    const { server, port } = await listening({ cancelMethod: { method: 'cancel', answer: false } });
    const started = stuck(server, 'wait');
    const peer = await Peer.connect(port);
    peer.send(`[${req('wait', undefined, 1)}]`);
    await started;
    peer.send(cancel(1, 'cancel'), req('echo', [2], 2));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: [2], id: 2 });
  });

  it('the object form defaults to params { id } and an answer', async () => {
    const { server, port } = await listening({ cancelMethod: { method: 'stop' } });
    expect(server.options.cancelMethod).toEqual({ method: 'stop', idParam: 'id', answer: true });
    const started = stuck(server, 'wait');
    const peer = await Peer.connect(port);
    peer.send(req('wait', undefined, 'w'));
    await started;
    peer.send(cancel('w', 'stop'));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', error: CANCELLED, id: 'w' });
  });
});
