import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { AbortError, ConnectionError, PoolExhaustedError, TimeoutError } from '../src/index.js';
import { startBlackhole, until } from './fixtures/raw-server.js';
import { connect, gate, rejection, setup } from './helpers.js';

describe('timeouts', () => {
  it('rejects with TimeoutError and leaves the connection usable; the late answer is dropped', async () => {
    const g = gate();
    const { client, server } = await setup({
      handlers: { 'T.wait': g.handler, 'T.ok': () => 'ok' },
    });
    // Connect first: a 30 ms deadline must not also cover dialling (on a busy machine that fails
    // with PoolExhaustedError instead).
    await expect(client.call('T.ok')).resolves.toBe('ok');
    const error = await rejection<TimeoutError>(client.call('T.wait', [1], { timeout: 30 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'RERPC_ERR_TIMEOUT', timeout: 30, method: 'T.wait' });
    g.releaseAll();
    await until(() => client.stats().dropped === 1);
    await expect(client.call('T.ok')).resolves.toBe('ok');
    expect(server.accepted).toBe(1);
    expect(client.stats()).toMatchObject({
      connections: { active: 1, dialled: 1 },
      errors: { timeout: 1 },
      pending: 0,
    });
  });

  it('expires calls of a second or more on the shared timer, never early', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const g = gate();
    const { client } = await setup({ handlers: { 'T.wait': g.handler, 'T.ok': () => 'ok' } });
    const call = rejection<TimeoutError>(client.call('T.wait', [1], { timeout: 1000 }));
    await until(() => g.started === 1);
    vi.advanceTimersByTime(999);
    expect(client.stats().pending).toBe(1);
    vi.advanceTimersByTime(250);
    const error = await call;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeout).toBe(1000);
    g.releaseAll();
    await expect(client.call('T.ok')).resolves.toBe('ok');
  });

  it('0 disables the timeout', async () => {
    const g = gate();
    const { client } = await setup({ handlers: { 'T.wait': g.handler } }, { timeout: 0 });
    const call = client.call('T.wait', [7]);
    await until(() => g.started === 1);
    g.releaseAll();
    await expect(call).resolves.toEqual([7]);
  });

  it('rejects with PoolExhaustedError when no connection is dialled before the deadline', async () => {
    const blackhole = await startBlackhole();
    onTestFinished(() => blackhole.close());
    const client = connect(blackhole.port);
    const error = await rejection<PoolExhaustedError>(client.call('T.x', [], { timeout: 50 }));
    expect(error).toBeInstanceOf(PoolExhaustedError);
    expect(error).toMatchObject({ code: 'RERPC_ERR_POOL_EXHAUSTED', timeout: 50 });
    expect(client.stats().errors.poolExhausted).toBe(1);
  });

  it('fails a dial after dialTimeout with ConnectionError (not sent)', async () => {
    const blackhole = await startBlackhole();
    onTestFinished(() => blackhole.close());
    const client = connect(blackhole.port, { dialTimeout: 30, maxRetries: 0 });
    const error = await rejection<ConnectionError>(client.call('T.x'));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.sent).toBe(false);
    expect(error.cause).toMatchObject({ code: 'RERPC_ERR_DIAL_TIMEOUT', timeout: 30 });
    expect(error.message).toBe(
      `Could not reach 127.0.0.1:${blackhole.port} (not connected within dialTimeout, 30 ms), so the call did not run; check that the server is running and listening there, or raise maxRetries / timeout to wait for it longer`,
    );
  });
});

describe('abort', () => {
  it('rejects with AbortError whose cause is the reason, and the connection stays usable', async () => {
    const g = gate();
    const { client, server } = await setup({
      handlers: { 'T.wait': g.handler, 'T.ok': () => 'ok' },
    });
    const controller = new AbortController();
    const call = client.call('T.wait', [1], { signal: controller.signal });
    await until(() => g.started === 1);
    const reason = new Error('user gave up');
    controller.abort(reason);
    const error = await rejection<AbortError>(call);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'RERPC_ERR_ABORTED', cause: reason });
    g.releaseAll();
    await until(() => client.stats().dropped === 1);
    await expect(client.call('T.ok')).resolves.toBe('ok');
    expect(server.accepted).toBe(1);
    expect(client.stats().connections.active).toBe(1);
  });

  it('rejects at once, sending nothing, when the signal is already aborted', async () => {
    const { client, server } = await setup();
    const reason = 'stop';
    const error = await rejection<AbortError>(
      client.call('ArithService.Add', { a: 1, b: 2 }, { signal: AbortSignal.abort(reason) }),
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(error.cause).toBe(reason);
    expect(server.lines).toEqual([]);
  });

  it('removes its abort listener once the call settles', async () => {
    const { client } = await setup();
    const controller = new AbortController();
    await client.call('ArithService.Add', { a: 1, b: 2 }, { signal: controller.signal });
    controller.abort();
    expect(client.stats().errors.aborted).toBe(0);
  });
});
