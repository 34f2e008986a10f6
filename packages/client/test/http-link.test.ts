// The Node HTTP link (undici): how it reads an answer's body against maxMessageBytes, what it does
// with the body of an error status, and its connections in the client's stats.
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectionError, HttpStatusError, RpcError } from '../src/index.js';
import { statusServer } from './fixtures/http-servers.js';
import { until } from './fixtures/raw-server.js';
import { connect, rejection } from './helpers.js';

/** The answer to request `id` padded with a string result to exactly `size` bytes. */
function answerOf(id: number, size: number): string {
  const empty = JSON.stringify({ jsonrpc: '2.0', result: '', id });
  return JSON.stringify({ jsonrpc: '2.0', result: 'x'.repeat(size - empty.length), id });
}

describe('an http:// answer and maxMessageBytes', () => {
  it.each([
    ['with Content-Length', false],
    ['chunked', true],
  ])(
    '%s: takes an answer of exactly maxMessageBytes, refuses one byte more',
    async (_, chunked) => {
      const server = await statusServer((_req, res, body) => {
        const { id, params } = JSON.parse(body) as { id: number; params: number[] };
        const text = answerOf(id, params[0]!);
        if (!chunked) {
          res.writeHead(200, { 'content-length': Buffer.byteLength(text) }).end(text);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(text.slice(0, 50));
        res.end(text.slice(50));
      });
      const client = connect(`http://127.0.0.1:${server.port}/`, {
        maxMessageBytes: 200,
        maxRetries: 0,
      });
      const fit = (JSON.parse(answerOf(1, 200)) as { result: string }).result;
      expect(await client.call('fit', [200])).toBe(fit);
      const error = await rejection<ConnectionError>(client.call('over', [201]));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.sent).toBe(true);
      expect((error.cause as Error).message).toBe('the answer is larger than 200 bytes');
    },
  );
});

describe('an http:// error status', () => {
  it('drops its body unread, so its connection serves the next POST (maxActive 1)', async () => {
    let answered = 0;
    const server = await statusServer((_req, res, body) => {
      answered += 1;
      if (answered === 1) {
        res.writeHead(400).end('x'.repeat(2 ** 21));
        return;
      }
      const { id } = JSON.parse(body) as { id: number };
      res.writeHead(200).end(JSON.stringify({ jsonrpc: '2.0', result: 'ok', id }));
    });
    const client = connect(`http://127.0.0.1:${server.port}/`, { maxActive: 1 });
    const error = await rejection<HttpStatusError>(client.call('refused'));
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.status).toBe(400);
    expect(await client.call('next')).toBe('ok');
  });

  it('any 2xx status carries the answer, 299 too; 300 does not', async () => {
    const server = await statusServer((_req, res, body) => {
      const { id, params } = JSON.parse(body) as { id: number; params: number[] };
      res.writeHead(params[0]!).end(JSON.stringify({ jsonrpc: '2.0', result: 'ok', id }));
    });
    const client = connect(`http://127.0.0.1:${server.port}/`, { maxRetries: 0 });
    expect(await client.call('a', [299])).toBe('ok');
    const error = await rejection<HttpStatusError>(client.call('a', [300]));
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.status).toBe(300);
  });
});

describe("an http:// link's connections", () => {
  it('count in stats: one dialled, idle once its answer is read', async () => {
    const server = await statusServer((_req, res, body) => {
      const { id } = JSON.parse(body) as { id: number };
      res.writeHead(200).end(JSON.stringify({ jsonrpc: '2.0', result: 'ok', id }));
    });
    const client = connect(`http://127.0.0.1:${server.port}/`);
    expect(client.stats().connections).toEqual({
      active: 0,
      idle: 0,
      dialling: 0,
      dialled: 0,
      dialErrors: 0,
    });
    expect(await client.call('a')).toBe('ok');
    await until(() => client.stats().connections.idle === 1);
    expect(client.stats().connections).toEqual({
      active: 0,
      idle: 1,
      dialling: 0,
      dialled: 1,
      dialErrors: 0,
    });
  });
});

const NO_ANSWER = "Internal error: the server's HTTP answer had no response for this request";

describe('an http:// answer that leaves calls out', () => {
  it('empty or `null`: its calls fail -32603, nothing counted as dropped; unreadable: counted once', async () => {
    const server = await statusServer((_req, res, body) => {
      const { id, method } = JSON.parse(body) as { id: number; method: string };
      const answers: Record<string, string> = {
        ok: JSON.stringify({ jsonrpc: '2.0', result: 'ok', id }),
        empty: '',
        null: 'null',
        bad: 'oops',
      };
      res.writeHead(200).end(answers[method]);
    });
    const client = connect(`http://127.0.0.1:${server.port}/`);
    expect(await client.call('ok')).toBe('ok');
    for (const method of ['empty', 'null']) {
      const error = await rejection<RpcError>(client.call(method));
      expect(error).toBeInstanceOf(RpcError);
      expect({ code: error.code, message: error.message }).toEqual({
        code: -32603,
        message: NO_ANSWER,
      });
    }
    expect(client.stats().dropped).toBe(0);
    expect(await rejection<RpcError>(client.call('bad'))).toMatchObject({ code: -32603 });
    expect(client.stats().dropped).toBe(1);
  });

  it('a batch answered by one response object: the requests it left out fail -32603', async () => {
    const server = await statusServer((_req, res, body) => {
      const [first] = JSON.parse(body) as Array<{ id: number }>;
      res.writeHead(200).end(JSON.stringify({ jsonrpc: '2.0', result: 'a', id: first!.id }));
    });
    const client = connect(`http://127.0.0.1:${server.port}/`);
    const results = await client.batch([{ method: 'a' }, { method: 'b' }, { method: 'c' }]);
    expect(results[0]).toEqual({ ok: true, value: 'a' });
    for (const result of results.slice(1)) {
      expect(result).toMatchObject({ ok: false, error: { code: -32603, message: NO_ANSWER } });
    }
    expect(client.stats().dropped).toBe(0);
  });
});

describe('http:// autoBatch POSTs', () => {
  it('resolves each notification of a batch POST once its answer is in', async () => {
    const server = await statusServer((_req, res, body) => {
      const batch = JSON.parse(body) as Array<{ id?: number }>;
      const answers = batch.filter((r) => r.id !== undefined);
      res
        .writeHead(200)
        .end(JSON.stringify(answers.map((r) => ({ jsonrpc: '2.0', result: 'ok', id: r.id }))));
    });
    const client = connect(`http://127.0.0.1:${server.port}/`, { autoBatch: 10 });
    const tick = [client.notify('n1'), client.notify('n2'), client.call('c')];
    expect(await Promise.all(tick)).toEqual([undefined, undefined, 'ok']);
    expect(server.bodies).toHaveLength(1);
    expect(JSON.parse(server.bodies[0]!)).toHaveLength(3);
  });

  it('aborts a batch POST once its calls are gone, though it carries a notification', async () => {
    let closed = 0;
    const server = await statusServer((req) => {
      req.socket.once('close', () => {
        closed += 1;
      });
    });
    const client = connect(`http://127.0.0.1:${server.port}/`, { autoBatch: 10 });
    const note = rejection(client.notify('n'));
    const call = rejection(client.call('c', [], { timeout: 50 }));
    expect(await call).toMatchObject({ code: 'RERPC_ERR_TIMEOUT' });
    await until(() => closed === 1);
    expect(await note).toBeInstanceOf(ConnectionError);
    expect(server.bodies).toHaveLength(1);
  });

  it('sends a batch() of the tick as its own POST, which its status alone fails', async () => {
    const server = await statusServer((_req, res, body) => {
      const requests = JSON.parse(body) as Array<{ method: string; id: number }>;
      if (requests[0]!.method === 'refused') {
        res.writeHead(400).end();
        return;
      }
      res
        .writeHead(200)
        .end(JSON.stringify(requests.map((r) => ({ jsonrpc: '2.0', result: r.method, id: r.id }))));
    });
    const client = connect(`http://127.0.0.1:${server.port}/`, { autoBatch: 10, maxRetries: 0 });
    const single = [client.call('a'), client.call('b')];
    const explicit = rejection<HttpStatusError>(
      client.batch([{ method: 'refused' }, { method: 'too' }]),
    );
    expect(await Promise.all(single)).toEqual(['a', 'b']);
    expect(await explicit).toBeInstanceOf(HttpStatusError);
    expect(
      server.bodies
        .map((b) => (JSON.parse(b) as Array<{ method: string }>).map((r) => r.method))
        .sort(),
    ).toEqual([
      ['a', 'b'],
      ['refused', 'too'],
    ]);
  });
});

describe('an http:// link closing', () => {
  it('close() closes its keep-alive connections: the server sees each end', async () => {
    const sockets = new Set<Socket>();
    let closed = 0;
    const server = await statusServer((req, res, body) => {
      if (!sockets.has(req.socket)) {
        sockets.add(req.socket);
        req.socket.once('close', () => {
          closed += 1;
        });
      }
      const { id } = JSON.parse(body) as { id: number };
      res.writeHead(200).end(JSON.stringify({ jsonrpc: '2.0', result: 'ok', id }));
    });
    const client = connect(`http://127.0.0.1:${server.port}/`);
    expect(await client.call('a')).toBe('ok');
    await client.close();
    await until(() => closed === 1);
    expect(sockets.size).toBe(1);
  });

  it('close() before any POST resolves (undici was never needed)', async () => {
    const client = connect('http://127.0.0.1:1/');
    await expect(client.close()).resolves.toBeUndefined();
    expect(client.stats().connections).toMatchObject({ active: 0, idle: 0, dialled: 0 });
  });

  it('a call made in the tick close() began is not sent', async () => {
    const server = await statusServer((_req, res, body) => {
      const { id } = JSON.parse(body) as { id: number };
      res.writeHead(200).end(JSON.stringify({ jsonrpc: '2.0', result: 'ok', id }));
    });
    const client = connect(`http://127.0.0.1:${server.port}/`);
    expect(await client.call('a')).toBe('ok');
    const late = rejection(client.call('late'));
    await client.close({ timeout: 0 });
    expect(await late).toMatchObject({ code: 'RERPC_ERR_CLIENT_CLOSED' });
    expect(server.bodies).toHaveLength(1);
  });
});
