import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { LINGER_MS } from '../src/tcp.js';
import { deferred, listening, Peer, req } from './helpers.js';

const big = 'y'.repeat(20_000);

describe('TCP writes: batching small and large answers', () => {
  it('sends intact answers after a tick that mixed small and large answers', async () => {
    const { port } = await listening();
    const peer = await Peer.connect(port);
    peer.send(req('echo', ['a'], 1), req('echo', [big], 2), req('echo', ['b'], 3));
    expect(await peer.take(3)).toEqual([
      { jsonrpc: '2.0', result: ['a'], id: 1 },
      { jsonrpc: '2.0', result: [big], id: 2 },
      { jsonrpc: '2.0', result: ['b'], id: 3 },
    ]);
    // The next ticks write only their own answers: nothing of the earlier tick is left over.
    peer.send(req('echo', ['c'], 4));
    expect(await peer.next()).toBe('{"jsonrpc":"2.0","result":["c"],"id":4}');
    peer.send(req('echo', [big], 5));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: [big], id: 5 });
    peer.send(req('echo', ['d'], 6));
    expect(await peer.next()).toBe('{"jsonrpc":"2.0","result":["d"],"id":6}');
    expect(peer.queued).toBe(0);
  });

  it('sends one large answer alone in a tick', async () => {
    const { port } = await listening({ framing: 'content-length' });
    const peer = await Peer.connect(port, 'content-length');
    peer.send(req('echo', [big], 'only'));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: [big], id: 'only' });
  });
});

/** `n` turns of the event loop: real I/O is read and handled meanwhile. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('TCP writes: backpressure', () => {
  it('reads no more requests while the socket holds answers the peer has not read', async () => {
    const { server, port } = await listening({ maxWriteBufferBytes: 1 << 30 });
    const huge = 16 << 20;
    let ran = 0;
    server.method('huge', () => 'x'.repeat(huge));
    server.method('count', () => ++ran);
    // A raw socket (the Peer helper joins its buffer per chunk: slow for 16 MiB).
    const socket = connect({ port, host: '127.0.0.1' });
    onTestFinished(() => {
      socket.destroy();
    });
    await once(socket, 'connect');
    socket.pause();
    socket.write(`${req('huge', [], 'huge')}\n`);
    await until(() => server.stats().bytes.out > huge);
    socket.write(`${req('count', [], 'count')}\n`);
    await turns(20);
    expect(ran).toBe(0);
    const chunks: Buffer[] = [];
    let lines = 0;
    const both = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
        if (lines === 2) resolve();
      });
    });
    socket.resume();
    await both;
    const text = Buffer.concat(chunks).toString();
    expect(text.length).toBeGreaterThan(huge);
    expect(text.slice(text.indexOf('\n') + 1)).toBe('{"jsonrpc":"2.0","result":1,"id":"count"}\n');
  });

  it('takes a reset from a peer with answers still unwritten quietly, and keeps serving', async () => {
    const { server, port } = await listening({ maxWriteBufferBytes: 1 << 30 });
    const huge = 16 << 20;
    server.method('huge', () => 'x'.repeat(huge));
    const leaving = await Peer.connect(port);
    leaving.socket.pause();
    leaving.send(req('huge'));
    await until(() => server.stats().bytes.out > huge);
    leaving.socket.resetAndDestroy();
    await until(() => server.stats().connections.open === 0);
    const other = await Peer.connect(port);
    other.send(req('echo', ['ping'], 'ping'));
    expect(await other.nextJson()).toEqual({ jsonrpc: '2.0', result: ['ping'], id: 'ping' });
  });

  it('reads no more requests while the connection is at maxInFlightPerConnection', async () => {
    const { server, port } = await listening({ maxInFlightPerConnection: 1 });
    const release = deferred();
    let started = 0;
    server.method('wait', () => {
      started++;
      return release.promise.then(() => 'done');
    });
    const peer = await Peer.connect(port);
    peer.send(req('wait', [], 1));
    await until(() => started === 1);
    peer.send(req('wait', [], 2));
    await turns(20);
    expect(started).toBe(1);
    release.resolve();
    expect(await peer.take(2)).toEqual([
      { jsonrpc: '2.0', result: 'done', id: 1 },
      { jsonrpc: '2.0', result: 'done', id: 2 },
    ]);
  });

  it('reads again once the peer has read answers larger than the socket buffer', async () => {
    const { server, port } = await listening();
    // Far over the socket's writableHighWaterMark (16 KiB): the write fills it and pauses reading.
    server.method('big', () => 'x'.repeat(1 << 20));
    const peer = await Peer.connect(port);
    for (let round = 0; round < 3; round++) {
      peer.send(req('big', [], round));
      const got = (await peer.nextJson()) as { result: string; id: number };
      expect(got.id).toBe(round);
      expect(got.result).toHaveLength(1 << 20);
    }
    peer.send(req('echo', ['after'], 'after'));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: ['after'], id: 'after' });
  });
});

/** Fakes only setTimeout/clearTimeout (the connection's grace, linger and stall timers); sockets stay real. */
function fakeTimers(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  onTestFinished(() => {
    vi.useRealTimers();
  });
}

/** Turns of the event loop (real I/O runs) until `ready()` holds; at most 200. */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ready(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(ready()).toBe(true);
}

describe('TCP writes: a peer that stops reading (the stall timer)', () => {
  const huge = 16 << 20;

  it('drops a peer that takes no byte of its answers for idleTimeout, not before', async () => {
    fakeTimers();
    const { server, port } = await listening({ idleTimeout: 60_000, maxWriteBufferBytes: 1 << 30 });
    server.method('huge', () => 'x'.repeat(huge));
    const peer = await Peer.connect(port);
    peer.socket.pause();
    peer.send(req('huge'));
    // The answer is written (more than the kernel takes): the stall timer is armed with it.
    await until(() => server.stats().bytes.out > huge);
    vi.advanceTimersByTime(59_999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.stats().connections.open).toBe(1);
    vi.advanceTimersByTime(1);
    await until(() => server.stats().connections.open === 0);
    peer.socket.resume();
    await peer.closed;
    await expect(peer.next()).rejects.toThrow('connection closed');
  });

  it('never drops a peer that does not read when idleTimeout is 0', async () => {
    fakeTimers();
    const { server, port } = await listening({ idleTimeout: 0, maxWriteBufferBytes: 1 << 30 });
    server.method('huge', () => 'x'.repeat(huge));
    const peer = await Peer.connect(port);
    peer.socket.pause();
    peer.send(req('huge'));
    await until(() => server.stats().bytes.out > huge);
    vi.advanceTimersByTime(600_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.stats().connections.open).toBe(1);
    expect(peer.socket.destroyed).toBe(false);
  });
});

describe('TCP: after our FIN (linger)', () => {
  it('destroys a half-closed connection LINGER_MS after its FIN when the peer never closes its side', async () => {
    fakeTimers();
    const { server, port } = await listening({ closeGrace: 0 });
    // A client that stays half-open: it does not answer our FIN with its own.
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    onTestFinished(() => {
      socket.destroy();
    });
    await once(socket, 'connect');
    const ended = once(socket, 'end');
    socket.resume();
    await until(() => server.stats().connections.open === 1);
    // closeGrace 0: the idle connection is sent our FIN at once.
    const closed = server.close({ timeout: Number.POSITIVE_INFINITY });
    await ended;
    // Once the FIN is flushed ('finish'), the linger timer is armed.
    await until(() => vi.getTimerCount() > 0);
    vi.advanceTimersByTime(LINGER_MS - 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.stats().connections.open).toBe(1);
    vi.advanceTimersByTime(1);
    await closed;
    expect(server.stats().connections.open).toBe(0);
  });

  it('destroys a half-closed connection at idleTimeout when the peer never closes its side', async () => {
    // Fake setTimeout: the linger timer never fires; Node's socket idle timer is real (50 ms).
    fakeTimers();
    const { server, port } = await listening({ closeGrace: 0, idleTimeout: 50 });
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    onTestFinished(() => {
      socket.destroy();
    });
    await once(socket, 'connect');
    const ended = once(socket, 'end');
    socket.resume();
    await until(() => server.stats().connections.open === 1);
    const closed = server.close({ timeout: Number.POSITIVE_INFINITY });
    await ended;
    await closed;
    expect(server.stats().connections.open).toBe(0);
  });
});
