import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  type CallContext,
  DisconnectedError,
  ServerClosedError,
} from '../src/index.js';
import { abortReason, answer, deferred, makeServer, req, stuck } from './helpers.js';

/** The abort listeners handle() left on `signal`. */
const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('handle() with a signal', () => {
  it('tells the handler why it stops: the signal aborted, with the signal reason as cause', async () => {
    const server = makeServer();
    const started = stuck(server, 'hang');
    const controller = new AbortController();
    const pending = server.handle(req('hang'), { signal: controller.signal });
    const reason = abortReason(await started);
    const left = new Error('client left');
    controller.abort(left);
    const error = await pending.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).message).toBe(
      'handle() was abandoned: the signal given to it aborted before the answer was ready (see cause); its handlers were told to stop through ctx.signal',
    );
    expect((error as AbortError).cause).toBe(left);
    const why = (await reason) as DisconnectedError;
    expect(why).toBeInstanceOf(DisconnectedError);
    expect(why.message).toBe('The signal given to handle() aborted; stop the work');
    expect(why.cause).toBe(left);
  });

  it('rejects when the signal aborts while the call runs its synchronous part', async () => {
    const server = makeServer();
    const controller = new AbortController();
    const reason = deferred<unknown>();
    server.method('abortCaller', (_params: unknown, ctx: CallContext) => {
      controller.abort(new Error('gave up'));
      ctx.signal.addEventListener('abort', () => reason.resolve(ctx.signal.reason));
      return new Promise(() => {});
    });
    const error = await server.handle(req('abortCaller'), { signal: controller.signal }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe(controller.signal.reason);
    expect(await reason.promise).toBeInstanceOf(DisconnectedError);
    expect(listeners(controller.signal)).toBe(0);
    expect(server.stats().calls.inFlight).toBe(0);
  });

  it('leaves no listener on the signal once answered, at once or later', async () => {
    const server = makeServer();
    const gate = deferred<string>();
    server.method('later', () => gate.promise);
    const signal = new AbortController().signal;
    expect(await answer(server.handle(req('echo', [1]), { signal }))).toMatchObject({
      result: [1],
    });
    expect(listeners(signal)).toBe(0);
    const pending = server.handle(req('later'), { signal });
    await Promise.resolve();
    expect(listeners(signal)).toBe(1);
    gate.resolve('done');
    expect(await answer(pending)).toMatchObject({ result: 'done' });
    expect(listeners(signal)).toBe(0);
  });

  it('leaves no listener on the signal once it aborted, or once close() gave up on the call', async () => {
    const server = makeServer();
    const started = stuck(server, 'hang');
    const aborting = new AbortController();
    const abandoned = server.handle(req('hang'), { signal: aborting.signal });
    await started;
    aborting.abort();
    await expect(abandoned).rejects.toBeInstanceOf(AbortError);
    expect(listeners(aborting.signal)).toBe(0);

    const signal = new AbortController().signal;
    const pending = server.handle(req('hang'), { signal });
    await Promise.resolve();
    expect(listeners(signal)).toBe(1);
    await server.close({ timeout: 0 });
    await expect(pending).rejects.toBeInstanceOf(ServerClosedError);
    expect(listeners(signal)).toBe(0);
  });

  it('keeps nothing of an answered call: its signal can be collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const server = makeServer();
    // Answered on a later turn: the call is still in flight when handle() has read the message.
    server.method('later', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return 1;
    });
    const refs: Array<WeakRef<AbortSignal>> = [];
    // In its own function: the caller's frame holds no signal.
    const handle = async (message: string) => {
      const signal = new AbortController().signal;
      refs.push(new WeakRef(signal));
      await server.handle(message, { signal });
    };
    // A request answered at once, a notification, a batch, and a request answered later.
    const messages = [req('echo', [1]), '{"jsonrpc":"2.0","method":"echo"}', '[1,2]', req('later')];
    for (const message of messages) await handle(message);
    // WeakRef targets stay alive until the job that created them ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(refs.map((ref) => ref.deref())).toEqual([undefined, undefined, undefined, undefined]);
  });
});
