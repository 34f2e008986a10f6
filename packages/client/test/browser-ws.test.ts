// @rerpc/client/browser's WebSocket link in Node: Node 20 has no global WebSocket, so these tests
// install the `ws` package's WHATWG-style WebSocket (addEventListener, MessageEvent.data as a
// string for text, CloseEvent.code) as the global for their duration. Chromium runs the same link
// against the built bundle (apps/examples/test/browser.test.ts).
import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createClient } from '../src/browser.js';
import { ConnectionError, RpcError } from '../src/index.js';
import { startWsServer, type WsServer } from './fixtures/ws-server.js';
import { freePort, rejection, tlsFixture } from './helpers.js';

type Global = { WebSocket?: unknown };

/** `ws`'s WebSocket as a browser's: an 'error' event nobody listens to does not throw. */
class BrowserLikeWebSocket extends WebSocket {
  constructor(url: string, options?: WebSocket.ClientOptions) {
    super(url, options);
    this.on('error', () => {});
  }
}

/** Installs `Socket` as the global WebSocket until the test ends. */
function platformWebSocket(Socket: unknown): void {
  const had = Object.hasOwn(globalThis, 'WebSocket');
  const before = (globalThis as Global).WebSocket;
  (globalThis as Global).WebSocket = Socket;
  onTestFinished(() => {
    if (had) (globalThis as Global).WebSocket = before;
    else delete (globalThis as Global).WebSocket;
  });
}

/**
 * A WebSocket server over plain TCP, or over TLS with the test certificate: each request is
 * answered by `answer(method, ws)` (undefined: not answered).
 */
async function rawWsServer(
  answer: (method: string, ws: WebSocket) => unknown,
  tls = false,
): Promise<{ port: number }> {
  const https = tls ? createHttpsServer(tlsFixture()) : null;
  if (https !== null) {
    https.listen(0, '127.0.0.1');
    await once(https, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => https.close(() => resolve())));
  }
  const wss =
    https === null
      ? new WebSocketServer({ host: '127.0.0.1', port: 0 })
      : new WebSocketServer({ server: https });
  if (https === null) await once(wss, 'listening');
  onTestFinished(() => {
    for (const ws of wss.clients) ws.terminate();
    return new Promise<void>((resolve) => wss.close(() => resolve()));
  });
  wss.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => {
      const { method, id } = JSON.parse(String(data)) as { method: string; id: number };
      const result = answer(method, ws);
      if (result !== undefined) ws.send(JSON.stringify({ jsonrpc: '2.0', result, id }));
    });
  });
  return { port: ((https ?? wss).address() as AddressInfo).port };
}

/** ws's WebSocket as a browser's that trusts the test certificate (a browser's CA store would). */
class TrustingWebSocket extends BrowserLikeWebSocket {
  constructor(url: string) {
    super(url, { ca: tlsFixture().cert });
  }
}

function client(target: string) {
  const c = createClient(target, { dialTimeout: 10_000 });
  onTestFinished(() => c.close());
  return c;
}

async function wsServer(): Promise<WsServer> {
  const server = await startWsServer();
  onTestFinished(() => server.kill());
  return server;
}

describe('@rerpc/client/browser over the platform WebSocket', () => {
  it('calls, notifies and batches over one socket, one JSON text per message', async () => {
    platformWebSocket(BrowserLikeWebSocket);
    const server = await wsServer();
    const c = client(`ws://127.0.0.1:${server.port}/rpc`);
    expect(await c.call('add', [1, 2])).toBe(3);
    // Done once handed to send(): the browser buffers, there is no drain to wait for.
    await c.notify('echo', ['note']);
    const results = await c.batch([{ method: 'add', params: [2, 3] }, { method: 'nope' }]);
    expect(results[0]).toEqual({ ok: true, value: 5 });
    expect((results[1] as { error: unknown }).error).toBeInstanceOf(RpcError);
    expect(await c.call('add', [4, 5])).toBe(9);
    expect(server.messages.map((m) => JSON.parse(m).method ?? 'batch')).toEqual([
      'add',
      'echo',
      'batch',
      'add',
    ]);
    expect(c.stats().connections).toMatchObject({ active: 1, dialled: 1 });
  });

  it('closes its socket with 1000 at close(), and dials a new one after the server closed it', async () => {
    platformWebSocket(BrowserLikeWebSocket);
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    onTestFinished(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    await once(wss, 'listening');
    const codes: number[] = [];
    let firstClosed!: () => void;
    const firstClose = new Promise<void>((resolve) => {
      firstClosed = resolve;
    });
    let accepted = 0;
    wss.on('connection', (ws) => {
      const n = ++accepted;
      ws.on('close', (code) => {
        codes.push(code);
        firstClosed();
      });
      ws.on('message', (data: Buffer) => {
        const { id } = JSON.parse(String(data)) as { id: number };
        // A binary message is no response: the link takes only text.
        ws.send(Buffer.from(JSON.stringify({ jsonrpc: '2.0', result: 'binary', id })));
        ws.send(JSON.stringify({ jsonrpc: '2.0', result: n, id }));
        if (n === 1) ws.close(1001);
      });
    });
    const c = client(`ws://127.0.0.1:${(wss.address() as { port: number }).port}/`);
    expect(await c.call('who')).toBe(1);
    await firstClose;
    // The closed socket is not reused: the next call dials.
    expect(await c.call('who')).toBe(2);
    expect(c.stats().connections.dialled).toBe(2);
    const [second] = wss.clients;
    const closed = new Promise((resolve) => second!.once('close', resolve));
    await c.close();
    await closed;
    expect(codes).toEqual([1001, 1000]);
  });

  it('fails a call as unreachable, naming the address, when the socket closes before it opens', async () => {
    platformWebSocket(BrowserLikeWebSocket);
    const port = await freePort();
    const c = client(`ws://127.0.0.1:${port}/rpc?x=1`);
    const error = await rejection<ConnectionError>(c.call('add', [1, 2]));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ sent: false });
    expect(error.message).toBe(
      `Could not reach ws://127.0.0.1:${port}/rpc (the WebSocket closed before it opened (code 1006)), so the call did not run; check that the server is running and listening there, or raise maxRetries / timeout to wait for it longer`,
    );
    expect((error.cause as Error).name).toBe('DialError');
  });

  it('fails a call as unreachable when the runtime has no global WebSocket', async () => {
    platformWebSocket(undefined);
    const c = client('ws://127.0.0.1:1/');
    const error = await rejection<ConnectionError>(c.call('add', [1, 2]));
    expect(error).toMatchObject({ sent: false });
    expect(error.message).toContain('ws://127.0.0.1:1/ (this runtime has no global WebSocket)');
  });
  it('parked after about a second unused, is taken back open: no new dial', async () => {
    // The pool's sweep runs on an interval and reads performance.now(): both are faked.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    platformWebSocket(BrowserLikeWebSocket);
    const server = await wsServer();
    const c = client(`ws://127.0.0.1:${server.port}/`);
    expect(await c.call('add', [1, 2])).toBe(3);
    vi.advanceTimersByTime(1250);
    expect(c.stats().connections).toMatchObject({ active: 0, idle: 1 });
    expect(await c.call('add', [2, 2])).toBe(4);
    expect(c.stats().connections).toMatchObject({ active: 1, idle: 0, dialled: 1 });
  });

  it('fails a call in flight when the server closes the socket: lost after it was sent', async () => {
    platformWebSocket(BrowserLikeWebSocket);
    const { port } = await rawWsServer((method, ws) => {
      if (method === 'hang') ws.close(1011);
      return method === 'hang' ? undefined : 'ok';
    });
    const c = client(`ws://127.0.0.1:${port}/rpc`);
    expect(await c.call('hello')).toBe('ok');
    const error = await rejection<ConnectionError>(c.call('hang'));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.sent).toBe(true);
    expect(error.message).toMatch(
      new RegExp(
        `^The connection to ws://127\\.0\\.0\\.1:${port}/rpc was lost after the request was written`,
      ),
    );
  });

  it.each([
    ['ws', false],
    ['wss', true],
  ] as const)(
    "names its link transport '%s' and the URL without its query to a notification's handler",
    async (scheme, tls) => {
      platformWebSocket(tls ? TrustingWebSocket : BrowserLikeWebSocket);
      const { port } = await rawWsServer((method, ws) => {
        ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'news', params: [method] }));
        return 'ok';
      }, tls);
      const host = tls ? 'localhost' : '127.0.0.1';
      const c = client(`${scheme}://${host}:${port}/rpc?x=1`);
      const seen = new Promise<unknown>((resolve) => {
        c.onNotification('news', (params, ctx) => resolve({ params, link: { ...ctx.link } }));
      });
      expect(await c.call('hello')).toBe('ok');
      expect(await seen).toEqual({
        params: ['hello'],
        link: { transport: scheme, address: `${scheme}://${host}:${port}/rpc` },
      });
    },
  );
});
