import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type CallContext,
  HandlerTimeoutError,
  RequestCancelledError,
  ServerClosedError,
  type ServerOptions,
} from '../src/index.js';
import { createServerWithClock } from '../src/server.js';
import { abortReason, makeServer, recorder, req, stuck } from './helpers.js';

// The Channel contract of `openChannel()` (the core under every persistent transport), stated
// through a transport that records what the channel tells it.

/** A method whose calls settle only when released; each call's `ctx`, in order. */
function held(server: ReturnType<typeof makeServer>, name: string) {
  const calls: CallContext[] = [];
  const releases = new Map<unknown, () => void>();
  server.method(name, (_params: unknown, ctx: CallContext) => {
    calls.push(ctx);
    return new Promise((resolve) => releases.set(ctx.id, () => resolve('done')));
  });
  return {
    calls,
    /** Answers the call with `id`. */
    release: (id: unknown) => releases.get(id)?.(),
  };
}

/** A turn of the event loop: promise reactions and the answers they send have run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

const obj = (method: string, params?: unknown, id?: unknown) => JSON.parse(req(method, params, id));
const note = (method: string, params?: unknown) =>
  params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };
const invalid = (data: string) => ({
  jsonrpc: '2.0',
  error: { code: -32600, message: 'Invalid Request', data },
  id: null,
});

describe('openChannel(): receive() says whether an answer will be sent', () => {
  it('true for a request, an invalid message, an empty batch and a batch over maxBatchLength', () => {
    const server = makeServer({ maxBatchLength: 2 });
    const { transport, answers } = recorder();
    const channel = server.openChannel(transport);
    expect(channel.receive(obj('echo', [1], 1))).toBe(true);
    expect(channel.receive(42)).toBe(true);
    expect(channel.receive([])).toBe(true);
    expect(channel.receive([42])).toBe(true);
    expect(channel.receive([obj('echo', [1], 2), obj('echo', [2], 3), obj('echo', [3], 4)])).toBe(
      true,
    );
    expect(answers).toEqual([
      { jsonrpc: '2.0', result: [1], id: 1 },
      invalid('a message must be an object or an array'),
      invalid('a batch must not be empty'),
      [invalid('a batch member must be an object')],
      invalid('batch of 3 members exceeds maxBatchLength (2); split it'),
    ]);
    expect(server.stats().errors).toEqual({ '-32600': 4 });
    channel.destroy();
  });

  it('false for a notification, a response, a cancel and an all-notification batch', () => {
    const server = makeServer();
    const { transport, answers } = recorder();
    const channel = server.openChannel(transport);
    expect(channel.receive(note('notify_hello', [1]))).toBe(false);
    expect(channel.receive({ jsonrpc: '2.0', result: 1, id: 9 })).toBe(false);
    expect(channel.receive(note('$/cancelRequest', { id: 9 }))).toBe(false);
    expect(channel.receive([note('notify_hello'), note('$/cancelRequest', { id: 9 })])).toBe(false);
    expect(answers).toEqual([]);
    channel.destroy();
  });

  it('true for a request refused while the channel ends (-32002, not run)', () => {
    const server = makeServer();
    const h = held(server, 'hold');
    const { transport, answers } = recorder();
    const channel = server.openChannel(transport);
    channel.receive(obj('hold', undefined, 1));
    channel.end();
    expect(channel.receive(obj('echo', [1], 2))).toBe(true);
    expect(answers).toEqual([
      {
        jsonrpc: '2.0',
        error: { code: -32002, message: 'Server is shutting down', data: expect.any(String) },
        id: 2,
      },
    ]);
    expect(h.calls).toHaveLength(1);
    channel.destroy();
  });

  it('a cancel naming no usable id (missing, null) cancels nothing, not even a call whose id is null', async () => {
    const server = makeServer();
    const started = stuck(server, 'wait');
    const { transport, answers } = recorder();
    const channel = server.openChannel(transport);
    channel.receive({ jsonrpc: '2.0', method: 'wait', id: null });
    const ctx = await started;
    channel.receive(note('$/cancelRequest', {}));
    channel.receive(note('$/cancelRequest', { id: null }));
    expect(ctx.signal.aborted).toBe(false);
    expect(answers).toEqual([]);
    expect(channel.inFlight).toBe(1);
    expect(server.stats().cancellations).toEqual({ applied: 0, ignored: 2 });
    channel.destroy();
  });
});

describe('openChannel(): a batch is sent once, when its last member settles', () => {
  it('with members cancelled unanswered (answer: false) before and after the others', async () => {
    const server = makeServer({ cancelMethod: { method: 'cancel', answer: false } });
    const h = held(server, 'hold');
    const { transport, answers } = recorder();
    const channel = server.openChannel(transport);
    const cancel = (id: number) => note('cancel', { id });
    channel.receive([obj('hold', [], 1), obj('hold', [], 2), obj('echo', [3], 3)]);
    expect(h.calls).toHaveLength(2);
    channel.receive(cancel(1));
    expect(answers).toEqual([]);
    channel.receive(cancel(2));
    expect(answers).toEqual([[{ jsonrpc: '2.0', result: [3], id: 3 }]]);
    // The last member settling by the cancel: the batch goes out at the cancel.
    channel.receive([obj('hold', [], 4), obj('hold', [], 5)]);
    h.release(4);
    await turn();
    expect(answers).toHaveLength(1);
    channel.receive(cancel(5));
    expect(answers[1]).toEqual([{ jsonrpc: '2.0', result: 'done', id: 4 }]);
    expect(channel.inFlight).toBe(0);
    channel.destroy();
  });
});

describe('openChannel(): handler errors and timeouts of notifications', () => {
  it("counts a notification handler's error in stats() and sends nothing", async () => {
    const server = makeServer({ onHandlerError: null });
    server.method('reject', async () => {
      throw new Error('no');
    });
    const { transport, answers } = recorder();
    const channel = server.openChannel(transport);
    channel.receive(note('crash'));
    channel.receive(note('reject'));
    await turn();
    expect(answers).toEqual([]);
    expect(server.stats().errors).toEqual({ '-32603': 2 });
    expect(channel.inFlight).toBe(0);
    channel.destroy();
  });

  it('a notification past handlerTimeout is aborted and counted, and nothing is sent for it', async () => {
    const server = makeServer({ handlerTimeout: 20 });
    const started = stuck(server, 'hang');
    const { transport, answers } = recorder();
    const channel = server.openChannel(transport);
    channel.receive(note('hang'));
    expect(await abortReason(await started)).toBeInstanceOf(HandlerTimeoutError);
    expect(answers).toEqual([]);
    expect(channel.inFlight).toBe(0);
    expect(server.stats().calls.timedOut).toBe(1);
    expect(server.stats().errors).toEqual({ '-32001': 1 });
    channel.destroy();
  });
});

describe('openChannel(): end, busy and destroy', () => {
  it('ends the transport only once the last of several calls in flight is answered', async () => {
    const server = makeServer();
    const h = held(server, 'hold');
    const { transport, answers, events } = recorder();
    const channel = server.openChannel(transport);
    channel.receive(obj('hold', [], 1));
    channel.receive(obj('hold', [], 2));
    channel.end();
    h.release(1);
    await turn();
    expect(answers).toHaveLength(1);
    expect(events).toEqual([]);
    h.release(2);
    await turn();
    expect(answers).toHaveLength(2);
    expect(events).toEqual(['end']);
    channel.destroy();
  });

  it('is busy while a call is in flight, and a destroy() takes its dropped calls out of inFlight', async () => {
    const server = makeServer();
    const h = held(server, 'hold');
    const { transport } = recorder();
    const channel = server.openChannel(transport);
    expect(channel.busy).toBe(false);
    channel.receive(obj('hold', [], 1));
    channel.receive(obj('hold', [], 2));
    expect(channel.busy).toBe(true);
    expect(channel.inFlight).toBe(2);
    h.release(1);
    await turn();
    expect(channel.busy).toBe(true);
    expect(channel.inFlight).toBe(1);
    channel.receive(obj('hold', [], 3));
    channel.destroy();
    expect(channel.inFlight).toBe(0);
    expect(channel.busy).toBe(false);
    expect(server.stats().calls.inFlight).toBe(0);
  });

  it('sends nothing once destroyed: not the answer of the call that destroyed it, nor a batch, nor sendError()', () => {
    const server = makeServer();
    let destroy = (): void => {};
    server.method('leave', () => {
      destroy();
      return 'bye';
    });
    for (const message of [obj('leave', [], 1), [obj('leave', [], 1), obj('echo', [2], 2)]]) {
      const { transport, answers } = recorder();
      const channel = server.openChannel(transport);
      destroy = () => channel.destroy();
      expect(channel.receive(message)).toBe(true);
      expect(channel.receive(obj('echo', [3], 3))).toBe(false);
      channel.sendError({ code: -32700, message: 'Parse error' });
      expect(answers).toEqual([]);
      expect(channel.inFlight).toBe(0);
    }
    expect(server.stats().errors).toEqual({});
    expect(server.stats().calls.inFlight).toBe(0);
  });

  it('close() giving up destroys a channel whose transport has no destroyed() hook', async () => {
    const server = makeServer();
    const started = stuck(server, 'wait');
    const { transport, answers } = recorder();
    const channel = server.openChannel(transport);
    channel.receive(obj('wait', [], 1));
    const reason = abortReason(await started);
    await server.close({ timeout: 0 });
    expect(await reason).toBeInstanceOf(ServerClosedError);
    expect(answers).toEqual([]);
    expect(channel.inFlight).toBe(0);
  });
});

describe('without a diagnostics subscriber, answers cost no clock reads of their own', () => {
  function counting(options?: ServerOptions) {
    const clock = { reads: 0, now: 0 };
    const server = createServerWithClock(options, {
      now: () => {
        clock.reads++;
        return clock.now;
      },
      origin: 0,
    });
    onTestFinished(() => server.close({ timeout: 0 }));
    return { server, clock };
  }

  it('a read refused member by member (unknown method, invalid params) reads the clock as a read of one', async () => {
    const { server, clock } = counting();
    server.method('typed', () => null, {
      params: { type: 'object', required: ['a'], properties: { a: { type: 'integer' } } },
    });
    const batch = (n: number) =>
      `[${Array.from({ length: n }, (_, i) => (i % 2 ? req('nope', [], i) : req('typed', { a: 'x' }, i))).join(',')}]`;
    await server.handle(batch(1));
    const one = clock.reads;
    clock.reads = 0;
    await server.handle(batch(40));
    expect(clock.reads).toBe(one);
  });

  it('a cancelled call and the calls a destroy() drops read no clock', async () => {
    const { server, clock } = counting();
    const h = held(server, 'hold');
    const { transport } = recorder();
    const channel = server.openChannel(transport);
    for (let id = 1; id <= 3; id++) channel.receive(obj('hold', [], id));
    expect(h.calls).toHaveLength(3);
    clock.reads = 0;
    channel.receive(note('$/cancelRequest', { id: 1 }));
    expect(h.calls[0]!.signal.reason).toBeInstanceOf(RequestCancelledError);
    channel.destroy();
    expect(h.calls[2]!.signal.aborted).toBe(true);
    expect(clock.reads).toBe(0);
  });
});
