// The browser entry's HTTP link on the platform's fetch (Node's global fetch here): the answer's
// size against maxMessageBytes, UTF-8 split across chunks, error statuses, and what a failed
// fetch says about whether the call ran.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createClient } from '../src/browser.js';
import type { ConnectionError, HttpStatusError } from '../src/index.js';
import { statusServer } from './fixtures/http-servers.js';
import { rejection } from './helpers.js';

function client(...args: Parameters<typeof createClient>) {
  const c = createClient(...args);
  onTestFinished(() => c.close());
  return c;
}

/** The answer to request `id` padded with a string result to exactly `size` bytes. */
function answerOf(id: number, size: number): string {
  const empty = JSON.stringify({ jsonrpc: '2.0', result: '', id });
  return JSON.stringify({ jsonrpc: '2.0', result: 'x'.repeat(size - empty.length), id });
}

describe('@rerpc/client/browser over fetch: answers', () => {
  it.each([
    ['with Content-Length', false],
    ['chunked', true],
  ])(
    '%s: takes an answer of exactly maxMessageBytes, refuses one byte more',
    async (_, chunked) => {
      const { port } = await statusServer((_req, res, body) => {
        const { id, params } = JSON.parse(body) as { id: number; params: number[] };
        const text = answerOf(id, params[0]!);
        if (!chunked) {
          res.writeHead(200, { 'content-length': Buffer.byteLength(text) }).end(text);
          return;
        }
        res.writeHead(200);
        res.write(text.slice(0, 50));
        res.end(text.slice(50));
      });
      const c = client(`http://127.0.0.1:${port}/`, { maxMessageBytes: 200, maxRetries: 0 });
      const fit = (JSON.parse(answerOf(1, 200)) as { result: string }).result;
      expect(await c.call('fit', [200])).toBe(fit);
      const error = await rejection<ConnectionError>(c.call('over', [201]));
      expect(error.code).toBe('RERPC_ERR_CONNECTION');
      expect((error.cause as Error).message).toBe('the answer is larger than 200 bytes');
    },
  );

  it('decodes UTF-8 split across the chunks of a streamed answer', async () => {
    const result = 'é€😀'.repeat(200);
    const { port } = await statusServer((_req, res, body) => {
      const { id } = JSON.parse(body) as { id: number };
      const bytes = Buffer.from(JSON.stringify({ jsonrpc: '2.0', result, id }));
      // Slices of 97 bytes, each written a loop turn after the last (fetch reads it meanwhile):
      // most cut a character (of 2, 3 or 4 bytes).
      res.writeHead(200);
      const next = (at: number): void => {
        if (at >= bytes.length) res.end();
        else res.write(bytes.subarray(at, at + 97), () => setImmediate(next, at + 97));
      };
      next(0);
    });
    const c = client(`http://127.0.0.1:${port}/`);
    expect(await c.call('text')).toBe(result);
  });
});

describe('@rerpc/client/browser over fetch: failures', () => {
  it('a 304 answer (no body) fails the call with HttpStatusError', async () => {
    const { port } = await statusServer((_req, res) => res.writeHead(304).end());
    const c = client(`http://127.0.0.1:${port}/`, { maxRetries: 0 });
    const error = await rejection<HttpStatusError>(c.call('x'));
    expect(error).toMatchObject({ code: 'RERPC_ERR_HTTP_STATUS', status: 304 });
  });

  it("reads a 503's Retry-After", async () => {
    const { port } = await statusServer((_req, res) =>
      res.writeHead(503, { 'retry-after': '0' }).end(),
    );
    const c = client(`http://127.0.0.1:${port}/`, { retryDelay: 1, maxRetries: 1 });
    const error = await rejection<HttpStatusError>(c.call('x'));
    expect(error).toMatchObject({ status: 503, retryAfter: 0 });
  });

  it('a failed fetch may have run the call: ConnectionError (sent), not retried', async () => {
    const { port, bodies } = await statusServer((req) => req.socket.destroy());
    const c = client(`http://127.0.0.1:${port}/`, { retryDelay: 1 });
    const error = await rejection<ConnectionError>(c.call('x'));
    expect(error).toMatchObject({ code: 'RERPC_ERR_CONNECTION', sent: true });
    expect(bodies).toHaveLength(1);
  });
});
