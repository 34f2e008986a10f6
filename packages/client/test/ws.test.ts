import { once } from 'node:events';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import jayson from 'jayson';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { ConnectionError, RpcError, TimeoutError } from '../src/index.js';
import { until } from './fixtures/raw-server.js';
import { startWsServer, type WsServer } from './fixtures/ws-server.js';
import { connect, freePort, rejection } from './helpers.js';

const SHUTTING_DOWN = { code: -32002, message: 'Server is shutting down' };

async function wsServer(options: Parameters<typeof startWsServer>[0] = {}): Promise<WsServer> {
  const server = await startWsServer(options);
  onTestFinished(() => server.kill());
  return server;
}

describe('ws:// targets', () => {
  it('calls, notifies and batches over one WebSocket, one JSON text per message', async () => {
    const server = await wsServer();
    const client = connect(`ws://127.0.0.1:${server.port}/rpc`);
    expect(await client.call('add', [1, 2])).toBe(3);
    await client.notify('echo', ['note']);
    const results = await client.batch([
      { method: 'add', params: [2, 3] },
      { method: 'echo', params: ['n'], notify: true },
      { method: 'nope' },
    ]);
    expect(results[0]).toEqual({ ok: true, value: 5 });
    expect(results[1]).toBeUndefined();
    expect(results[2]).toMatchObject({ ok: false, error: { code: -32601 } });
    expect((results[2] as { error: unknown }).error).toBeInstanceOf(RpcError);
    const arith = client.service<{ add(params: number[]): number }>('Arith');
    expect(await arith.add([4, 5])).toBe(9);
    // Each message is exactly one JSON value: no NDJSON newline, no coalescing into one text.
    expect(server.messages).toHaveLength(4);
    for (const text of server.messages) expect(() => JSON.parse(text)).not.toThrow();
    expect(server.messages.some((m) => m.includes('\n'))).toBe(false);
    expect(client.stats().connections).toMatchObject({ active: 1, dialled: 1 });
  });

  it('sends each of many concurrent calls as its own message and matches answers by id', async () => {
    const server = await wsServer();
    const client = connect(`ws://127.0.0.1:${server.port}`);
    const sums = await Promise.all(
      Array.from({ length: 200 }, (_, i) => client.call('add', [i, 1])),
    );
    expect(sums).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(server.messages).toHaveLength(200);
  });

  it('fails calls in flight with ConnectionError (sent) when the server dies, then reconnects once it is back', async () => {
    const server = await wsServer();
    const client = connect(`ws://127.0.0.1:${server.port}`, { retryDelay: 1, maxRetryDelay: 20 });
    const inFlight = Array.from({ length: 3 }, () =>
      rejection<ConnectionError>(client.call('hang')),
    );
    await until(() => server.started.get('hang') === 3);
    await server.kill();
    for (const error of await Promise.all(inFlight)) {
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ code: 'RERPC_ERR_CONNECTION', sent: true });
      expect(error.message).toContain(`ws://127.0.0.1:${server.port}/`);
    }
    // While it is down, a call does not run: it fails as unreachable after its retries.
    const down = await rejection<ConnectionError>(client.call('add', [1, 1]));
    expect(down).toMatchObject({ sent: false });
    expect(down.message).toContain('ECONNREFUSED');
    // Back on the same port: the next call dials again and is answered.
    await wsServer({ port: server.port });
    expect(await client.call('add', [2, 2])).toBe(4);
    expect(client.stats().connections.dialled).toBe(2);
  });

  it('retries a call whose dial failed and succeeds once the server is listening', async () => {
    const port = await freePort();
    const client = connect(`ws://127.0.0.1:${port}`, { retryDelay: 50, maxRetries: 50 });
    const call = client.call('add', [3, 4]);
    await until(() => client.stats().connections.dialErrors >= 1);
    await wsServer({ port });
    expect(await call).toBe(7);
    expect(client.stats().retries).toBeGreaterThan(0);
  });

  it('fails the calls in flight with the close code when the server closes the WebSocket (sent)', async () => {
    const server = await wsServer();
    const client = connect(`ws://127.0.0.1:${server.port}/`);
    const call = rejection<ConnectionError>(client.call('hang'));
    await until(() => server.started.get('hang') === 1);
    await server.close(4000);
    const error = await call;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toBe(
      `The connection to ws://127.0.0.1:${server.port}/ was lost after the request was written (the WebSocket closed (code 4000)), so it may have run and was not retried; retry it yourself if running it twice is safe, or mark the call idempotent`,
    );
  });

  it('a close after the server answered -32002 on the WebSocket says the calls pending did not run', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    const held: WebSocket[] = [];
    wss.on('connection', (ws) => {
      ws.on('message', (data: Buffer) => {
        const { method, id } = JSON.parse(String(data)) as { method: string; id: number };
        if (method === 'held') held.push(ws);
        else ws.send(JSON.stringify({ jsonrpc: '2.0', error: SHUTTING_DOWN, id }));
      });
    });
    const port = (wss.address() as { port: number }).port;
    const client = connect(`ws://127.0.0.1:${port}/`, { maxRetries: 0 });
    const pending = rejection<ConnectionError>(client.call('held'));
    await until(() => held.length === 1);
    const refused = await rejection<ConnectionError>(client.call('refused'));
    expect(refused.message).toContain('(it answered -32002 "Server is shutting down")');
    held[0]!.close(1001);
    const error = await pending;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.sent).toBe(false);
    expect(error.message).toBe(
      `The server at ws://127.0.0.1:${port}/ is shutting down and did not run the call (the WebSocket closed (code 1001) after answering -32002, shutting down); no retry found a server within maxRetries and the call's timeout. It is safe to call again once a server is back, or raise maxRetries / timeout to wait for one`,
    );
  });

  it('drops and counts a message that is not JSON, and keeps the WebSocket', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    wss.on('connection', (ws) => {
      ws.on('message', (data: Buffer) => {
        const { id } = JSON.parse(String(data)) as { id: number };
        ws.send('{"jsonrpc": "2.0", "result": ');
        ws.send(JSON.stringify({ jsonrpc: '2.0', result: id, id }));
      });
    });
    const port = (wss.address() as { port: number }).port;
    const client = connect(`ws://127.0.0.1:${port}/`);
    expect(await client.call('first')).toBe(1);
    expect(client.stats().dropped).toBe(1);
    expect(await client.call('second')).toBe(2);
    expect(client.stats()).toMatchObject({ dropped: 2, connections: { dialled: 1 } });
  });

  it('fails a dial the server answers with an HTTP status instead of an upgrade', async () => {
    const http = createServer((_req, res) => res.writeHead(503).end());
    http.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n'));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => http.close(() => resolve())));
    const port = (http.address() as { port: number }).port;
    const client = connect(`ws://127.0.0.1:${port}`, { maxRetries: 0 });
    const error = await rejection<ConnectionError>(client.call('add', [1]));
    expect(error).toMatchObject({ code: 'RERPC_ERR_CONNECTION', sent: false });
    expect(error.message).toContain('HTTP 503');
  });

  it('closes the socket on an answer larger than maxMessageBytes: its call fails with ConnectionError', async () => {
    const server = await wsServer();
    const client = connect(`ws://127.0.0.1:${server.port}`, { maxMessageBytes: 1000 });
    expect(await client.call('big', [10])).toBe('x'.repeat(10));
    const error = await rejection<ConnectionError>(client.call('big', [5000]));
    expect(error).toMatchObject({ code: 'RERPC_ERR_CONNECTION', sent: true });
    expect(await client.call('add', [1, 1])).toBe(2);
  });

  it('times a hanging call out and keeps the socket for the next call', async () => {
    const server = await wsServer();
    const client = connect(`ws://127.0.0.1:${server.port}`);
    expect(await client.call('add', [0])).toBe(0);
    const error = await rejection(client.call('hang', [], { timeout: 50 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(await client.call('add', [5])).toBe(5);
    expect(client.stats().connections.dialled).toBe(1);
  });

  it('close() waits for calls in flight, then closes the WebSocket', async () => {
    const server = await wsServer({
      handlers: { slow: () => new Promise((r) => setTimeout(r, 20, 'done')) },
    });
    const client = connect(`ws://127.0.0.1:${server.port}`);
    const call = client.call('slow');
    await until(() => server.started.get('slow') === 1);
    await client.close();
    expect(await call).toBe('done');
    expect(client.stats().connections.active).toBe(0);
  });

  it('sends the headers option with the upgrade', async () => {
    const server = await wsServer();
    const client = connect(`ws://127.0.0.1:${server.port}`, {
      headers: { Authorization: 'Bearer t0k3n' },
    });
    expect(await client.call('add', [1])).toBe(1);
    expect(server.upgrades[0]).toMatchObject({ authorization: 'Bearer t0k3n' });
  });

  it('fails a dial whose upgrade gets no answer within dialTimeout: ConnectionError (not sent)', async () => {
    const mute = createNetServer((socket) => socket.resume()); // accepts, reads, never answers
    mute.listen(0, '127.0.0.1');
    await once(mute, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => mute.close(() => resolve())));
    const port = (mute.address() as { port: number }).port;
    const client = connect(`ws://127.0.0.1:${port}`, { dialTimeout: 50, maxRetries: 0 });
    const error = await rejection<ConnectionError>(client.call('add', [1]));
    expect(error).toMatchObject({ code: 'RERPC_ERR_CONNECTION', sent: false });
    expect(error.message).toContain('not connected within dialTimeout, 50 ms');
  });

  it("calls, notifies and batches against jayson 5.0.0's WebSocket server", async () => {
    let notes = 0;
    const server = new jayson.Server({
      add: (args: number[], callback: (e: unknown, r?: unknown) => void) =>
        callback(
          null,
          args.reduce((a, b) => a + b, 0),
        ),
      note: (_args: unknown, callback: (e: unknown, r?: unknown) => void) => {
        notes += 1;
        callback(null);
      },
    });
    // jayson's types name its own wrapper; it is a ws (7) WebSocketServer.
    const wss = server.websocket({ host: '127.0.0.1', port: 0 }) as unknown as WebSocketServer;
    await once(wss, 'listening');
    onTestFinished(
      () =>
        new Promise<void>((resolve) => {
          for (const ws of wss.clients) ws.terminate();
          wss.close(() => resolve());
        }),
    );
    const port = (wss.address() as { port: number }).port;
    const client = connect(`ws://127.0.0.1:${port}/`);
    expect(await client.call('add', [1, 2])).toBe(3);
    await client.notify('note', []);
    const results = await client.batch([{ method: 'add', params: [2, 2] }, { method: 'nope' }]);
    expect(results[0]).toEqual({ ok: true, value: 4 });
    expect(results[1]).toMatchObject({ ok: false, error: { code: -32601 } });
    await until(() => notes === 1);
  });
});

describe('ws:// targets: autoBatch', () => {
  it('sends the calls and notifications of one tick as batch messages of up to autoBatch items', async () => {
    const server = await wsServer();
    const client = connect(`ws://127.0.0.1:${server.port}/`, { autoBatch: 4 });
    await client.call('add', [0, 0]); // dialled first: the wave below leaves in one tick
    const calls = Array.from({ length: 10 }, (_, i) => client.call('add', [i, 1]));
    const missing = rejection<RpcError>(client.call('nope'));
    const note = client.notify('echo', ['note']);
    const explicit = client.batch([{ method: 'add', params: [7, 7] }]);
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(await missing).toMatchObject({ code: -32601 });
    await expect(note).resolves.toBeUndefined();
    expect(await explicit).toEqual([{ ok: true, value: 14 }]);
    // After the lone first call: 12 calls and notifications in 3 batches of 4, the batch() alone.
    const sent = server.messages.slice(1).map((m) => JSON.parse(m) as unknown);
    expect(sent.map((m) => (Array.isArray(m) ? m.length : 'single'))).toEqual([4, 4, 4, 1]);
    expect(server.messages[0]!.startsWith('{')).toBe(true);
    expect(server.started.get('echo')).toBe(1);
  });

  it('sends the one request left over after the full batches as a plain request', async () => {
    const server = await wsServer();
    const client = connect(`ws://127.0.0.1:${server.port}/`, { autoBatch: 2 });
    await client.call('add', [0, 0]); // dialled first: the wave below leaves in one tick
    const calls = [1, 2, 3].map((i) => client.call('add', [i, 1]));
    expect(await Promise.all(calls)).toEqual([2, 3, 4]);
    const sent = server.messages.slice(1).map((m) => JSON.parse(m) as unknown);
    expect(sent.map((m) => (Array.isArray(m) ? m.length : 'single'))).toEqual([2, 'single']);
  });

  it('sends a lone call as a plain request, and one message per call when off', async () => {
    const server = await wsServer();
    const batched = connect(`ws://127.0.0.1:${server.port}/`, { autoBatch: 100 });
    await batched.call('add', [1, 1]);
    expect(await Promise.all([batched.call('add', [1, 2]), batched.call('add', [1, 3])])).toEqual([
      3, 4,
    ]);
    const plain = connect(`ws://127.0.0.1:${server.port}/`);
    await plain.call('add', [1, 1]);
    await Promise.all([plain.call('add', [1, 2]), plain.call('add', [1, 3])]);
    expect(server.messages.map((m) => m.startsWith('['))).toEqual([
      false,
      true,
      false,
      false,
      false,
    ]);
  });

  it('a call timed out inside a batch fails alone; the others get their answers', async () => {
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await wsServer({ handlers: { slow: () => held.then(() => 'late') } });
    const client = connect(`ws://127.0.0.1:${server.port}/`, { autoBatch: 10 });
    await client.call('add', [0, 0]);
    const slow = rejection<TimeoutError>(client.call('slow', [], { timeout: 50 }));
    const quick = client.call('add', [2, 2]);
    expect(await slow).toBeInstanceOf(TimeoutError);
    expect(JSON.parse(server.messages[1]!)).toHaveLength(2);
    // The server answers a batch whole: the quick call's answer comes with the slow one's.
    release();
    expect(await quick).toBe(4);
    expect(client.stats().pending).toBe(0);
  });
});
