import { deferred } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConnectionError, HttpStatusError, RpcError } from '../src/index.js';
import { jaysonServer, statusServer } from './fixtures/http-servers.js';
import { startBlackhole, until } from './fixtures/raw-server.js';
import { connect, freePort, rejection } from './helpers.js';

describe('http:// targets against jayson 5.0.0', () => {
  it('calls, notifies (204), batches and proxies, each call or batch one POST', async () => {
    const server = await jaysonServer();
    const client = connect(`http://127.0.0.1:${server.port}/`);
    expect(await client.call('add', [1, 2])).toBe(3);
    await client.notify('note', []);
    const results = await client.batch([
      { method: 'add', params: [2, 3] },
      { method: 'note', params: [], notify: true },
      { method: 'fail', params: [] },
    ]);
    expect(results[0]).toEqual({ ok: true, value: 5 });
    expect(results[1]).toBeUndefined();
    expect((results[2] as { error: RpcError }).error).toMatchObject({ code: 42 });
    const error = await rejection(client.call('fail', []));
    expect(error).toBeInstanceOf(RpcError);
    expect(server.posts()).toBe(4);
    expect(server.runs.get('note')).toBe(2);
    expect(client.stats()).toMatchObject({ settled: 4, errors: { rpc: 1 } });
  });

  it('answers many concurrent calls over a few keep-alive connections', async () => {
    const server = await jaysonServer();
    const client = connect(`http://127.0.0.1:${server.port}/`, { maxActive: 4 });
    const sums = await Promise.all(
      Array.from({ length: 100 }, (_, i) => client.call('add', [i, 1])),
    );
    expect(sums).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const stats = client.stats().connections;
    expect(stats.dialled).toBeGreaterThan(0);
    expect(stats.dialled).toBeLessThanOrEqual(4);
  });

  it('fails an answer larger than maxMessageBytes with ConnectionError (sent)', async () => {
    const server = await jaysonServer();
    const client = connect(`http://127.0.0.1:${server.port}/`, { maxMessageBytes: 1000 });
    const error = await rejection<ConnectionError>(client.call('big', [5000]));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ sent: true });
    expect(error.message).toContain('maxMessageBytes');
    expect(await client.call('add', [1, 1])).toBe(2);
  });
});

describe('http:// targets: answer size', () => {
  it('counts a chunked answer (no Content-Length) against maxMessageBytes while it streams', async () => {
    const server = await statusServer((_req, res, body) => {
      const { id, params } = JSON.parse(body) as { id: number; params: number[] };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"jsonrpc":"2.0","id":${id},"result":"`);
      for (let i = 0; i < params[0]!; i++) res.write('x'.repeat(100));
      res.end('"}');
    });
    const client = connect(`http://127.0.0.1:${server.port}/`, { maxMessageBytes: 1000 });
    expect(await client.call('x', [2])).toBe('x'.repeat(200));
    const error = await rejection<ConnectionError>(client.call('x', [50]));
    expect(error).toMatchObject({ code: 'RERPC_ERR_CONNECTION', sent: true });
    expect(error.message).toContain('maxMessageBytes, 1000 bytes');
    expect(await client.call('x', [1])).toBe('x'.repeat(100));
  });
});

describe('http:// targets: connection failures', () => {
  it('a connect that does not finish within dialTimeout did not run the call: ConnectionError (not sent)', async () => {
    const blackhole = await startBlackhole();
    onTestFinished(() => blackhole.close());
    const client = connect(`http://127.0.0.1:${blackhole.port}/`, {
      dialTimeout: 50,
      maxRetries: 0,
    });
    const error = await rejection<ConnectionError>(client.call('add', [1]));
    expect(error).toMatchObject({ code: 'RERPC_ERR_CONNECTION', sent: false });
    expect(client.stats().connections.dialErrors).toBe(1);
  });

  it('a refused connection did not run the call: ConnectionError (not sent) after its retries', async () => {
    const port = await freePort();
    const client = connect(`http://127.0.0.1:${port}/`, { maxRetries: 2, retryDelay: 1 });
    const error = await rejection<ConnectionError>(client.call('add', [1]));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ sent: false });
    expect(error.message).toContain('ECONNREFUSED');
    expect(client.stats().retries).toBe(2);
  });

  it('a connection cut after the request was read may have run: ConnectionError (sent), not retried', async () => {
    const server = await statusServer((req) => req.socket.destroy());
    const client = connect(`http://127.0.0.1:${server.port}/`, { retryDelay: 1 });
    const error = await rejection<ConnectionError>(client.call('add', [1]));
    expect(error).toMatchObject({ code: 'RERPC_ERR_CONNECTION', sent: true });
    expect(server.bodies).toHaveLength(1);
  });
});

const answer = (status: number, headers: Record<string, string> = {}, body = '') =>
  statusServer((_req, res) => res.writeHead(status, headers).end(body));

describe('http:// targets: status codes', () => {
  it.each([
    [413, 'send fewer batch items or smaller params'],
    [415, 'Content-Type application/json'],
    [401, 'headers option'],
    [403, 'allow-lists'],
    [404, 'check the path'],
    [405, 'does not take POST'],
    [400, 'malformed'],
    [418, 'refused the request'],
  ])(
    'HTTP %i: HttpStatusError (not run, not retried) saying what to do',
    async (status, advice) => {
      const server = await answer(status);
      const client = connect(`http://127.0.0.1:${server.port}/rpc`, { retryDelay: 1 });
      const error = await rejection<HttpStatusError>(client.call('add', [1]));
      expect(error).toBeInstanceOf(HttpStatusError);
      expect(error).toMatchObject({ code: 'RERPC_ERR_HTTP_STATUS', status, sent: false });
      expect(error.message).toContain(
        `http://127.0.0.1:${server.port}/rpc answered HTTP ${status}`,
      );
      expect(error.message).toContain(advice);
      expect(server.bodies).toHaveLength(1);
      expect(client.stats().errors.http).toBe(1);
    },
  );

  it.each([500, 502, 504])(
    'HTTP %i: the call may have run: HttpStatusError (sent), not retried',
    async (status) => {
      const server = await answer(status);
      const client = connect(`http://127.0.0.1:${server.port}/`, { retryDelay: 1 });
      const error = await rejection<HttpStatusError>(client.call('add', [1]));
      expect(error).toMatchObject({ status, sent: true });
      expect(error.message).toContain('may have run');
      expect(server.bodies).toHaveLength(1);
    },
  );

  it('HTTP 500: an idempotent call is retried', async () => {
    const server = await answer(500);
    const client = connect(`http://127.0.0.1:${server.port}/`, { retryDelay: 1, maxRetries: 2 });
    const error = await rejection(client.call('add', [1], { idempotent: true }));
    expect(error).toMatchObject({ status: 500 });
    expect(server.bodies).toHaveLength(3);
  });

  it.each([503, 429])(
    'HTTP %i: not run, retried; succeeds once the server answers',
    async (status) => {
      let refusals = 2;
      const server = await statusServer((_req, res, body) => {
        if (refusals-- > 0) {
          res.writeHead(status).end();
          return;
        }
        const { id } = JSON.parse(body) as { id: number };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', result: 'ok', id }));
      });
      const client = connect(`http://127.0.0.1:${server.port}/`, { retryDelay: 1, maxRetries: 3 });
      expect(await client.call('add', [1])).toBe('ok');
      expect(server.bodies).toHaveLength(3);
      expect(client.stats().retries).toBe(2);
    },
  );

  it('HTTP 503 every time: HttpStatusError once maxRetries are spent, with Retry-After read', async () => {
    const server = await answer(503, { 'retry-after': '0' });
    const client = connect(`http://127.0.0.1:${server.port}/`, { retryDelay: 1, maxRetries: 2 });
    const error = await rejection<HttpStatusError>(client.call('add', [1]));
    expect(error).toMatchObject({ status: 503, sent: false, retryAfter: 0 });
    expect(error.message).toContain('draining');
    expect(server.bodies).toHaveLength(3);
  });

  it('HTTP 429 with a Retry-After past the deadline: fails at once instead of waiting', async () => {
    const server = await answer(429, { 'retry-after': '3600' });
    const client = connect(`http://127.0.0.1:${server.port}/`, { retryDelay: 1 });
    const error = await rejection<HttpStatusError>(client.call('add', [1], { timeout: 60_000 }));
    expect(error).toMatchObject({ status: 429, retryAfter: 3_600_000 });
    expect(server.bodies).toHaveLength(1);
  });

  it.each([
    ['204', 204, ''],
    ['an empty 200', 200, ''],
    ['a null 200', 200, 'null'],
  ])('a notification answered with %s resolves', async (_name, status, body) => {
    const server = await answer(status, {}, body);
    const client = connect(`http://127.0.0.1:${server.port}/`);
    await expect(client.notify('note', [])).resolves.toBeUndefined();
    await expect(client.batch([{ method: 'a', notify: true }])).resolves.toEqual([undefined]);
  });

  it('a call the 200 answer leaves out fails with RpcError -32603 (it may have run)', async () => {
    const server = await answer(200, {}, '');
    const client = connect(`http://127.0.0.1:${server.port}/`, { retryDelay: 1 });
    const error = await rejection<RpcError>(client.call('add', [1]));
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: -32603 });
    const results = await client.batch([{ method: 'a' }, { method: 'b' }]);
    expect(results.map((r) => r?.ok)).toEqual([false, false]);
    expect(server.bodies).toHaveLength(2);
  });

  it('sends POST with Content-Type and Accept application/json, and the headers option, to the target path', async () => {
    const seen: string[] = [];
    const auth: Array<string | undefined> = [];
    const server = await statusServer((req, res, body) => {
      seen.push(`${req.method} ${req.url} ${req.headers['content-type']} ${req.headers.accept}`);
      auth.push(req.headers.authorization);
      const { id } = JSON.parse(body) as { id: number };
      res.writeHead(200).end(JSON.stringify({ jsonrpc: '2.0', result: 1, id }));
    });
    const client = connect(`http://127.0.0.1:${server.port}/api/rpc?v=2`);
    expect(await client.call('add', [1])).toBe(1);
    expect(seen).toEqual(['POST /api/rpc?v=2 application/json application/json']);
    const authed = connect(`http://127.0.0.1:${server.port}/`, {
      headers: { Authorization: 'Bearer t0k3n', 'Content-Type': 'text/plain' },
    });
    expect(await authed.call('add', [1])).toBe(1);
    expect(seen[1]).toBe('POST / application/json application/json');
    expect(auth).toEqual([undefined, 'Bearer t0k3n']);
  });
});

describe('http:// targets: deadlines', () => {
  it('aborts the POST of a call that timed out, freeing its connection; a batch POST only once all its calls are gone', async () => {
    let closed = 0;
    let requests = 0;
    const batchRead = deferred();
    const server = await statusServer((req) => {
      req.socket.once('close', () => {
        closed += 1;
      });
      requests += 1;
      if (requests === 2) batchRead.resolve();
    });
    const client = connect(`http://127.0.0.1:${server.port}/`, { autoBatch: 10 });
    const error = await rejection(client.call('add', [1], { timeout: 50 }));
    expect(error).toMatchObject({ code: 'RERPC_ERR_TIMEOUT' });
    await until(() => closed === 1);
    const short = rejection(client.call('a', [], { timeout: 30 }));
    const controller = new AbortController();
    const long = rejection(client.call('b', [], { signal: controller.signal }));
    expect(await short).toMatchObject({ code: 'RERPC_ERR_TIMEOUT' });
    // a's 30 ms may end before the server has read the batch POST (a busy machine): wait for it.
    await batchRead.promise;
    expect(server.bodies).toHaveLength(2);
    expect(server.bodies[1]!.startsWith('[')).toBe(true);
    expect(closed).toBe(1); // the batch POST still carries b
    controller.abort();
    expect(await long).toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    await until(() => closed === 2);
  });

  it('does not send a call that settled while it was queued', async () => {
    const server = await statusServer((_req, res, body) => {
      const { id } = JSON.parse(body) as { id: number };
      res.writeHead(200).end(JSON.stringify({ jsonrpc: '2.0', result: id, id }));
    });
    const client = connect(`http://127.0.0.1:${server.port}/`);
    expect(await client.call('warm')).toBe(1);
    const controller = new AbortController();
    const aborted = rejection(client.call('x', [], { signal: controller.signal }));
    controller.abort(); // in the same tick: the call is still queued
    expect(await aborted).toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    expect(await client.call('y')).toBe(3);
    expect(server.bodies).toHaveLength(2);
  });

  it('does not retry an idempotent call aborted during its POST (the POST fails after it settled)', async () => {
    const server = await statusServer((_req, res, body) => {
      const { method, id } = JSON.parse(body) as { method: string; id: number };
      if (method === 'ok')
        res.writeHead(200).end(JSON.stringify({ jsonrpc: '2.0', result: 1, id }));
    });
    const client = connect(`http://127.0.0.1:${server.port}/`, { retryDelay: 1, maxRetryDelay: 2 });
    const controller = new AbortController();
    const aborted = rejection(
      client.call('hang', [], { signal: controller.signal, idempotent: true }),
    );
    await until(() => server.bodies.length === 1);
    controller.abort();
    expect(await aborted).toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    await expect(client.call('ok')).resolves.toBe(1);
    expect(client.stats()).toMatchObject({ retries: 0, settled: 2 });
    expect(server.bodies.map((b) => (JSON.parse(b) as { method: string }).method)).toEqual([
      'hang',
      'ok',
    ]);
  });

  it('times out a POST that gets no answer, and aborts one by its signal', async () => {
    const server = await statusServer(() => {}); // reads the body, never answers
    const client = connect(`http://127.0.0.1:${server.port}/`);
    const timedOut = await rejection(client.call('add', [1], { timeout: 50 }));
    expect(timedOut).toMatchObject({ code: 'RERPC_ERR_TIMEOUT' });
    const controller = new AbortController();
    const aborted = rejection(client.call('add', [2], { signal: controller.signal }));
    await until(() => server.bodies.length === 2);
    controller.abort();
    expect(await aborted).toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    await client.close({ timeout: 0 });
    expect(client.stats().pending).toBe(0);
  });
});

describe('http:// targets: autoBatch', () => {
  it('sends the calls and notifications of one tick as batch POSTs of up to autoBatch items', async () => {
    const server = await jaysonServer();
    const client = connect(`http://127.0.0.1:${server.port}/`, { autoBatch: 4 });
    const calls = Array.from({ length: 10 }, (_, i) => client.call('add', [i, 1]));
    const failed = rejection<RpcError>(client.call('fail', []));
    const note = client.notify('note', []);
    const explicit = client.batch([{ method: 'add', params: [7, 7] }]);
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(await failed).toMatchObject({ code: 42 });
    await expect(note).resolves.toBeUndefined();
    expect(await explicit).toEqual([{ ok: true, value: 14 }]);
    // 12 calls and notifications in 3 batch POSTs (4 + 4 + 4), and the batch() in its own.
    expect(server.posts()).toBe(4);
    expect(server.runs.get('note')).toBe(1);
  });

  it('sends a lone call as a plain request, and off by default', async () => {
    const server = await statusServer((_req, res, body) => {
      const value = JSON.parse(body) as { id: number } | Array<{ id: number }>;
      const one = (r: { id: number }) => ({ jsonrpc: '2.0', result: r.id, id: r.id });
      res.writeHead(200).end(JSON.stringify(Array.isArray(value) ? value.map(one) : one(value)));
    });
    const batched = connect(`http://127.0.0.1:${server.port}/`, { autoBatch: 100 });
    await batched.call('a');
    await Promise.all([batched.call('a'), batched.call('b')]);
    const plain = connect(`http://127.0.0.1:${server.port}/`);
    await Promise.all([plain.call('a'), plain.call('b')]);
    expect(server.bodies.map((b) => b.startsWith('['))).toEqual([false, true, false, false]);
  });
});
