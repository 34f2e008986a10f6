// @rerpc/client/browser's WebSocket link in Node: Node 20 has no global WebSocket, so these tests
// install the `ws` package's WHATWG-style WebSocket (addEventListener, MessageEvent.data as a
// string for text, CloseEvent.code) as the global for their duration. Chromium runs the same link
// against the built bundle (apps/examples/test/browser.test.ts).
import { once } from 'node:events';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createClient } from '../src/browser.js';
import { ConnectionError, RpcError } from '../src/index.js';
import { startWsServer, type WsServer } from './fixtures/ws-server.js';
import { freePort, rejection } from './helpers.js';

type Global = { WebSocket?: unknown };

/** `ws`'s WebSocket as a browser's: an 'error' event nobody listens to does not throw. */
class BrowserLikeWebSocket extends WebSocket {
  constructor(url: string) {
    super(url);
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
});
