import { getEventListeners } from 'node:events';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  AbortError,
  type CallContext,
  DisconnectedError,
  PeerTimeoutError,
  RpcError,
  type Server,
  type Peer as ServerPeer,
  TooManyPeerCallsError,
} from '../src/index.js';
import { PeerCalls } from '../src/peer-calls.js';
import { PeerStats } from '../src/peer-stats.js';
import { deferred, listening, makeServer, Peer, recorder, req } from './helpers.js';

type Msg = { jsonrpc: string; id?: unknown; method?: string; params?: unknown };

describe('ctx.peer.call(): what its errors say', () => {
  it('PeerTimeoutError names the method and the timeout; AbortError the method, the cause kept', async () => {
    const { server, port } = await listening();
    const outcome = deferred<unknown[]>();
    server.method('go', async (_p: unknown, ctx: CallContext) => {
      const controller = new AbortController();
      const aborted = ctx
        .peer!.call('a', undefined, { signal: controller.signal })
        .catch((e: unknown) => e);
      controller.abort('why');
      const early = await ctx
        .peer!.call('b', [1], { signal: controller.signal })
        .catch((e: unknown) => e);
      const slow = await ctx
        .peer!.call('slow', undefined, { timeout: 15 })
        .catch((e: unknown) => e);
      outcome.resolve([await aborted, early, slow]);
      return null;
    });
    const peer = await Peer.connect(port);
    peer.send(req('go'));
    const [aborted, early, slow] = (await outcome.promise) as [
      AbortError,
      AbortError,
      PeerTimeoutError,
    ];
    expect(aborted).toBeInstanceOf(AbortError);
    expect(aborted.message).toBe('a to the peer was aborted by its signal (see cause)');
    expect(aborted.cause).toBe('why');
    expect(early.message).toBe(
      'b to the peer was aborted by its signal before it was sent (see cause)',
    );
    expect(early.cause).toBe('why');
    expect(slow).toBeInstanceOf(PeerTimeoutError);
    expect(slow.message).toBe(
      "The peer did not answer slow within 15 ms; it may still run it. Raise the call's timeout (or peerCallTimeout) if it is legitimately slow",
    );
    expect(slow.timeout).toBe(15);
    // 'a' and 'slow' were sent; 'b' never was.
    const frames = (await peer.take(3)) as Msg[];
    expect(frames.map((f) => f.method ?? 'answer')).toEqual(['a', 'slow', 'answer']);
    expect(server.stats().peerCalls).toMatchObject({
      sent: 2,
      abandoned: 1,
      timedOut: 1,
      pending: 0,
    });
  });

  it('TooManyPeerCallsError says the limit', async () => {
    const { server, port } = await listening({ maxPeerCalls: 1 });
    const refused = deferred<unknown>();
    server.method('two', (_p: unknown, ctx: CallContext) => {
      void ctx.peer!.call('first').catch(() => {});
      ctx.peer!.call('second').catch(refused.resolve);
      return null;
    });
    const peer = await Peer.connect(port);
    peer.send(req('two'));
    const error = (await refused.promise) as TooManyPeerCallsError;
    expect(error).toBeInstanceOf(TooManyPeerCallsError);
    expect(error.message).toBe(
      '1 calls to this peer already wait for an answer (maxPeerCalls); this one was not sent. Wait for some to settle, or raise maxPeerCalls',
    );
  });

  it('a call after the connection closed rejects with the close as its cause', async () => {
    const { server, port } = await listening();
    const got = deferred<CallContext>();
    server.method('keep', (_p: unknown, ctx: CallContext) => {
      got.resolve(ctx);
      return null;
    });
    const peer = await Peer.connect(port);
    peer.send(req('keep'));
    await peer.nextJson();
    const ctx = await got.promise;
    const closed = new Promise((resolve) => ctx.peer!.signal.addEventListener('abort', resolve));
    peer.socket.destroy();
    await closed;
    const error = (await ctx.peer!.call('late').catch((e: unknown) => e)) as DisconnectedError;
    expect(error).toBeInstanceOf(DisconnectedError);
    expect(error.message).toBe(
      'The connection closed before the peer answered this call; it may or may not have run there',
    );
    expect(error.cause).toBe(ctx.peer!.signal.reason);
    expect(error.cause).toBeInstanceOf(DisconnectedError);
  });
});

describe('ctx.peer.call(): settling', () => {
  it('removes its abort listener from the signal once settled, however it settles', async () => {
    const { server, port } = await listening();
    const controller = new AbortController();
    const counts = deferred<number[]>();
    server.method('go', async (_p: unknown, ctx: CallContext) => {
      // The answered call waits as long as the test may (a busy machine can take more than a
      // few ms to answer); the silent one times out.
      const answered = ctx.peer!.call('answered', undefined, {
        signal: controller.signal,
        timeout: 30_000,
      });
      const during = getEventListeners(controller.signal, 'abort').length;
      await answered;
      const afterAnswer = getEventListeners(controller.signal, 'abort').length;
      await ctx
        .peer!.call('silent', undefined, { signal: controller.signal, timeout: 15 })
        .catch(() => {});
      counts.resolve([during, afterAnswer, getEventListeners(controller.signal, 'abort').length]);
      return null;
    });
    const peer = await Peer.connect(port);
    peer.send(req('go'));
    const request = (await peer.nextJson()) as Msg;
    peer.send(JSON.stringify({ jsonrpc: '2.0', result: 1, id: request.id }));
    expect(await counts.promise).toEqual([1, 0, 0]);
  });

  it('takes only a numeric id it sent as an answer; an error answer is an RpcError even without data', async () => {
    const { server, port } = await listening();
    const outcome = deferred<unknown>();
    server.method('go', (_p: unknown, ctx: CallContext) => {
      ctx.peer!.call('m').then(outcome.resolve, outcome.resolve);
      return null;
    });
    const peer = await Peer.connect(port);
    peer.send(req('go'));
    const request = (await peer.nextJson()) as Msg;
    await peer.nextJson();
    peer.send(
      JSON.stringify({ jsonrpc: '2.0', result: 'wrong', id: String(request.id) }),
      JSON.stringify({ jsonrpc: '2.0', error: { code: 7, message: 'no' }, id: request.id }),
      req('echo', [1], 'after'),
    );
    expect(await peer.nextJson()).toMatchObject({ id: 'after' });
    const error = (await outcome.promise) as RpcError;
    expect(error).toBeInstanceOf(RpcError);
    expect([error.code, error.message, error.data]).toEqual([7, 'no', undefined]);
    expect(server.stats().ignoredResponses).toBe(1);
    expect(server.stats().peerCalls).toMatchObject({ failed: 1, pending: 0 });
  });

  it('re-arms its timer for the next deadline after the earliest times out', async () => {
    const { server, port } = await listening();
    const outcome = deferred<unknown[]>();
    server.method('go', async (_p: unknown, ctx: CallContext) => {
      const p = ctx.peer!;
      // One call that never times out stays pending throughout.
      void p.call('forever', undefined, { timeout: 0 }).catch(() => {});
      outcome.resolve(
        await Promise.all([
          p.call('late', undefined, { timeout: 40 }).catch((e: PeerTimeoutError) => e.timeout),
          p.call('early', undefined, { timeout: 10 }).catch((e: PeerTimeoutError) => e.timeout),
        ]),
      );
      return null;
    });
    const peer = await Peer.connect(port);
    peer.send(req('go'));
    expect(await outcome.promise).toEqual([40, 10]);
    expect(server.stats().peerCalls).toMatchObject({ timedOut: 2, pending: 1 });
  });

  it('notify() without params sends no params member; after the close it sends nothing', async () => {
    const { server, port } = await listening();
    const got = deferred<CallContext>();
    server.method('hi', (_p: unknown, ctx: CallContext) => {
      expect(ctx.peer!.notify('ping')).toBe(true);
      got.resolve(ctx);
      return null;
    });
    const peer = await Peer.connect(port);
    peer.send(req('hi'));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', method: 'ping' });
    const ctx = await got.promise;
    expect(() => ctx.peer!.notify(5 as never)).toThrow('method must be a string, got 5');
    expect(() => ctx.peer!.notify('m', null)).toThrow(
      'params must be an object, an array or undefined (JSON-RPC 2.0 §4.2), got null',
    );
  });
});

describe('ctx.peer.call(): arguments', () => {
  it('rejects a signal that is not an AbortSignal, and sends a call with an explicit undefined timeout', async () => {
    const { server, port } = await listening({ peerCallTimeout: 15 });
    const outcome = deferred<unknown[]>();
    server.method('go', async (_p: unknown, ctx: CallContext) => {
      const bad = await ctx
        .peer!.call('m', undefined, { signal: 5 as never })
        .catch((e: Error) => e.message);
      const timedOut = await ctx
        .peer!.call('n', [], { timeout: undefined })
        .catch((e: PeerTimeoutError) => e.timeout);
      outcome.resolve([bad, timedOut]);
      return null;
    });
    const peer = await Peer.connect(port);
    peer.send(req('go'));
    expect(await outcome.promise).toEqual(['signal must be an AbortSignal, got 5', 15]);
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', method: 'n', params: [], id: 1 });
  });
});

/** A channel over a recording transport, and the `ctx.peer` of its first call (answered). */
async function channelPeer(server: Server) {
  const { transport, answers, sent } = recorder();
  const channel = server.openChannel(transport);
  const got = deferred<ServerPeer>();
  server.method('grab', (_p: unknown, ctx: CallContext) => {
    got.resolve(ctx.peer!);
    return null;
  });
  channel.receive(JSON.parse(req('grab', undefined, 'g')));
  const peer = await got.promise;
  await new Promise((resolve) => setImmediate(resolve));
  return { channel, answers: answers as Record<string, unknown>[], sent, peer };
}

describe('ctx.peer.call() on a channel', () => {
  it('numbers its calls 1, 2, 3 and matches each answer by id; the channel is busy while one waits', async () => {
    const server = makeServer();
    const { channel, answers, peer } = await channelPeer(server);
    expect(channel.busy).toBe(false);
    const calls = [peer.call('a'), peer.call('b', [1]), peer.call('c', { x: 1 })];
    expect(channel.busy).toBe(true);
    expect(answers.filter((m) => 'method' in m)).toEqual([
      { jsonrpc: '2.0', method: 'a', id: 1 },
      { jsonrpc: '2.0', method: 'b', params: [1], id: 2 },
      { jsonrpc: '2.0', method: 'c', params: { x: 1 }, id: 3 },
    ]);
    for (const id of [3, 1, 2]) channel.receive({ jsonrpc: '2.0', result: `r${id}`, id });
    expect(await Promise.all(calls)).toEqual(['r1', 'r2', 'r3']);
    expect(channel.busy).toBe(false);
    channel.destroy();
  });

  it('names peer.call() options in the error for an unknown option, and sends nothing', async () => {
    const server = makeServer();
    const { channel, sent, peer } = await channelPeer(server);
    const before = sent.length;
    const error = (await peer
      .call('m', undefined, { timout: 5 } as never)
      .catch((e: unknown) => e)) as TypeError;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(
      'peer.call() options has no option "timout"; did you mean "timeout"? (known: timeout, signal)',
    );
    expect(sent.length).toBe(before);
    channel.destroy();
  });

  it('after the connection closed: a call rejects with the close even when its signal aborted; notify() sends nothing but still checks params', async () => {
    const server = makeServer();
    const { channel, sent, peer } = await channelPeer(server);
    const before = sent.length;
    channel.destroy();
    const error = await peer
      .call('late', undefined, { signal: AbortSignal.abort('why') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DisconnectedError);
    expect(peer.notify('n', { a: 1 })).toBe(false);
    expect(() => peer.notify('n', 5 as never)).toThrow(
      'params must be an object, an array or undefined (JSON-RPC 2.0 §4.2), got 5',
    );
    expect(sent.length).toBe(before);
    expect(server.stats().peerCalls).toMatchObject({ sent: 0, abandoned: 0, pending: 0 });
  });
});

describe('peer calls: one timer per connection (fake clock)', () => {
  it('wakes once, at the earliest deadline; re-arms for the next; leaves no timer once none is due', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const stats = new PeerStats();
    const calls = new PeerCalls({ write: () => true }, 0, 10, stats);
    const t0 = Date.now();
    // The last answered call takes the timer with it; an earlier one leaves it to the others.
    const first = calls.call('first', undefined, { timeout: 500 });
    const second = calls.call('second', undefined, { timeout: 800 });
    expect(vi.getTimerCount()).toBe(1);
    calls.answer({ jsonrpc: '2.0', result: 'one', id: 1 });
    expect(vi.getTimerCount()).toBe(1);
    calls.answer({ jsonrpc: '2.0', result: 'two', id: 2 });
    expect(await Promise.all([first, second])).toEqual(['one', 'two']);
    expect(vi.getTimerCount()).toBe(0);
    // A later deadline, then an earlier one, then none: one timer, for the earliest.
    const late = calls.call('late', undefined, { timeout: 1000 }).catch((e: unknown) => e);
    const early = calls.call('early', undefined, { timeout: 100 }).catch((e: unknown) => e);
    const forever = calls.call('forever', undefined, { timeout: 0 }).catch((e: unknown) => e);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersToNextTimer();
    expect(Date.now() - t0).toBe(100);
    expect(stats.snapshot().peerCalls).toMatchObject({ timedOut: 1, pending: 2 });
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersToNextTimer();
    expect(Date.now() - t0).toBe(1000);
    expect(stats.snapshot().peerCalls).toMatchObject({ timedOut: 2, pending: 1 });
    // Only a call without a timeout waits: no timer.
    expect(vi.getTimerCount()).toBe(0);
    expect(await early).toBeInstanceOf(PeerTimeoutError);
    expect(await late).toBeInstanceOf(PeerTimeoutError);
    calls.close(new DisconnectedError('gone'));
    expect(await forever).toBeInstanceOf(DisconnectedError);
  });
});
