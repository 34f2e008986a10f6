// The client's http(s):// and ws(s):// targets against @rerpc/server's own HTTP + WebSocket
// transport (one port), on loopback: the same calls as over TCP, its status codes, TLS, and a
// graceful close() with calls in flight.
import { createServer, type ServerOptions } from '@rerpc/server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type ConnectionError, HttpStatusError, RpcError } from '../src/index.js';
import { until } from './fixtures/raw-server.js';
import { connect, rejection, tlsFixture } from './helpers.js';

const tls = tlsFixture();

class Arith {
  executions = 0;
  notes = 0;
  private waiting: Array<() => void> = [];

  Add(args: { a: number; b: number }): { result: number } {
    this.executions += 1;
    return { result: args.a + args.b };
  }

  Note(): void {
    this.notes += 1;
  }

  Divide(args: { a: number; b: number }): number {
    if (args.b === 0) throw new RpcError(-32000, 'division by zero');
    return args.a / args.b;
  }

  async Slow(args: { n: number }): Promise<number> {
    this.executions += 1;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return args.n;
  }

  _release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  _waiting(): number {
    return this.waiting.length;
  }
}

async function serve(
  options: ServerOptions = {},
  secure = false,
  port = 0,
): Promise<{ server: ReturnType<typeof createServer>; arith: Arith; port: number }> {
  const server = createServer(options);
  const arith = new Arith();
  server.register(arith, { name: 'Arith' });
  const listen = { transport: 'http' as const, port, host: '127.0.0.1' };
  const address = (await server.listen(secure ? { ...listen, tls } : listen)) as { port: number };
  onTestFinished(() => server.close({ timeout: 0 }));
  return { server, arith, port: address.port };
}

const schemes = [
  ['http', false],
  ['ws', false],
  ['https', true],
  ['wss', true],
] as const;

describe('against @rerpc/server over HTTP and WebSocket', () => {
  it.each(schemes)('%s://: calls, notifies, batches and proxies', async (scheme, secure) => {
    const { port, arith } = await serve({}, secure);
    const client = connect(
      `${scheme}://127.0.0.1:${port}/`,
      secure ? { tls: { ca: tls.cert } } : {},
    );
    expect(await client.call('Arith.Add', { a: 1, b: 2 })).toEqual({ result: 3 });
    await client.notify('Arith.Note');
    const results = await client.batch([
      { method: 'Arith.Add', params: { a: 2, b: 2 } },
      { method: 'Arith.Note', notify: true },
      { method: 'Arith.Divide', params: { a: 1, b: 0 } },
    ]);
    expect(results[0]).toEqual({ ok: true, value: { result: 4 } });
    expect(results[1]).toBeUndefined();
    expect(results[2]).toMatchObject({ ok: false, error: { code: -32000 } });
    await expect(client.batch([{ method: 'Arith.Note', notify: true }])).resolves.toEqual([
      undefined,
    ]);
    const proxy = client.service<Arith>('Arith');
    expect(await proxy.Add({ a: 5, b: 5 })).toEqual({ result: 10 });
    await until(() => arith.notes === 3);
    const error = await rejection(client.call('Arith.Divide', { a: 1, b: 0 }));
    expect(error).toBeInstanceOf(RpcError);
    const sums = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.call('Arith.Add', { a: i, b: 0 })),
    );
    expect(sums).toEqual(Array.from({ length: 50 }, (_, i) => ({ result: i })));
  });

  it.each(['http', 'ws'])(
    '%s:// with autoBatch: one tick of calls in one batch, each answered',
    async (scheme) => {
      const { port, server } = await serve();
      const client = connect(`${scheme}://127.0.0.1:${port}/`, { autoBatch: 100 });
      const sums = await Promise.all(
        Array.from({ length: 100 }, (_, i) => client.call('Arith.Add', { a: i, b: 1 })),
      );
      expect(sums).toEqual(Array.from({ length: 100 }, (_, i) => ({ result: i + 1 })));
      expect(server.stats().calls).toMatchObject({ total: 100 });
    },
  );

  it('http://: a request over maxMessageBytes is HTTP 413: HttpStatusError, not run', async () => {
    const { port, arith } = await serve({ maxMessageBytes: 1000 });
    const client = connect(`http://127.0.0.1:${port}/`);
    const error = await rejection<HttpStatusError>(
      client.call('Arith.Add', { a: 1, b: 2, pad: 'x'.repeat(2000) }),
    );
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error).toMatchObject({ status: 413, sent: false });
    expect(arith.executions).toBe(0);
    expect(await client.call('Arith.Add', { a: 1, b: 2 })).toEqual({ result: 3 });
  });

  it.each([
    ['http', 0],
    ['ws', 0],
    ['ws', 10],
  ])(
    '%s:// (autoBatch %d): close() answers the call in flight; a call made meanwhile is not run; a new server on the port is found',
    async (scheme, autoBatch) => {
      const { server, arith, port } = await serve();
      const client = connect(`${scheme}://127.0.0.1:${port}/`, {
        retryDelay: 1,
        maxRetries: 2,
        autoBatch,
      });
      expect(await client.call('Arith.Add', { a: 0, b: 0 })).toEqual({ result: 0 });
      const slow = client.call('Arith.Slow', { n: 7 });
      await until(() => arith._waiting() === 1);
      const closing = server.close();
      // Two calls in one tick: with autoBatch, one batch the closing server refuses item by item.
      const refused = await Promise.all([
        rejection<ConnectionError | HttpStatusError>(client.call('Arith.Add', { a: 1, b: 1 })),
        rejection<ConnectionError | HttpStatusError>(client.call('Arith.Add', { a: 2, b: 2 })),
      ]);
      for (const error of refused) expect(error).toMatchObject({ sent: false });
      expect(arith.executions).toBe(2);
      arith._release();
      expect(await slow).toBe(7);
      await closing;
      const next = await serve({}, false, port);
      expect(await client.call('Arith.Add', { a: 2, b: 3 })).toEqual({ result: 5 });
      expect(next.arith.executions).toBe(1);
    },
  );
});
