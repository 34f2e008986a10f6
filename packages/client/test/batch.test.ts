import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RpcError, TimeoutError } from '../src/index.js';
import { connect, lineServer, rejection, setup } from './helpers.js';

describe('batch', () => {
  it('sends one array and aligns results, errors and notifications with the items', async () => {
    const logged: unknown[] = [];
    const { client, server } = await setup({
      handlers: {
        'ArithService.Add': (p) => {
          const { a, b } = p as { a: number; b: number };
          return { result: a + b };
        },
        'Log.write': (p) => logged.push(p),
      },
    });
    const results = await client.batch([
      { method: 'ArithService.Add', params: { a: 1, b: 2 } },
      { method: 'Log.write', params: ['x'], notify: true },
      { method: 'NoSuch.Method' },
      { method: 'ArithService.Add', params: { a: 3, b: 4 } },
    ]);
    expect(server.lines).toEqual([
      '[{"jsonrpc":"2.0","method":"ArithService.Add","params":{"a":1,"b":2},"id":1},' +
        '{"jsonrpc":"2.0","method":"Log.write","params":["x"]},' +
        '{"jsonrpc":"2.0","method":"NoSuch.Method","id":2},' +
        '{"jsonrpc":"2.0","method":"ArithService.Add","params":{"a":3,"b":4},"id":3}]',
    ]);
    expect(results[0]).toEqual({ ok: true, value: { result: 3 } });
    expect(results[1]).toBeUndefined();
    expect(results[2]).toMatchObject({ ok: false, error: { code: -32601 } });
    expect((results[2] as { error: unknown }).error).toBeInstanceOf(RpcError);
    expect(results[3]).toEqual({ ok: true, value: { result: 7 } });
    expect(results).toHaveLength(4);
    expect(logged).toEqual([['x']]);
  });

  it('resolves an all-notification batch once written (nothing answers it)', async () => {
    const logged: unknown[] = [];
    const { client, server } = await setup({ handlers: { 'Log.write': (p) => logged.push(p) } });
    const results = await client.batch([
      { method: 'Log.write', params: [1], notify: true },
      { method: 'Log.write', params: [2], notify: true },
    ]);
    expect(results).toEqual([undefined, undefined]);
    await client.call('Log.write', [3]);
    expect(server.lines[0]).toBe(
      '[{"jsonrpc":"2.0","method":"Log.write","params":[1]},{"jsonrpc":"2.0","method":"Log.write","params":[2]}]',
    );
    expect(logged).toHaveLength(3);
    expect(logged).toEqual(expect.arrayContaining([[1], [2], [3]]));
  });

  it('runs many batches and single calls at once on one connection', async () => {
    const { client } = await setup();
    const work = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? client.batch([
            { method: 'ArithService.Add', params: { a: i, b: 1 } },
            { method: 'ArithService.Multiply', params: { a: i, b: 2 } },
          ])
        : client.call('ArithService.Add', { a: i, b: 0 }),
    );
    const results = await Promise.all(work);
    results.forEach((r, i) => {
      if (i % 2 === 0) {
        expect(r).toEqual([
          { ok: true, value: { result: i + 1 } },
          { ok: true, value: { result: i * 2 } },
        ]);
      } else {
        expect(r).toEqual({ result: i });
      }
    });
  });

  it('fills a request the reply array left out with a -32603 error', async () => {
    const server = createServer((socket) => {
      socket.setEncoding('utf8');
      socket.on('data', (text: string) => {
        const batch = JSON.parse(text) as Array<{ id: number }>;
        socket.write(`[{"jsonrpc":"2.0","result":"first","id":${batch[0]!.id}}]\n`);
      });
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;
    const client = connect(port);
    const results = await client.batch([{ method: 'A.a' }, { method: 'A.b' }]);
    expect(results[0]).toEqual({ ok: true, value: 'first' });
    expect(results[1]).toMatchObject({ ok: false, error: { code: -32603 } });
    expect((results[1] as { error: RpcError }).error.message).toBe(
      "Internal error: the server's batch reply had no response for this request",
    );
  });

  it('a reply array that leaves a request out leaves the calls around the batch on that connection awaiting their answers', async () => {
    // One connection: the call before the batch has the id just below its first, the call
    // after it the id just past its last.
    let seen: unknown[] = [];
    const { port } = await lineServer((socket, message) => {
      seen.push(message);
      if (seen.length < 3) return;
      const [before, batch, after] = seen as [
        { id: number },
        Array<{ id: number }>,
        { id: number },
      ];
      seen = [];
      socket.write(`[{"jsonrpc":"2.0","result":"a","id":${batch[0]!.id}}]\n`);
      socket.write(`{"jsonrpc":"2.0","result":"before","id":${before.id}}\n`);
      socket.write(`{"jsonrpc":"2.0","result":"after","id":${after.id}}\n`);
    });
    const client = connect(port, { maxActive: 1, timeout: 2000 });
    const before = client.call('T.before');
    const batch = client.batch([{ method: 'A.a' }, { method: 'A.b' }]);
    const after = client.call('T.after');
    expect(await batch).toMatchObject([
      { ok: true, value: 'a' },
      { ok: false, error: { code: -32603 } },
    ]);
    expect(await before).toBe('before');
    expect(await after).toBe('after');
    expect(client.stats()).toMatchObject({ settled: 3, dropped: 0 });
  });

  it('takes an answer with "error": null beside its result (as JSON-RPC 1.0 servers write) as a result', async () => {
    const { port } = await lineServer((socket, message) => {
      const ids = (message as Array<{ id: number }>).map(({ id }) => id);
      socket.write(`[${ids.map((id) => `{"result":${id},"error":null,"id":${id}}`).join(',')}]\n`);
    });
    const client = connect(port);
    const results = await client.batch([{ method: 'A.a' }, { method: 'A.b' }]);
    expect(results).toEqual([
      { ok: true, value: 1 },
      { ok: true, value: 2 },
    ]);
  });

  it('settles a batch whose answers come one by one, outside an array, only once all have come', async () => {
    let first = 0;
    const { port } = await lineServer((socket, message) => {
      if (Array.isArray(message)) {
        // The second request's answer now; the first's once T.go arrives.
        first = (message[0] as { id: number }).id;
        socket.write(`{"jsonrpc":"2.0","result":"b","id":${first + 1}}\n`);
        return;
      }
      const { method, id } = message as { method: string; id: number };
      if (method === 'T.ping') socket.write(`{"jsonrpc":"2.0","result":"pong","id":${id}}\n`);
      else socket.write(`{"jsonrpc":"2.0","result":"a","id":${first}}\n`);
    });
    const client = connect(port);
    let settled = false;
    const batch = client.batch([{ method: 'A.a' }, { method: 'A.b' }]);
    void batch.then(() => {
      settled = true;
    });
    await expect(client.call('T.ping')).resolves.toBe('pong');
    expect(settled).toBe(false);
    await client.notify('T.go');
    await expect(batch).resolves.toEqual([
      { ok: true, value: 'a' },
      { ok: true, value: 'b' },
    ]);
    expect(client.stats()).toMatchObject({ settled: 3, dropped: 0 });
  });

  it('settles every batch one reply array answers, whichever batches its answers belong to', async () => {
    const held: Array<{ id: number }> = [];
    const { port } = await lineServer((socket, message) => {
      held.push(...(message as Array<{ id: number }>));
      if (held.length < 4) return;
      // One array: the second batch's answers between the first's.
      const order = [held[0]!, held[2]!, held[3]!, held[1]!];
      socket.write(
        `[${order.map((m) => `{"jsonrpc":"2.0","result":${m.id},"id":${m.id}}`).join(',')}]\n`,
      );
    });
    const client = connect(port);
    const first = client.batch([{ method: 'A.a' }, { method: 'A.b' }]);
    const second = client.batch([{ method: 'A.c' }, { method: 'A.d' }]);
    await expect(Promise.all([first, second])).resolves.toEqual([
      [
        { ok: true, value: 1 },
        { ok: true, value: 2 },
      ],
      [
        { ok: true, value: 3 },
        { ok: true, value: 4 },
      ],
    ]);
    expect(client.stats()).toMatchObject({ settled: 2, dropped: 0 });
  });

  it('times out against a server without batches (Go rerpc answers -32700 with id null, which is dropped)', async () => {
    const { client } = await setup({ noBatches: true });
    // Connect first, so the 50 ms deadline below does not cover dialling.
    await client.call('ArithService.Add', { a: 0, b: 0 });
    const error = await rejection<TimeoutError>(
      client.batch([{ method: 'ArithService.Add', params: { a: 1, b: 2 } }], { timeout: 50 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(client.stats().dropped).toBe(1);
  });

  it('rejects an empty batch or a bad item with TypeError', async () => {
    const { client, server } = await setup();
    await expect(client.batch([])).rejects.toThrow('items must be a non-empty array');
    await expect(client.batch([{ method: 7 as never }])).rejects.toThrow(
      'items[0].method must be a non-empty string, got 7',
    );
    for (const [item, shown] of [
      [null, 'null'],
      [42, '42'],
      ['A.b', '"A.b"'],
    ] as const) {
      const error = await rejection(client.batch([{ method: 'A.a' }, item as never]));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(`items[1] must be an object, got ${shown}`);
    }
    expect(server.lines).toEqual([]);
  });
});
