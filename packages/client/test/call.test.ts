import { Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ConnectionError, createClient, RpcError } from '../src/index.js';
import { until } from './fixtures/raw-server.js';
import { rejection, setup } from './helpers.js';

describe('call', () => {
  it('resolves with the result the server answered', async () => {
    const { client } = await setup();
    await expect(client.call('ArithService.Add', { a: 10, b: 20 })).resolves.toEqual({
      result: 30,
    });
  });

  it('writes the Go rerpc request bytes, ids counting up from 1, params omitted when undefined', async () => {
    const { server, client } = await setup({ handlers: { 'A.b': () => 1 } });
    await client.call('A.b', { a: 10, b: 20 });
    await client.call('A.b');
    await client.call('A.b', [1, 2]);
    expect(server.lines).toEqual([
      '{"jsonrpc":"2.0","method":"A.b","params":{"a":10,"b":20},"id":1}',
      '{"jsonrpc":"2.0","method":"A.b","id":2}',
      '{"jsonrpc":"2.0","method":"A.b","params":[1,2],"id":3}',
    ]);
  });

  it('encodes the request when called: params changed while it waits for a connection are not sent', async () => {
    const { client, server } = await setup({ handlers: { 'T.echo': (p) => p } });
    const params = { n: 1 };
    const call = client.call('T.echo', params); // no connection yet: it waits for the dial
    params.n = 2;
    await expect(call).resolves.toEqual({ n: 1 });
    expect(server.lines).toEqual(['{"jsonrpc":"2.0","method":"T.echo","params":{"n":1},"id":1}']);
  });

  it('rejects with RpcError carrying the code, message and data of the answer', async () => {
    const { client } = await setup();
    const error = await rejection<RpcError>(client.call('ArithService.Divide', { a: 1, b: 0 }));
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({
      code: -32603,
      message: 'Internal error',
      data: 'division by zero',
    });
    const missing = await rejection<RpcError>(client.call('NoSuch.Method', { a: 1, b: 2 }));
    expect(missing).toMatchObject({ code: -32601, data: 'service NoSuch not found' });
    expect(client.stats().errors.rpc).toBe(2);
  });

  it('matches answers to calls by id when they come back out of order', async () => {
    const order: Array<() => void> = [];
    const { client } = await setup({
      handlers: {
        'T.wait': (p) =>
          new Promise((resolve) => order.push(() => resolve((p as { n: number }).n))),
      },
    });
    const calls = [1, 2, 3, 4, 5].map((n) => client.call('T.wait', { n }));
    await until(() => order.length === 5);
    for (const release of order.reverse()) release();
    await expect(Promise.all(calls)).resolves.toEqual([1, 2, 3, 4, 5]);
  });

  it('writes the calls made in one tick with one socket write', async () => {
    const { server, client } = await setup({ handlers: { 'T.n': (p) => p } });
    await client.call('T.n', [0]); // connect first
    const write = vi.spyOn(Socket.prototype, 'write');
    onTestFinished(() => write.mockRestore());
    const calls = Array.from({ length: 100 }, (_, i) => client.call('T.n', [i]));
    await expect(Promise.all(calls)).resolves.toEqual(Array.from({ length: 100 }, (_, i) => [i]));
    const fromClient = write.mock.contexts.filter(
      (socket) => (socket as Socket).remotePort === server.port,
    );
    expect(fromClient).toHaveLength(1);
  });

  it('rejects at once with TypeError for a bad method or params, sending nothing', async () => {
    const { server, client } = await setup();
    const message = async (promise: Promise<unknown>) => {
      const error = await rejection(promise);
      expect(error).toBeInstanceOf(TypeError);
      return error.message;
    };
    expect(await message(client.call(42 as never))).toBe(
      'method must be a non-empty string, got 42',
    );
    expect(await message(client.call(''))).toBe('method must be a non-empty string, got ""');
    for (const [params, shown] of [
      ['x', '"x"'],
      [7, '7'],
      [null, 'null'],
      [false, 'false'],
    ] as const) {
      expect(await message(client.call('A.b', params as never))).toBe(
        `params must be an array, an object or undefined, got ${shown}`,
      );
    }
    await expect(client.call('A.b', { big: 1n })).rejects.toThrow(TypeError);
    expect(server.lines).toEqual([]);
  });
});

describe('notify', () => {
  it('resolves once written and sends no id', async () => {
    const seen: unknown[] = [];
    const { server, client } = await setup({ handlers: { 'Log.write': (p) => seen.push(p) } });
    await expect(client.notify('Log.write', { line: 'hi' })).resolves.toBeUndefined();
    await client.call('Log.write', { line: 'after' });
    expect(server.lines[0]).toBe('{"jsonrpc":"2.0","method":"Log.write","params":{"line":"hi"}}');
    expect(seen).toEqual([{ line: 'hi' }, { line: 'after' }]);
    expect(client.stats().dropped).toBe(0);
  });

  it('rejects a notification whose write failed with ConnectionError (sent: true)', async () => {
    const writable = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    const client = createClient({ readable: new PassThrough(), writable });
    onTestFinished(() => client.close({ timeout: 0 }));
    const error = await rejection<ConnectionError>(client.notify('Log.write', ['x']));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.sent).toBe(true);
    expect(error.message).toContain('(disk full)');
    expect(client.stats()).toMatchObject({ settled: 1, errors: { connection: 1 } });
  });

  it('rejects a notification aborted after it was queued with AbortError, settled once', async () => {
    const { client } = await setup({ handlers: { 'Log.write': () => null, 'T.n': (p) => p } });
    await client.call('T.n', [0]); // connect first
    const controller = new AbortController();
    const note = client.notify('Log.write', ['x'], { signal: controller.signal });
    controller.abort(); // the notification is queued for this tick's write
    await expect(note).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    // That write finished before the answer to this call came back.
    await client.call('T.n', [1]);
    expect(client.stats()).toMatchObject({ settled: 3, pending: 0, errors: { aborted: 1 } });
  });
});
