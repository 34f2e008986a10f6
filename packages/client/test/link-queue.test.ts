// The write queue every socket link shares (QueuedLink: TCP, Unix, TLS, streams, WebSockets):
// what one tick queues leaves together, notifications settle with their write, a batch keeps its
// own message beside automatic batches, and a call given up on is forgotten id by id.
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { ConnectionError, createClient } from '../src/index.js';
import { tcpPeer } from './fixtures/peer.js';
import { until } from './fixtures/raw-server.js';
import { startWsServer } from './fixtures/ws-server.js';
import { connect, rejection, setup } from './helpers.js';

describe('a socket link', () => {
  it('resolves each notification of one tick once the write carrying them finished', async () => {
    const seen: unknown[] = [];
    const { server, client } = await setup({ handlers: { 'Log.write': (p) => seen.push(p) } });
    await client.call('Log.write', ['dial']); // connected: the three below leave in one write
    const notes = [1, 2, 3].map((n) => client.notify('Log.write', [n]));
    expect(await Promise.all(notes)).toEqual([undefined, undefined, undefined]);
    await client.call('Log.write', ['after']);
    expect(seen).toEqual([['dial'], [1], [2], [3], ['after']]);
    expect(server.lines).toHaveLength(5);
  });

  it('fails a notification still queued when its link is lost: ConnectionError, not sent', async () => {
    let finish = (): void => {};
    // Ended by its owner, its end still finishing: no longer writable, not destroyed yet.
    const writable = new Writable({
      write: (_chunk, _encoding, done) => done(),
      final: (done) => {
        finish = () => done();
      },
    });
    writable.end();
    onTestFinished(() => finish());
    const client = createClient({ readable: new PassThrough(), writable }, { maxRetries: 0 });
    onTestFinished(() => client.close({ timeout: 0 }));
    const error = await rejection<ConnectionError>(client.notify('Log.write', ['x']));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.sent).toBe(false);
    expect(client.stats()).toMatchObject({ settled: 1, errors: { connection: 1 } });
  });

  it('with autoBatch 1, sends every request as its own message, in the order made', async () => {
    const server = await startWsServer();
    const client = connect(`ws://127.0.0.1:${server.port}/`, { autoBatch: 1 });
    await client.call('add', [0, 0]);
    const explicit = client.batch([{ method: 'add', params: [1, 1] }]);
    const single = client.call('add', [2, 2]);
    expect(await Promise.all([explicit, single])).toEqual([[{ ok: true, value: 2 }], 4]);
    expect(server.messages.slice(1)).toEqual([
      '[{"jsonrpc":"2.0","method":"add","params":[1,1],"id":2}]',
      '{"jsonrpc":"2.0","method":"add","params":[2,2],"id":3}',
    ]);
    await server.kill();
  });

  it('with autoBatch, sends a batch() of the same tick as its own message after the automatic batch', async () => {
    const server = await startWsServer();
    const client = connect(`ws://127.0.0.1:${server.port}/`, { autoBatch: 10 });
    await client.call('add', [0, 0]);
    const single = [client.call('add', [1, 1]), client.call('add', [2, 2])];
    const explicit = client.batch([
      { method: 'add', params: [3, 3] },
      { method: 'add', params: [4, 4] },
    ]);
    expect(await Promise.all(single)).toEqual([2, 4]);
    expect(await explicit).toEqual([
      { ok: true, value: 6 },
      { ok: true, value: 8 },
    ]);
    const sent = server.messages.slice(1).map((m) => JSON.parse(m) as Array<{ params: unknown }>);
    expect(sent.map((batch) => batch.map((request) => request.params))).toEqual([
      [
        [1, 1],
        [2, 2],
      ],
      [
        [3, 3],
        [4, 4],
      ],
    ]);
    await server.kill();
  });

  it('drops (and counts) the late answers to every request of a batch that timed out', async () => {
    const peer = await tcpPeer('ndjson');
    const client = connect(peer.port);
    await client.call('hello');
    const batch = client.batch([{ method: 'a' }, { method: 'b' }], { timeout: 5 });
    await expect(batch).rejects.toMatchObject({ code: 'RERPC_ERR_TIMEOUT' });
    const requests = (await peer.next()) as unknown as Array<{ id: number }>;
    expect(requests.map((r) => r.id)).toEqual([2, 3]);
    const next = client.call('ping');
    const ping = await peer.next();
    peer.sendAll([
      { jsonrpc: '2.0', result: 'late a', id: 2 },
      { jsonrpc: '2.0', result: 'late b', id: 3 },
      { jsonrpc: '2.0', result: 'pong', id: ping['id'] },
    ]);
    expect(await next).toBe('pong');
    expect(client.stats()).toMatchObject({ dropped: 2, pending: 0 });
  });

  it('cancels only the requests of an aborted batch still awaiting an answer', async () => {
    const peer = await tcpPeer('content-length');
    const client = connect(peer.port, { framing: 'content-length' });
    await client.call('hello');
    const controller = new AbortController();
    const batch = client.batch([{ method: 'a' }, { method: 'b' }], { signal: controller.signal });
    const other = client.call('other');
    const requests = (await peer.next()) as unknown as Array<{ id: number }>;
    expect(requests.map((r) => r.id)).toEqual([2, 3]);
    const otherRequest = await peer.next();
    // The batch's first answer arrives before the other call's, in the same chunk.
    peer.sendAll([
      { jsonrpc: '2.0', result: 'a', id: 2 },
      { jsonrpc: '2.0', result: 'o', id: otherRequest['id'] },
    ]);
    expect(await other).toBe('o');
    controller.abort();
    await expect(batch).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      method: '$/cancelRequest',
      params: { id: 3 },
    });
    void client.call('after').catch(() => {});
    expect(await peer.next()).toMatchObject({ method: 'after' });
    expect(client.stats().cancelsSent).toBe(1);
  });
});

/**
 * A `ws` server that answers each request with its method's name. Its first socket reads nothing
 * after the `first` call until `resume()`.
 */
async function stalledWsServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 2 ** 26 });
  await once(wss, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  const sockets: Socket[] = [];
  const messages: string[] = [];
  wss.on('connection', (ws: WebSocket) => {
    const socket = (ws as unknown as { _socket: Socket })._socket;
    sockets.push(socket);
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      messages.push(text);
      if (text === '') return;
      const request = JSON.parse(text) as { method: string; id: number };
      ws.send(JSON.stringify({ jsonrpc: '2.0', result: request.method, id: request.id }));
      if (request.method === 'first') socket.pause();
    });
  });
  onTestFinished(() => {
    for (const socket of sockets) socket.destroy();
  });
  const { port } = wss.address() as AddressInfo;
  return { port, sockets, messages, resume: () => sockets[0]!.resume() };
}

/** More than loopback's socket buffers hold: the write leaves the client's socket buffer full. */
const HUGE = ['x'.repeat(2 ** 25)];

/** One turn of the event loop: the write queued this tick (process.nextTick) has been made. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('a WebSocket link whose socket buffer is full', () => {
  it('is chosen last: another WebSocket is dialled and takes the calls that follow', async () => {
    const server = await stalledWsServer();
    const client = connect(`ws://127.0.0.1:${server.port}/`);
    expect(await client.call('first')).toBe('first'); // dialled (the server reads nothing more)
    const huge = client.call('huge', HUGE);
    await turn();
    // The only open link is full: this call waits on it while another is dialled beside it.
    const held = client.call('held');
    await until(() => client.stats().connections.active === 2);
    expect(await client.call('next')).toBe('next');
    expect(server.sockets).toHaveLength(2);
    server.resume();
    expect(await Promise.all([huge, held])).toEqual(['huge', 'held']);
  });

  it('holds the calls queued on it (maxActive 1) and sends them once it drains', async () => {
    const server = await stalledWsServer();
    const client = connect(`ws://127.0.0.1:${server.port}/`, { maxActive: 1 });
    expect(await client.call('first')).toBe('first');
    const huge = client.call('huge', HUGE);
    await turn();
    const next = client.call('next');
    await turn();
    server.resume();
    expect(await Promise.all([huge, next])).toEqual(['huge', 'next']);
    expect(server.messages.map((m) => (JSON.parse(m) as { method: string }).method)).toEqual([
      'first',
      'huge',
      'next',
    ]);
    expect(server.sockets).toHaveLength(1);
  });

  it('sends nothing when it drains with nothing queued', async () => {
    const server = await stalledWsServer();
    const client = connect(`ws://127.0.0.1:${server.port}/`, { maxActive: 1 });
    expect(await client.call('first')).toBe('first');
    const huge = client.call('huge', HUGE);
    await turn();
    server.resume();
    expect(await huge).toBe('huge');
    expect(await client.call('after')).toBe('after');
    expect(
      server.messages.map((m) => (m === '' ? m : (JSON.parse(m) as { method: string }).method)),
    ).toEqual(['first', 'huge', 'after']);
  });
});
