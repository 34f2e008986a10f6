// Regressions from issue 12: copies that drifted into bugs (time options, handle() during a forced
// close, foreign error classes, a registry option nobody read).
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  type ChannelTransport,
  createServer,
  ServerClosedError,
} from '../src/index.js';
import { deferred, makeServer, req, stuck } from './helpers.js';

describe('one time rule: integer ms from 0 to 2^31 - 1, Infinity where waiting forever makes sense', () => {
  it('close({ timeout: 2 ** 31 }) rejects with a coded TypeError instead of aborting after 1 ms', async () => {
    const server = makeServer();
    const error = await server.close({ timeout: 2 ** 31 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ code: 'RERPC_ERR_INVALID_OPTION' });
    expect((error as Error).message).toMatch(/^timeout must be .*2147483647.*got 2147483648$/);
  });

  it('createServer({ closeTimeout: 2 ** 31 }) throws; Infinity and 2^31 - 1 are accepted', () => {
    expect(() => createServer({ closeTimeout: 2 ** 31 })).toThrow(
      /^closeTimeout must be .*2147483647.*got 2147483648$/,
    );
    expect(makeServer({ closeTimeout: 2 ** 31 - 1 }).options.closeTimeout).toBe(2 ** 31 - 1);
    expect(makeServer({ closeTimeout: Number.POSITIVE_INFINITY }).options.closeTimeout).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('close({ timeout: Infinity }) waits for the call in flight', async () => {
    const server = makeServer();
    const gate = deferred<string>();
    server.method('gated', () => gate.promise);
    const answer = server.handle(req('gated'));
    let closed = false;
    const closing = server.close({ timeout: Number.POSITIVE_INFINITY }).then(() => {
      closed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    gate.resolve('done');
    expect(JSON.parse((await answer)!)).toMatchObject({ result: 'done' });
    await closing;
  });
});

describe('handle() when close() gives up', () => {
  it('rejects with ServerClosedError instead of never settling', async () => {
    const server = makeServer();
    const started = stuck(server, 'stubborn');
    const answer = server.handle(req('stubborn'));
    const ctx = await started;
    await server.close({ timeout: 5 });
    expect(ctx.signal.reason).toBeInstanceOf(ServerClosedError);
    const error = await answer.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerClosedError);
    expect((error as ServerClosedError).message).toMatch(/close\(\) timed out/);
  });

  it('settles a batch that is partly answered too', async () => {
    const server = makeServer();
    const started = stuck(server, 'stubborn');
    const answer = server.handle(`[${req('echo', [1], 1)},${req('stubborn', [], 2)}]`);
    await started;
    await server.close({ timeout: 0 });
    await expect(answer).rejects.toBeInstanceOf(ServerClosedError);
  });

  it('tells an openChannel() transport through its destroyed() hook, once, with the reason', async () => {
    const server = makeServer();
    const started = stuck(server, 'stubborn');
    const reasons: unknown[] = [];
    const sent: string[] = [];
    const transport: ChannelTransport = {
      remoteAddress: null,
      send: (text) => sent.push(text),
      pause() {},
      resume() {},
      end() {},
      destroyed: (reason) => reasons.push(reason),
    };
    const channel = server.openChannel(transport);
    expect(channel.receive(JSON.parse(req('stubborn')))).toBe(true);
    await started;
    await server.close({ timeout: 0 });
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(ServerClosedError);
    expect(sent).toEqual([]);
    // The transport destroying its own channel is not echoed back to it.
    channel.destroy();
    expect(reasons).toHaveLength(1);
  });

  it('does not call destroyed() when the transport itself destroys the channel', () => {
    const server = makeServer();
    let calls = 0;
    const channel = server.openChannel({
      remoteAddress: null,
      send() {},
      pause() {},
      resume() {},
      end() {},
      destroyed: () => calls++,
    });
    channel.destroy(new Error('peer left'));
    expect(calls).toBe(0);
  });
});

describe("handle()'s errors are the server's own", () => {
  it('rejects with the server AbortError, whose message is about handle(), when its signal aborts', async () => {
    const server = makeServer();
    const started = stuck(server, 'stubborn');
    const controller = new AbortController();
    const answer = server.handle(req('stubborn'), { signal: controller.signal });
    await started;
    const reason = new Error('client went away');
    controller.abort(reason);
    const error = (await answer.catch((e: unknown) => e)) as AbortError;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.name).toBe('AbortError');
    expect(error.code).toBe('RERPC_ERR_ABORTED');
    expect(error.cause).toBe(reason);
    expect(error.message).toMatch(/^handle\(\) was abandoned/);
    expect(error.message).not.toMatch(/task/);
  });

  it('rejects with the server AbortError for a signal aborted before the call', async () => {
    const server = makeServer();
    const error = (await server
      .handle(req('echo'), { signal: AbortSignal.abort('gone') })
      .catch((e: unknown) => e)) as AbortError;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.cause).toBe('gone');
    expect(error.message).toMatch(/^handle\(\) was abandoned/);
  });
});

describe('method options', () => {
  it('refuses idempotent, which the server never acted on, and says where retries are decided', () => {
    const server = makeServer();
    const error = (() => {
      try {
        server.method('m', () => 1, { idempotent: true } as never);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ code: 'RERPC_ERR_INVALID_OPTION' });
    expect((error as Error).message).toMatch(/idempotent.*client/);
    expect(server.stats().calls.total).toBe(0);
  });
});
