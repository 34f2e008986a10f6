// The Node HTTP link (undici): how it reads an answer's body against maxMessageBytes, what it does
// with the body of an error status, and its connections in the client's stats.
import { describe, expect, it } from 'vitest';
import { ConnectionError, HttpStatusError } from '../src/index.js';
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
