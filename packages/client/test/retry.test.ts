import { Socket } from 'node:net';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ConnectionError, RpcError } from '../src/index.js';
import { startRawServer, until } from './fixtures/raw-server.js';
import { connect, freePort, gate, rejection, setup } from './helpers.js';

describe('retries', () => {
  it('does not retry calls in flight when the server dies: they fail fast with ConnectionError', async () => {
    const g = gate();
    const { client, server } = await setup({ handlers: { 'T.wait': g.handler } });
    const calls = Array.from({ length: 5 }, (_, i) =>
      client.call('T.wait', [i]).catch((e: unknown) => e),
    );
    await until(() => g.started === 5);
    server.destroyConnections();
    const errors = await Promise.all(calls);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ code: 'RERPC_ERR_CONNECTION', sent: true });
    }
    expect(server.executions.get('T.wait')).toBe(5);
    expect(client.stats()).toMatchObject({ retries: 0, errors: { connection: 5 } });
  });

  it('retries idempotent calls in flight when the server dies', async () => {
    const seen = new Set<number>();
    const g = gate();
    const { client, server } = await setup({
      handlers: {
        // Hangs the first time it sees a value; answers when it runs again.
        'T.flaky': (params) => {
          const n = (params as number[])[0]!;
          if (seen.has(n)) return n;
          seen.add(n);
          return g.handler(params);
        },
      },
    });
    const calls = [1, 2, 3].map((n) => client.call('T.flaky', [n], { idempotent: true }));
    await until(() => g.started === 3);
    server.destroyConnections();
    await expect(Promise.all(calls)).resolves.toEqual([1, 2, 3]);
    expect(server.executions.get('T.flaky')).toBe(6);
    // A retry resends the same request, id included.
    expect(server.lines.slice(3).sort()).toEqual(server.lines.slice(0, 3).sort());
    expect(client.stats().retries).toBe(3);
    expect(client.stats().connections.dialled).toBe(2);
  });

  it('retries a call whose connection died while its request was still queued in the client', async () => {
    const { client, server } = await setup();
    const write = vi.spyOn(Socket.prototype, 'write');
    onTestFinished(() => write.mockRestore());
    await client.call('ArithService.Add', { a: 1, b: 1 });
    const socket = write.mock.contexts.find((s) => (s as Socket).remotePort === server.port) as
      | Socket
      | undefined;
    expect(socket).toBeDefined();
    const call = client.call('ArithService.Add', { a: 2, b: 2 });
    socket!.destroy(); // before this tick's write: the request never left
    await expect(call).resolves.toEqual({ result: 4 });
    expect(server.executions.get('ArithService.Add')).toBe(2);
    expect(client.stats()).toMatchObject({ retries: 1, connections: { dialled: 2 } });
  });

  it('fails a queued call with ConnectionError (sent: false) when maxRetries is 0', async () => {
    const { client, server } = await setup({}, { maxRetries: 0 });
    const write = vi.spyOn(Socket.prototype, 'write');
    onTestFinished(() => write.mockRestore());
    await client.call('ArithService.Add', { a: 1, b: 1 });
    const socket = write.mock.contexts.find(
      (s) => (s as Socket).remotePort === server.port,
    ) as Socket;
    const call = client.call('ArithService.Add', { a: 2, b: 2 });
    socket.destroy();
    const error = await rejection<ConnectionError>(call);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.sent).toBe(false);
    expect(error.message).toMatch(/was lost before the request was written/);
  });

  it('retries a refused connection until the server appears, within the deadline', async () => {
    const port = await freePort();
    const client = connect(port, {
      retryDelay: 20,
      maxRetryDelay: 100,
      maxRetries: 50,
      timeout: 10_000,
    });
    const call = client.call('ArithService.Add', { a: 2, b: 3 });
    await until(() => client.stats().connections.dialErrors >= 1);
    const server = await startRawServer({ port });
    onTestFinished(() => server.close());
    await expect(call).resolves.toEqual({ result: 5 });
    expect(client.stats().retries).toBeGreaterThanOrEqual(1);
    expect(server.executions.get('ArithService.Add')).toBe(1);
  });

  it('gives up with ConnectionError (cause: the dial error) once retries are spent', async () => {
    const port = await freePort();
    const client = connect(port, { retryDelay: 1, maxRetryDelay: 2, maxRetries: 2 });
    const error = await rejection<ConnectionError>(client.call('T.x'));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.sent).toBe(false);
    expect(error.cause).toMatchObject({ code: 'RERPC_ERR_DIAL' });
    expect((error.cause as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(client.stats()).toMatchObject({ retries: 2, connections: { dialErrors: 3 } });
  });

  it('retries without a deadline when the call has no timeout (0)', async () => {
    const port = await freePort();
    const client = connect(port, { retryDelay: 1, maxRetryDelay: 2, maxRetries: 2, timeout: 0 });
    const error = await rejection<ConnectionError>(client.call('T.x'));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(client.stats()).toMatchObject({ retries: 2, connections: { dialErrors: 3 } });
  });

  it('does not retry a call aborted while it waited for the dial that then failed', async () => {
    const port = await freePort();
    const client = connect(port, { retryDelay: 1, maxRetryDelay: 2, maxRetries: 2 });
    const controller = new AbortController();
    const aborted = client.call('T.aborted', [], { signal: controller.signal });
    const other = client.call('T.other');
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    // The other call waited for the same dials: its retries are the only ones.
    await expect(other).rejects.toBeInstanceOf(ConnectionError);
    expect(client.stats()).toMatchObject({ retries: 2, settled: 2 });
  });

  it('retries an idempotent batch in flight once when the server dies (each request is its own)', async () => {
    const g = gate();
    const { client, server } = await setup({
      handlers: {
        // Hangs the first time only.
        'T.flaky': (params) => (g.started === 0 ? g.handler(params) : (params as number[])[0]),
      },
    });
    const batch = client.batch(
      [
        { method: 'T.flaky', params: [1] },
        { method: 'T.flaky', params: [2] },
      ],
      { idempotent: true },
    );
    await until(() => g.started === 1);
    server.destroyConnections();
    await expect(batch).resolves.toEqual([
      { ok: true, value: 1 },
      { ok: true, value: 2 },
    ]);
    expect(client.stats()).toMatchObject({ retries: 1, settled: 1 });
  });

  it('never retries an error answer from the server, even for an idempotent call', async () => {
    const { client, server } = await setup();
    const error = await rejection<RpcError>(
      client.call('ArithService.Divide', { a: 1, b: 0 }, { idempotent: true }),
    );
    expect(error).toBeInstanceOf(RpcError);
    expect(server.executions.get('ArithService.Divide')).toBe(1);
    expect(client.stats().retries).toBe(0);
  });

  it('reconnects after the server restarts on the same port', async () => {
    const first = await startRawServer();
    onTestFinished(() => first.close());
    const port = first.port;
    const client = connect(port);
    await expect(client.call('ArithService.Add', { a: 1, b: 1 })).resolves.toEqual({ result: 2 });
    await first.close();
    await until(() => client.stats().connections.active === 0);
    const second = await startRawServer({ port });
    onTestFinished(() => second.close());
    const calls = Array.from({ length: 20 }, (_, i) =>
      client.call('ArithService.Add', { a: i, b: 1 }),
    );
    await expect(Promise.all(calls)).resolves.toEqual(
      Array.from({ length: 20 }, (_, i) => ({ result: i + 1 })),
    );
    expect(client.stats().connections.dialled).toBe(2);
  });
});
