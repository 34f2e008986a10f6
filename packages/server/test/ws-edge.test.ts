import { createServer as createHttpServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DisconnectedError } from '../src/index.js';
import { abortReason, deferred, makeServer, req, stuck } from './helpers.js';
import { listenHttp, openWs, upgradeStatus } from './web-helpers.js';

const add = req('ArithService.Add', { a: 10, b: 20 });
const wsUrl = (port: number, path = '/') => `ws://127.0.0.1:${port}${path}`;

/** Sends a WebSocket upgrade request over a raw socket; resolves with all the server sent. */
function rawUpgrade(port: number, extra = ''): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  onTestFinished(() => {
    socket.destroy();
  });
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  socket.write(
    'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`,
  );
  return new Promise((resolve) => socket.on('close', () => resolve(text)));
}

/** The HTTP answer an upgrade is refused with, as the server writes it. */
const refusal = (status: string, message: string, header = '') =>
  `HTTP/1.1 ${status}\r\nConnection: close\r\n${header}Content-Type: text/plain; charset=utf-8\r\n` +
  `Content-Length: ${Buffer.byteLength(message) + 1}\r\n\r\n${message}\n`;

describe('WebSocket: what a refused upgrade says', () => {
  it('405 with Allow: POST when websocket is off', async () => {
    const { port } = await listenHttp(undefined, { websocket: false });
    expect(await rawUpgrade(port)).toBe(
      refusal(
        '405 Method Not Allowed',
        'WebSocket is disabled here; POST JSON-RPC calls instead',
        'Allow: POST\r\n',
      ),
    );
  });

  it('403 naming the origin; 503 over maxConnections; 503 while closing', async () => {
    const picky = await listenHttp(undefined, { origins: ['https://app.example'] });
    expect(await rawUpgrade(picky.port, 'Origin: https://evil.example\r\n')).toBe(
      refusal(
        '403 Forbidden',
        'origin https://evil.example may not open a WebSocket here (see origins)',
      ),
    );
    const { port, server } = await listenHttp({ maxConnections: 1 });
    const first = await openWs(wsUrl(port));
    expect(await rawUpgrade(port)).toBe(
      refusal(
        '503 Service Unavailable',
        'the server is at maxConnections (1); retry later or elsewhere',
      ),
    );
    expect(await first.call(add)).toMatchObject({ result: { result: 30 } });
    expect(server.stats().connections.refused).toBe(1);
    const mounted = makeServer({ closeGrace: 60_000 });
    const http = createHttpServer();
    http.on('upgrade', mounted.upgradeHandler());
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => {
      http.closeAllConnections();
      return new Promise<void>((resolve) => http.close(() => resolve()));
    });
    const mountedClosed = mounted.close();
    expect(await rawUpgrade((http.address() as { port: number }).port)).toBe(
      refusal('503 Service Unavailable', 'the server is shutting down; retry elsewhere'),
    );
    await mountedClosed;
  });
});

describe('WebSocket: a mounted upgradeHandler', () => {
  it('admits up to maxConnections WebSocket connections, 503 past them, and counts them', async () => {
    const server = makeServer({ maxConnections: 1 });
    const http = createHttpServer();
    http.on('upgrade', server.upgradeHandler());
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => {
      http.closeAllConnections();
      return new Promise<void>((resolve) => http.close(() => resolve()));
    });
    const port = (http.address() as { port: number }).port;
    const first = await openWs(wsUrl(port));
    expect(await upgradeStatus(wsUrl(port))).toBe(503);
    expect(await first.call(add)).toMatchObject({ result: { result: 30 } });
    expect(server.stats().connections).toEqual({ open: 1, total: 1, refused: 1 });
    first.ws.close();
    await first.closed;
    const second = await openWs(wsUrl(port));
    expect(await second.call(add)).toMatchObject({ result: { result: 30 } });
  });
});

describe('WebSocket: slow readers and liveness', () => {
  it('terminates a client that does not read its answers past maxWriteBufferBytes', async () => {
    const { port, server } = await listenHttp({ maxWriteBufferBytes: 1 << 20 });
    server.method('big', () => 'x'.repeat(256 * 1024));
    const aborted = stuck(server, 'watch').then(abortReason);
    const reader = await openWs(wsUrl(port));
    const slow = await openWs(wsUrl(port));
    const socket = (slow.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    // 40 answers of 256 KiB in one tick: far more than the kernel's buffers and the 1 MiB limit.
    slow.ws.send(req('watch', [], 'w'));
    for (let i = 0; i < 40; i++) slow.ws.send(req('big', [], i));
    expect(await aborted).toBeInstanceOf(DisconnectedError);
    expect(await reader.call(add)).toMatchObject({ result: { result: 30 } });
    socket.resume();
    expect((await slow.closed).code).toBe(1006);
    expect(server.stats().connections.open).toBe(1);
  });

  it('does not terminate a connection whose reading it paused, though its pongs wait unread', async () => {
    const { port, server } = await listenHttp(
      { maxInFlightPerConnection: 1 },
      { pingInterval: 100 },
    );
    const release = deferred<void>();
    const started = deferred<void>();
    server.method('hold', async () => {
      started.resolve();
      await release.promise;
      return 'held';
    });
    const client = await openWs(wsUrl(port));
    client.ws.send(req('hold'));
    await started.promise;
    let pings = 0;
    while (pings < 4) {
      await new Promise((resolve) => client.ws.once('ping', resolve));
      pings++;
    }
    release.resolve();
    expect(JSON.parse(await client.next())).toMatchObject({ result: 'held' });
    expect(await client.call(add)).toMatchObject({ result: { result: 30 } });
  });

  it('answers -32002 during closeGrace, then closes with 1001 once it passes', async () => {
    const { port, server } = await listenHttp({ closeGrace: 1000 });
    const client = await openWs(wsUrl(port));
    void stuck(server, 'never');
    const closed = server.close();
    expect(await client.call(add)).toMatchObject({ error: { code: -32002 } });
    expect(await client.closed).toEqual({ code: 1001, reason: 'the server is shutting down' });
    await closed;
  });
});
