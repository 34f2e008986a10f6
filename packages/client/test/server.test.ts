// End to end against the real @rerpc/server on loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from '@rerpc/server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConnectionError, RpcError, TimeoutError } from '../src/index.js';
import { until } from './fixtures/raw-server.js';
import { connect, freePort, rejection } from './helpers.js';

class ArithService {
  executions = 0;
  private waiting: Array<() => void> = [];

  Add(args: { a: number; b: number }): { result: number } {
    this.executions += 1;
    return { result: args.a + args.b };
  }

  Echo(args: { text: string }): { text: string } {
    return args;
  }

  Divide(args: { a: number; b: number }): { result: number } {
    if (args.b === 0) throw new RpcError(-32000, 'division by zero', { a: args.a });
    return { result: args.a / args.b };
  }

  async Slow(args: { n: number }): Promise<{ n: number }> {
    this.executions += 1;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return { n: args.n };
  }

  _release(): number {
    const n = this.waiting.length;
    for (const resolve of this.waiting.splice(0)) resolve();
    return n;
  }

  _waiting(): number {
    return this.waiting.length;
  }
}

async function serve(port = 0): Promise<{ server: Server; arith: ArithService; port: number }> {
  const server = createServer();
  const arith = new ArithService();
  server.register(arith, { name: 'ArithService' });
  const address = (await server.listen({ port, host: '127.0.0.1' })) as { port: number };
  onTestFinished(() => server.close({ timeout: 0 }));
  return { server, arith, port: address.port };
}

describe('against @rerpc/server', () => {
  it('calls, notifies, batches and proxies', async () => {
    const { port, arith } = await serve();
    const client = connect(port);
    await expect(client.call('ArithService.Add', { a: 10, b: 20 })).resolves.toEqual({
      result: 30,
    });
    const error = await rejection<RpcError>(client.call('ArithService.Divide', { a: 1, b: 0 }));
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: -32000, message: 'division by zero', data: { a: 1 } });
    await client.notify('ArithService.Add', { a: 1, b: 1 });
    const results = await client.batch([
      { method: 'ArithService.Add', params: { a: 1, b: 2 } },
      { method: 'ArithService.Add', params: { a: 0, b: 0 }, notify: true },
      { method: 'ArithService.Nope' },
    ]);
    expect(results[0]).toEqual({ ok: true, value: { result: 3 } });
    expect(results[1]).toBeUndefined();
    expect(results[2]).toMatchObject({ ok: false, error: { code: -32601 } });
    const proxy = client.service<ArithService>('ArithService');
    await expect(proxy.Add({ a: 2, b: 3 })).resolves.toEqual({ result: 5 });
    await expect(
      client.batch([{ method: 'ArithService.Add', params: { a: 0, b: 0 }, notify: true }]),
    ).resolves.toEqual([undefined]);
    await until(() => arith.executions === 5);
    expect(client.stats()).toMatchObject({ dropped: 0, connections: { dialled: 1 } });
  });

  it('answers 10,000 concurrent calls correctly', async () => {
    const { port, server } = await serve();
    const client = connect(port);
    const calls = Array.from({ length: 10_000 }, (_, i) =>
      client.call<{ result: number }>('ArithService.Add', { a: i, b: i }),
    );
    const results = await Promise.all(calls);
    expect(results.every((r, i) => r.result === 2 * i)).toBe(true);
    expect(client.stats()).toMatchObject({ pending: 0, settled: 10_000, dropped: 0 });
    expect(server.stats().connections.total).toBeLessThanOrEqual(
      client.stats().connections.dialled,
    );
  });

  it('keeps the connection healthy after a timeout and an abort', async () => {
    const { port, arith, server } = await serve();
    const client = connect(port);
    // Connect first, so the 30 ms deadline below does not cover dialling.
    await expect(client.call('ArithService.Add', { a: 0, b: 0 })).resolves.toEqual({ result: 0 });
    const timedOut = await rejection<TimeoutError>(
      client.call('ArithService.Slow', { n: 1 }, { timeout: 30 }),
    );
    expect(timedOut).toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const aborted = client.call('ArithService.Slow', { n: 2 }, { signal: controller.signal });
    await until(() => arith._waiting() === 2);
    controller.abort('enough');
    await expect(aborted).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED', cause: 'enough' });
    arith._release();
    await until(() => client.stats().dropped === 2);
    await expect(client.call('ArithService.Add', { a: 1, b: 1 })).resolves.toEqual({ result: 2 });
    expect(client.stats().connections).toMatchObject({ active: 1, dialled: 1 });
    expect(server.stats().connections.total).toBe(1);
  });

  it('fails calls in flight with ConnectionError when the server is killed, without retrying them', async () => {
    const { port, arith, server } = await serve();
    const client = connect(port);
    const calls = Array.from({ length: 5 }, (_, n) =>
      rejection<ConnectionError>(client.call('ArithService.Slow', { n })),
    );
    await until(() => arith._waiting() === 5);
    await server.close({ timeout: 0 });
    for (const error of await Promise.all(calls)) {
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.sent).toBe(true);
    }
    expect(arith.executions).toBe(5);
    expect(client.stats().retries).toBe(0);
  });

  it('reconnects after the server restarts on the same port', async () => {
    const first = await serve();
    const client = connect(first.port);
    await expect(client.call('ArithService.Add', { a: 1, b: 1 })).resolves.toEqual({ result: 2 });
    await first.server.close();
    await until(() => client.stats().connections.active === 0);
    const second = await serve(first.port);
    const calls = Array.from({ length: 100 }, (_, i) =>
      client.call('ArithService.Add', { a: i, b: 0 }),
    );
    await expect(Promise.all(calls)).resolves.toEqual(
      Array.from({ length: 100 }, (_, i) => ({ result: i })),
    );
    expect(second.arith.executions).toBe(100);
    expect(client.stats().connections.dialled).toBe(2);
  });

  it('retries a refused dial until the server appears', async () => {
    const port = await freePort();
    const client = connect(port, { retryDelay: 20, maxRetryDelay: 100, maxRetries: 50 });
    const call = client.call('ArithService.Add', { a: 4, b: 5 });
    await until(() => client.stats().connections.dialErrors >= 1);
    const { arith } = await serve(port);
    await expect(call).resolves.toEqual({ result: 9 });
    expect(arith.executions).toBe(1);
  });

  it('loses no call in flight when closed', async () => {
    const { port, arith } = await serve();
    const client = connect(port);
    const calls = Array.from({ length: 20 }, (_, n) => client.call('ArithService.Slow', { n }));
    await until(() => arith._waiting() === 20);
    const closing = client.close();
    arith._release();
    await expect(Promise.all(calls)).resolves.toEqual(
      Array.from({ length: 20 }, (_, n) => ({ n })),
    );
    await closing;
  });

  it('never opens more than maxActive connections', async () => {
    const { port, server } = await serve();
    const client = connect(port, { maxActive: 4, pipelineThreshold: 2 });
    for (let wave = 0; wave < 5; wave++) {
      const calls = Array.from({ length: 400 }, (_, i) =>
        client.call('ArithService.Add', { a: wave, b: i }),
      );
      await Promise.all(calls);
    }
    expect(server.stats().connections.total).toBeGreaterThan(1);
    expect(server.stats().connections.total).toBeLessThanOrEqual(4);
  });
});

describe('Content-Length framing', () => {
  it('talks to a server that uses Content-Length framing', async () => {
    const server = createServer({ framing: 'content-length' });
    server.register(new ArithService(), { name: 'ArithService' });
    const { port } = (await server.listen({ port: 0, host: '127.0.0.1' })) as { port: number };
    onTestFinished(() => server.close({ timeout: 0 }));
    const client = connect(port, { framing: 'content-length' });
    const calls = Array.from({ length: 200 }, (_, i) =>
      client.call('ArithService.Echo', { text: `héllo ✓ 😀 ${i}` }),
    );
    await expect(Promise.all(calls)).resolves.toEqual(
      Array.from({ length: 200 }, (_, i) => ({ text: `héllo ✓ 😀 ${i}` })),
    );
    await client.notify('ArithService.Add', { a: 1, b: 2 });
    await expect(
      client.batch([{ method: 'ArithService.Add', params: { a: 1, b: 1 } }]),
    ).resolves.toEqual([{ ok: true, value: { result: 2 } }]);
    expect(client.stats().dropped).toBe(0);
  });
});

describe('Unix socket target', () => {
  it.skipIf(process.platform === 'win32')('calls a server listening on a socket path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rerpc-client-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'rpc.sock');
    const server = createServer();
    server.register(new ArithService(), { name: 'ArithService' });
    await server.listen({ path });
    onTestFinished(() => server.close({ timeout: 0 }));
    const client = connect({ path });
    await expect(client.call('ArithService.Add', { a: 20, b: 22 })).resolves.toEqual({
      result: 42,
    });
  });
});
