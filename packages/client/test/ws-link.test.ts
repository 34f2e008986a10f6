// What the Node WebSocket link (ws) asks for when it dials, and how it ends.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { ConnectionError } from '../src/index.js';
import { until } from './fixtures/raw-server.js';
import { connect, rejection, tlsFixture } from './helpers.js';

/** A `ws` server (compression on) answering each request with its method; it records upgrades. */
async function echoServer(secure = false) {
  const https = secure ? createServer(tlsFixture()).listen(0, '127.0.0.1') : null;
  if (https !== null) {
    await once(https, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => https.close(() => resolve())));
  }
  const wss =
    https === null
      ? new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true })
      : new WebSocketServer({ server: https, perMessageDeflate: true });
  if (https === null) await once(wss, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  const upgrades: IncomingHttpHeaders[] = [];
  const closes: number[] = [];
  wss.on('connection', (ws: WebSocket, request) => {
    upgrades.push(request.headers);
    ws.on('close', (code: number) => closes.push(code));
    ws.on('message', (data: Buffer) => {
      const request = JSON.parse(data.toString()) as { method: string; id: number };
      const result = request.method === 'big' ? 'x'.repeat(2000) : request.method;
      ws.send(JSON.stringify({ jsonrpc: '2.0', result, id: request.id }));
    });
  });
  onTestFinished(() => {
    for (const ws of wss.clients) ws.terminate();
  });
  const port = ((https ?? wss).address() as AddressInfo).port;
  return { port, upgrades, closes };
}

describe('a ws:// link', () => {
  it('offers no permessage-deflate, even to a server that compresses', async () => {
    const server = await echoServer();
    const client = connect(`ws://127.0.0.1:${server.port}/`);
    expect(await client.call('a')).toBe('a');
    expect(server.upgrades).toHaveLength(1);
    expect(server.upgrades[0]!['sec-websocket-extensions']).toBeUndefined();
  });

  it('parked after about a second unused, is taken back open: no new dial', async () => {
    // The pool's sweep runs on an interval and reads performance.now(): both are faked.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const server = await echoServer();
    const client = connect(`ws://127.0.0.1:${server.port}/`);
    expect(await client.call('a')).toBe('a');
    vi.advanceTimersByTime(1250);
    expect(client.stats().connections).toMatchObject({ active: 0, idle: 1 });
    expect(await client.call('b')).toBe('b');
    expect(client.stats().connections).toMatchObject({ active: 1, idle: 0, dialled: 1 });
    expect(server.upgrades).toHaveLength(1);
  });

  it('closed beyond maxIdle with close code 1000', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const server = await echoServer();
    const client = connect(`ws://127.0.0.1:${server.port}/`, { maxIdle: 0 });
    expect(await client.call('a')).toBe('a');
    vi.advanceTimersByTime(1250);
    await until(() => server.closes.length === 1);
    expect(server.closes).toEqual([1000]);
    expect(client.stats().connections).toMatchObject({ active: 0, idle: 0, dialled: 1 });
  });

  it('close() ends its WebSocket with close code 1000', async () => {
    const server = await echoServer();
    const client = connect(`ws://127.0.0.1:${server.port}/`);
    expect(await client.call('a')).toBe('a');
    await client.close();
    await until(() => server.closes.length === 1);
    expect(server.closes).toEqual([1000]);
  });

  it.each(['ws', 'wss'])(
    "is announced as transport '%s' with its URL on rerpc:client:connection:open",
    async (scheme) => {
      const opened: unknown[] = [];
      const listener = (message: unknown): void => {
        opened.push(message);
      };
      subscribe('rerpc:client:connection:open', listener);
      onTestFinished(() => {
        unsubscribe('rerpc:client:connection:open', listener);
      });
      const server = await echoServer(scheme === 'wss');
      const url = `${scheme}://127.0.0.1:${server.port}/rpc`;
      const client = connect(url, scheme === 'wss' ? { tls: { ca: tlsFixture().cert } } : {});
      expect(await client.call('a')).toBe('a');
      expect(opened).toEqual([{ transport: scheme, address: url }]);
    },
  );

  it("an answer past maxMessageBytes fails its call with ws's error (sent)", async () => {
    const server = await echoServer();
    const client = connect(`ws://127.0.0.1:${server.port}/`, {
      maxMessageBytes: 1000,
      maxRetries: 0,
    });
    const error = await rejection<ConnectionError>(client.call('big'));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.sent).toBe(true);
    expect(error.cause).toMatchObject({
      code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
      message: 'Max payload size exceeded',
    });
  });
});
