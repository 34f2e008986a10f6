// Issue 11, client side: the close handshake with a shutting-down server (-32002 means "not
// run"), and plain-JavaScript misuse failing loudly.
import type { Socket } from 'node:net';
import { optionErrorLike, thrown } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { ConnectionError, createClient, RpcError } from '../src/index.js';
import { Fail, until } from './fixtures/raw-server.js';
import { connect, gate, rejection, setup } from './helpers.js';

describe('close handshake: -32002 and the FIN after it', () => {
  // With maxActive 1 the retired connection, still carrying T.wait, must not hold up the new one.
  it.each([
    ['default maxActive', {}],
    ['maxActive 1', { maxActive: 1 }],
  ])(
    'retries a call answered -32002 on a new connection, retires the old one and closes it once its calls settle (%s)',
    async (_name, clientOptions) => {
      const g = gate();
      const ranOn: Socket[] = [];
      const { client, server } = await setup(
        {
          handlers: {
            'T.wait': g.handler,
            'T.add': (p, { socket }) => {
              ranOn.push(socket);
              const [a, b] = p as [number, number];
              return a + b;
            },
          },
        },
        clientOptions,
      );
      const first = client.call('T.wait', ['first']);
      await until(() => g.started === 1);
      const [old] = server.sockets;
      server.shutdownConnections(Number.POSITIVE_INFINITY);
      // Not idempotent, yet retried: the server said it did not run it.
      await expect(client.call('T.add', [1, 2])).resolves.toBe(3);
      expect(server.accepted).toBe(2);
      expect(ranOn).toHaveLength(1);
      expect(ranOn[0]).not.toBe(old);
      // The retired connection takes no new call, but still carries the call running on it.
      await expect(client.call('T.add', [2, 2])).resolves.toBe(4);
      expect(ranOn[1]).toBe(ranOn[0]);
      expect(client.stats()).toMatchObject({ retries: 1, connections: { active: 1 } });
      g.releaseAll();
      await expect(first).resolves.toEqual(['first']);
      // Once its last call settled, the client closed it.
      await until(() => server.sockets.size === 1 && !server.sockets.has(old!));
      expect(server.executions.get('T.wait')).toBe(1);
    },
  );

  it('retires every connection to the server on its first -32002, so the retry dials afresh', async () => {
    const g = gate();
    const { client, server } = await setup(
      { handlers: { 'T.wait': g.handler, 'T.one': () => 1 } },
      { maxActive: 3, pipelineThreshold: 1 },
    );
    // Two calls at once open two connections; both stay open and idle afterwards.
    const both = [client.call('T.wait', ['a']), client.call('T.wait', ['b'])];
    await until(() => g.started === 2);
    g.releaseAll();
    await Promise.all(both);
    expect(server.accepted).toBe(2);
    server.shutdownConnections(Number.POSITIVE_INFINITY);
    // Refused on one old connection: the other old one leads to the same closing server, so the
    // retry goes to a new connection, not to it (which would be refused too, or cross its FIN).
    await expect(client.call('T.one', [])).resolves.toBe(1);
    expect(client.stats().retries).toBe(1);
    expect(server.accepted).toBe(3);
    expect(server.executions.get('T.one')).toBe(1);
  });

  it('retries the calls still pending when the FIN follows a -32002: they did not run', async () => {
    const { client, server } = await setup();
    await client.call('ArithService.Add', { a: 0, b: 0 });
    // The first request read is refused, then the FIN: the other two cross it, unread.
    server.shutdownConnections(1);
    const calls = [1, 2, 3].map((a) => client.call('ArithService.Add', { a, b: 10 }));
    await expect(Promise.all(calls)).resolves.toEqual([
      { result: 11 },
      { result: 12 },
      { result: 13 },
    ]);
    expect(server.executions.get('ArithService.Add')).toBe(4);
    expect(client.stats()).toMatchObject({ retries: 3, errors: { connection: 0 } });
  });

  it('keeps "may have run" (sent: true, not retried) for calls pending at a FIN with no -32002 before it', async () => {
    const { client, server } = await setup();
    await client.call('ArithService.Add', { a: 0, b: 0 });
    server.shutdownConnections(0);
    const errors = await Promise.all(
      [1, 2].map((a) => rejection<ConnectionError>(client.call('ArithService.Add', { a, b: 1 }))),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.sent).toBe(true);
      expect(error.message).toContain('may have run');
    }
    expect(client.stats().retries).toBe(0);
  });

  it('says the call did not run when -32002 leaves no retry (ConnectionError, sent: false, cause the RpcError)', async () => {
    const { client, server } = await setup({}, { maxRetries: 0 });
    await client.call('ArithService.Add', { a: 0, b: 0 });
    server.shutdownConnections(Number.POSITIVE_INFINITY);
    const error = await rejection<ConnectionError>(client.call('ArithService.Add', { a: 1, b: 1 }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.sent).toBe(false);
    expect(error.message).toMatch(
      /is shutting down and did not run the call \(it answered -32002 "Server is shutting down"\)/,
    );
    expect(error.cause).toBeInstanceOf(RpcError);
    expect(error.cause).toMatchObject({ code: -32002 });
    expect(server.executions.get('ArithService.Add')).toBe(1);
  });

  it('says the calls pending at the FIN after a -32002 did not run, when no retry is left', async () => {
    const { client, server } = await setup({}, { maxRetries: 0 });
    await client.call('ArithService.Add', { a: 0, b: 0 });
    server.shutdownConnections(1);
    const errors = await Promise.all(
      [1, 2, 3].map((a) =>
        rejection<ConnectionError>(client.call('ArithService.Add', { a, b: 1 })),
      ),
    );
    expect(errors.map((e) => [e.constructor, e.sent])).toEqual([
      [ConnectionError, false],
      [ConnectionError, false],
      [ConnectionError, false],
    ]);
    expect(errors[0]!.message).toContain('(it answered -32002 "Server is shutting down")');
    for (const error of errors.slice(1)) {
      expect(error.message).toMatch(
        /is shutting down and did not run the call \(the server closed the connection after answering -32002, shutting down\)/,
      );
    }
    expect(server.executions.get('ArithService.Add')).toBe(1);
  });

  it('resolves a batch the server refused in part, and retires the connection', async () => {
    const { client, server } = await setup({
      handlers: {
        'T.refused': () => {
          throw new Fail({ code: -32002, message: 'Server is shutting down' });
        },
        'T.seven': () => 7,
      },
    });
    await client.call('T.seven');
    const results = await client.batch([{ method: 'T.refused' }, { method: 'T.seven' }]);
    expect(results[0]).toMatchObject({ ok: false, error: { code: -32002 } });
    expect(results[1]).toEqual({ ok: true, value: 7 });
    expect(client.stats().retries).toBe(0);
    // Retired: the next call dials a new connection.
    await expect(client.call('T.seven')).resolves.toBe(7);
    expect(server.accepted).toBe(2);
  });

  it('says the call did not run when the retries after a -32002 find no server', async () => {
    const { client, server } = await setup({}, { maxRetries: 2, retryDelay: 1, maxRetryDelay: 2 });
    await client.call('ArithService.Add', { a: 0, b: 0 });
    server.shutdownConnections(Number.POSITIVE_INFINITY);
    server.stopAccepting();
    const error = await rejection<ConnectionError>(client.call('ArithService.Add', { a: 1, b: 1 }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.sent).toBe(false);
    expect(error.message).toMatch(/Could not reach .* so the call did not run/);
    expect(client.stats()).toMatchObject({ retries: 2, connections: { dialErrors: 2 } });
    expect(server.executions.get('ArithService.Add')).toBe(1);
  });

  it('retries a batch the server refused whole', async () => {
    const { client, server } = await setup();
    await client.call('ArithService.Add', { a: 0, b: 0 });
    server.shutdownConnections(1);
    const results = await client.batch([
      { method: 'ArithService.Add', params: { a: 1, b: 1 } },
      { method: 'ArithService.Add', params: { a: 2, b: 2 }, notify: true },
      { method: 'ArithService.Add', params: { a: 3, b: 3 } },
    ]);
    expect(results).toEqual([
      { ok: true, value: { result: 2 } },
      undefined,
      { ok: true, value: { result: 6 } },
    ]);
    expect(server.executions.get('ArithService.Add')).toBe(4);
    expect(client.stats().retries).toBe(1);
  });
});

describe('plain-JavaScript misuse fails loudly', () => {
  const target = { host: '127.0.0.1', port: 1 };

  it('rejects an unknown createClient() option, with a did-you-mean', () => {
    expect(thrown(() => createClient(target, { retries: 2 } as never))).toEqual(
      optionErrorLike('createClient() options has no option "retries"; did you mean "maxRetries"?'),
    );
    expect(thrown(() => createClient(target, { idle: 1 } as never))).toEqual(
      optionErrorLike('createClient() options has no option "idle"'),
    );
  });

  it('rejects a target with an unknown key, or with both a path and a port', () => {
    expect(thrown(() => createClient({ host: '127.0.0.1', prot: 4000 } as never))).toEqual(
      optionErrorLike('createClient() target has no option "prot"; did you mean "port"?'),
    );
    expect(thrown(() => createClient({ path: '/tmp/x.sock', port: 4000 } as never))).toEqual(
      optionErrorLike('target must be { host, port } or { path }, not both'),
    );
  });

  it('rejects unknown per-call, notify, batch, proxy and close options without sending', async () => {
    const { client, server } = await setup();
    await expect(client.call('A.b', [], { timeOut: 5 } as never)).rejects.toEqual(
      optionErrorLike('call() options has no option "timeOut"; did you mean "timeout"?'),
    );
    await expect(client.notify('A.b', [], { sginal: null } as never)).rejects.toEqual(
      optionErrorLike('notify() options has no option "sginal"; did you mean "signal"?'),
    );
    await expect(client.batch([{ method: 'A.b' }], { idempotant: true } as never)).rejects.toEqual(
      optionErrorLike('batch() options has no option "idempotant"; did you mean "idempotent"?'),
    );
    await expect(
      client.service<{ Add(p: object): number }>('ArithService').Add({}, { timeOut: 5 } as never),
    ).rejects.toEqual(optionErrorLike('call() options has no option "timeOut"'));
    await expect(client.batch([{ method: 'A.b', parms: [1] } as never])).rejects.toEqual(
      optionErrorLike('batch() items[0] has no option "parms"; did you mean "params"?'),
    );
    await expect(client.close({ timeOut: 5 } as never)).rejects.toEqual(
      optionErrorLike('close() options has no option "timeOut"; did you mean "timeout"?'),
    );
    expect(server.lines).toEqual([]);
    // close() with a bad option did not close.
    await expect(client.call('ArithService.Add', { a: 1, b: 1 })).resolves.toEqual({ result: 2 });
  });

  it('says when a limit it blames is a default the user never set, and what to set with it', () => {
    expect(thrown(() => createClient(target, { retryDelay: 5000 }))).toEqual(
      optionErrorLike(
        'retryDelay must be <= maxRetryDelay, which is 1000 by default, got 5000; set maxRetryDelay too',
      ),
    );
    expect(thrown(() => createClient(target, { maxRetryDelay: 10 }))).toEqual(
      optionErrorLike(
        'maxRetryDelay must be >= retryDelay, which is 50 by default, got 10; set retryDelay too',
      ),
    );
    expect(thrown(() => createClient(target, { retryDelay: 100, maxRetryDelay: 50 }))).toEqual(
      optionErrorLike('maxRetryDelay must be >= retryDelay (100), got 50'),
    );
  });

  it('gives a ConnectionError message that names the address once and says why once', async () => {
    const { freePort } = await import('./helpers.js');
    const port = await freePort();
    const client = connect(port, { maxRetries: 0 });
    const error = await rejection<ConnectionError>(client.call('A.b'));
    expect(error.message).toBe(
      `Could not reach 127.0.0.1:${port} (ECONNREFUSED), so the call did not run; check that the server is running and listening there, or raise maxRetries / timeout to wait for it longer`,
    );
    expect(error.cause).toMatchObject({ code: 'RERPC_ERR_DIAL' });
  });

  it('rejects params that cannot be encoded with a TypeError naming the method', async () => {
    const { client, server } = await setup();
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    const bigint = await rejection<TypeError>(client.call('ArithService.Add', { a: 1n, b: 2 }));
    expect(bigint).toBeInstanceOf(TypeError);
    expect(bigint.message).toMatch(
      /^the params of ArithService\.Add cannot be encoded as JSON \(Do not know how to serialize a BigInt\)/,
    );
    expect(bigint.cause).toBeInstanceOf(TypeError);
    await expect(client.notify('Log.write', cycle)).rejects.toThrow(
      /^the params of Log\.write cannot be encoded as JSON \(Converting circular structure to JSON\);/,
    );
    await expect(
      client.batch([{ method: 'A.ok' }, { method: 'A.big', params: [1n] }]),
    ).rejects.toThrow(/^the params of items\[1\] \(A\.big\) cannot be encoded as JSON/);
    expect(server.lines).toEqual([]);
  });
});

describe('answers nested deeper than a server accepts', () => {
  it('reads a result nested 1,000 deep (the codec limit guards servers, not the client)', async () => {
    const deep = JSON.parse(`${'['.repeat(1000)}${']'.repeat(1000)}`) as unknown;
    const { client } = await setup({ handlers: { 'T.deep': () => deep } });
    await expect(client.call('T.deep', [])).resolves.toEqual(deep);
  });
});
