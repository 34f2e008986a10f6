import { describe, expect, it, onTestFinished } from 'vitest';
import type { Client } from '../src/api.js';
import { createClient } from '../src/browser.js';
import { statusServer } from './fixtures/http-servers.js';

// The browser entry's own parts that run in Node 20 too: createClient()'s checks, and the HTTP
// link on the platform's fetch (Node's global fetch here; the WebSocket link needs a global
// WebSocket, which Node 20 lacks: apps/examples/test/browser.test.ts runs both in Chromium).

function client(...args: Parameters<typeof createClient>) {
  const c = createClient(...args);
  onTestFinished(() => c.close());
  return c;
}

describe('@rerpc/client/browser createClient()', () => {
  it.each([
    ['tcp://127.0.0.1:4000', /http\(s\):\/\/' or 'ws\(s\):\/\/' URL/],
    ['not a url', /target must be/],
  ])('refuses the target %s with RERPC_ERR_INVALID_OPTION', (target, message) => {
    expect(() => createClient(target)).toThrow(message);
    expect(() => createClient(target)).toThrow(
      expect.objectContaining({ code: 'RERPC_ERR_INVALID_OPTION' }),
    );
  });

  it('refuses a target that is not a URL string', () => {
    expect(() => createClient({ host: '127.0.0.1', port: 4000 } as never)).toThrow(
      /http\(s\):\/\/' or 'ws\(s\):\/\/' URL/,
    );
  });

  it('refuses tls: the browser checks certificates itself', () => {
    expect(() => createClient('https://example.com/', { tls: {} } as never)).toThrow(
      /tls does not apply in @rerpc\/client\/browser/,
    );
  });

  it('refuses headers with a ws:// target, takes them with http://', () => {
    expect(() => createClient('ws://127.0.0.1:1/', { headers: { a: 'b' } })).toThrow(
      /a browser's WebSocket sends no custom headers/,
    );
    expect(() => client('http://127.0.0.1:1/', { headers: { a: 'b' } })).not.toThrow();
  });

  it('method() and register() throw: the registry is not in the browser entry; onNotification() works', () => {
    const c = client('ws://127.0.0.1:1/');
    // Not in its type (BrowserClient); a plain-JavaScript caller gets the reason.
    const js = c as unknown as Client;
    expect(() => js.method('x', () => 1)).toThrow(/leaves out/);
    expect(() => js.register({ a() {} }, { name: 'A' })).toThrow(/leaves out/);
    expect(typeof c.onNotification('x', () => {})).toBe('function');
  });
});

describe('@rerpc/client/browser over fetch', () => {
  it('calls, notifies and batches, one POST each, with the given headers', async () => {
    const seen: string[] = [];
    const { port, bodies } = await statusServer((req, res, body) => {
      seen.push(String(req.headers['x-token']));
      const message = JSON.parse(body);
      if (message.id === undefined && !Array.isArray(message)) {
        res.writeHead(204).end();
        return;
      }
      const answer = Array.isArray(message)
        ? message.map((m: { id: number }) => ({ jsonrpc: '2.0', result: m.id, id: m.id }))
        : { jsonrpc: '2.0', result: message.params, id: message.id };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
    const c = client(`http://127.0.0.1:${port}/`, { headers: { 'x-token': 't' } });
    expect(await c.call('echo', [1, 2])).toEqual([1, 2]);
    await c.notify('note', { a: 1 });
    const results = await c.batch([{ method: 'a' }, { method: 'b' }]);
    expect(results.map((r) => r?.ok)).toEqual([true, true]);
    expect(bodies).toHaveLength(3);
    expect(seen).toEqual(['t', 't', 't']);
    expect(c.stats().connections.dialled).toBe(3);
  });

  it('refuses an answer past maxMessageBytes, declared or streamed', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', result: 'x'.repeat(2000), id: 1 });
    let chunked = false;
    const { port } = await statusServer((_req, res) => {
      if (chunked) {
        res.writeHead(200); // no Content-Length: counted while it streams
        res.write(big.slice(0, 1000));
        res.end(big.slice(1000));
      } else {
        res.writeHead(200, { 'content-length': String(Buffer.byteLength(big)) }).end(big);
      }
    });
    const c = client(`http://127.0.0.1:${port}/`, { maxMessageBytes: 1000, maxRetries: 0 });
    const tooLarge = {
      code: 'RERPC_ERR_CONNECTION',
      message: expect.stringMatching(/an answer larger than maxMessageBytes, 1000 bytes/),
    };
    await expect(c.call('big')).rejects.toMatchObject(tooLarge);
    chunked = true;
    await expect(c.call('big')).rejects.toMatchObject(tooLarge);
  });

  it('fails a call answered 404 with HttpStatusError, not sent', async () => {
    const { port } = await statusServer((_req, res) => res.writeHead(404).end());
    const c = client(`http://127.0.0.1:${port}/`);
    await expect(c.call('x')).rejects.toMatchObject({
      code: 'RERPC_ERR_HTTP_STATUS',
      status: 404,
      sent: false,
    });
  });

  it('aborts the POST of an aborted call', async () => {
    let arrived!: () => void;
    let closed!: () => void;
    const posted = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const gone = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const { port } = await statusServer((req) => {
      req.socket.once('close', closed); // never answered
      arrived();
    });
    const c = client(`http://127.0.0.1:${port}/`);
    const controller = new AbortController();
    const call = c.call('hang', undefined, { signal: controller.signal });
    await posted;
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    await gone; // the connection under the aborted POST closed
  });
});
