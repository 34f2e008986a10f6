import { optionErrorLike } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ClientClosedError } from '../src/index.js';
import { startRawServer, until } from './fixtures/raw-server.js';
import { connect, gate, rejection, setup } from './helpers.js';

/** Handles that keep the process alive, by kind (unref'd ones are not listed). */
function liveHandles(): { tcp: number; timers: number } {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return { tcp: counts['TCPSocketWrap'] ?? 0, timers: counts['Timeout'] ?? 0 };
}

describe('close', () => {
  it('lets calls in flight finish, refuses new ones, and returns the same promise twice', async () => {
    const g = gate();
    const { client } = await setup({ handlers: { 'T.wait': g.handler } });
    const calls = Array.from({ length: 50 }, (_, i) => client.call('T.wait', [i]));
    await until(() => g.started === 50);
    const closing = client.close();
    expect(client.close()).toBe(closing);
    await expect(client.call('T.wait', [99])).rejects.toBeInstanceOf(ClientClosedError);
    await expect(client.notify('T.wait')).rejects.toMatchObject({
      code: 'RERPC_ERR_CLIENT_CLOSED',
    });
    g.releaseAll();
    await expect(Promise.all(calls)).resolves.toEqual(Array.from({ length: 50 }, (_, i) => [i]));
    await closing;
    expect(client.stats()).toMatchObject({ pending: 0, connections: { active: 0, idle: 0 } });
  });

  it('cuts off what is still in flight after its timeout with ClientClosedError', async () => {
    const g = gate();
    const { client } = await setup({ handlers: { 'T.wait': g.handler } });
    const call = client.call('T.wait', [1]);
    await until(() => g.started === 1);
    await client.close({ timeout: 20 });
    const error = await rejection<ClientClosedError>(call);
    expect(error).toBeInstanceOf(ClientClosedError);
    expect(error.message).toContain('close() gave up waiting for T.wait after 20 ms');
    expect(client.stats().errors.closed).toBe(1);
  });

  it('rejects an invalid timeout without closing', async () => {
    const { client } = await setup();
    const rule =
      'timeout must be an integer number of milliseconds from 0 to 2147483647, or Infinity to wait forever, got';
    for (const [timeout, got] of [
      [-1, '-1'],
      [1.5, '1.5'],
      [2 ** 31, '2147483648'],
      [Number.NaN, 'NaN'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
      ['5', '"5"'],
    ] as const) {
      await expect(client.close({ timeout: timeout as number })).rejects.toThrow(
        optionErrorLike(`${rule} ${got}`),
      );
    }
    await expect(client.call('ArithService.Add', { a: 1, b: 1 })).resolves.toEqual({ result: 2 });
  });

  it('waits for calls in flight however long with timeout Infinity (issue 12)', async () => {
    // Before: close({ timeout: Infinity }) rejected with a TypeError, while every other package
    // accepts Infinity for a close timeout. Given to setTimeout it would fire after 1 ms (Node's
    // TimeoutOverflowWarning), cutting the call off.
    const warn = vi.spyOn(process, 'emitWarning');
    onTestFinished(() => warn.mockRestore());
    const g = gate();
    const { client } = await setup({ handlers: { 'T.wait': g.handler } });
    const call = client.call('T.wait', [1]);
    await until(() => g.started === 1);
    let closed = false;
    const closing = client.close({ timeout: Number.POSITIVE_INFINITY }).then(() => {
      closed = true;
    });
    expect(client.stats().pending).toBe(1);
    // A second call on a second client to the same server: the first's close still waits.
    const { client: other } = await setup();
    await other.call('ArithService.Add', { a: 1, b: 1 });
    expect(closed).toBe(false);
    g.releaseAll();
    await expect(call).resolves.toEqual([1]);
    await closing;
    expect(client.stats()).toMatchObject({ pending: 0, errors: { closed: 0 } });
    expect(warn.mock.calls.map((args) => String(args[1]))).not.toContain('TimeoutOverflowWarning');
  });

  it('accepts closeTimeout Infinity and waits with it by default', async () => {
    const g = gate();
    const { client } = await setup(
      { handlers: { 'T.wait': g.handler } },
      { closeTimeout: Number.POSITIVE_INFINITY },
    );
    const call = client.call('T.wait', [2]);
    await until(() => g.started === 1);
    const closing = client.close();
    g.releaseAll();
    await expect(call).resolves.toEqual([2]);
    await closing;
    expect(client.stats().errors.closed).toBe(0);
  });

  it('is what Symbol.asyncDispose does', async () => {
    const { client } = await setup();
    await client.call('ArithService.Add', { a: 1, b: 1 });
    await client[Symbol.asyncDispose]();
    await expect(client.call('ArithService.Add', { a: 1, b: 1 })).rejects.toBeInstanceOf(
      ClientClosedError,
    );
  });

  it('leaves no timer or socket keeping the process alive', async () => {
    const before = liveHandles();
    const server = await startRawServer();
    onTestFinished(() => server.close());
    const client = connect(server.port, { maxActive: 3, pipelineThreshold: 5 });
    // Connect first, so the 500 ms deadlines below do not cover dialling.
    await client.call('ArithService.Add', { a: 0, b: 0 });
    const calls = Array.from({ length: 100 }, (_, i) =>
      client.call('ArithService.Add', { a: i, b: 0 }, { timeout: i % 2 === 0 ? 500 : 5000 }),
    );
    await Promise.all(calls);
    await client.notify('ArithService.Add', { a: 1, b: 1 });
    expect(client.stats().connections.dialled).toBeGreaterThan(0);
    await client.close();
    // With the server still listening: the client's sockets are closed (the server's ends
    // close on our FIN) or unref'd, and its timers are gone. Earlier tests' sockets may still be
    // closing, hence "no more than before".
    await until(() => {
      const now = liveHandles();
      return now.tcp <= before.tcp && now.timers <= before.timers;
    });
  });
});
