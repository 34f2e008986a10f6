import { getEventListeners, once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  AbortError,
  CONNECTOR_DEFAULTS,
  createPool,
  createTcpConnector,
  DialError,
  DialTimeoutError,
  type Pool,
  PoolClosedError,
  type PoolOptions,
} from '../src/index.js';
import { settle } from './helpers.js';

interface TestServer {
  server: Server;
  port: number;
  /** Server-side sockets currently open. */
  peers: Set<Socket>;
  /** Most server-side sockets open at once. */
  peak: number;
  /** Resolves with the next server-side socket. */
  nextPeer(): Promise<Socket>;
}

/** An echo server on 127.0.0.1, port 0, closed when the test finishes. */
async function listen(): Promise<TestServer> {
  const peers = new Set<Socket>();
  let waiting: ((s: Socket) => void) | null = null;
  const t: TestServer = {
    server: createServer((socket) => {
      peers.add(socket);
      t.peak = Math.max(t.peak, peers.size);
      socket.on('error', () => {});
      socket.on('close', () => peers.delete(socket));
      socket.pipe(socket);
      const w = waiting;
      waiting = null;
      w?.(socket);
    }),
    port: 0,
    peers,
    peak: 0,
    nextPeer: () =>
      new Promise((resolve) => {
        waiting = resolve;
      }),
  };
  t.server.listen(0, '127.0.0.1');
  await once(t.server, 'listening');
  onTestFinished(async () => {
    for (const p of peers) p.destroy();
    await new Promise((resolve) => t.server.close(resolve));
  });
  t.port = (t.server.address() as { port: number }).port;
  return t;
}

function tcpPool(port: number, extra: Partial<PoolOptions<Socket>> = {}) {
  const pool = createPool<Socket>({ ...createTcpConnector({ host: '127.0.0.1', port }), ...extra });
  onTestFinished(() => pool.close({ timeout: 0 }));
  return pool;
}

/** Acquires a socket and releases it to idle: that socket and the server's end of it. */
async function parkedSocket(t: TestServer, pool: Pool<Socket>) {
  const peer = t.nextPeer();
  const socket = await pool.acquire();
  pool.release(socket);
  return { socket, peer: await peer };
}

/** A lookup that never answers: the dial hangs on loopback without touching the network. */
const stalledLookup = (() => {}) as unknown as NonNullable<
  Parameters<typeof createTcpConnector>[1]
>['lookup'];

/**
 * What net.connect() set on a socket for noDelay and keepAlive. Node has no public getter; it keeps
 * them under symbols (Node 20: kSetNoDelay, kSetKeepAlive, kSetKeepAliveInitialDelay in seconds).
 */
function socketOptions(socket: Socket): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const symbol of Object.getOwnPropertySymbols(socket)) {
    const name = symbol.description ?? '';
    if (/^kSet(NoDelay|KeepAlive)/.test(name)) {
      options[name] = (socket as unknown as Record<symbol, unknown>)[symbol];
    }
  }
  return options;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('createTcpConnector', () => {
  it('connects and hands out a connected socket that round-trips bytes', async () => {
    const t = await listen();
    const pool = tcpPool(t.port);
    const socket = await pool.acquire();
    expect(socket.remotePort).toBe(t.port);
    socket.write('ping\n');
    const [data] = await once(socket, 'data');
    expect(String(data)).toBe('ping\n');
    pool.release(socket);
    expect(pool.stats()).toMatchObject({ idle: 1, created: 1 });
  });

  it('validates a live socket as usable and a destroyed or ended one as not', async () => {
    const t = await listen();
    const connector = createTcpConnector({ host: '127.0.0.1', port: t.port });
    const a = await connector.create();
    const b = await connector.create();
    onTestFinished(() => {
      a.destroy();
      b.destroy();
    });
    expect(connector.validate(a)).toBe(true);
    connector.destroy(a);
    expect(connector.validate(a)).toBe(false);
    b.end();
    expect(connector.validate(b)).toBe(false);
  });

  it('applies noDelay and keepAlive, by default and as given, and reports its address', async () => {
    const t = await listen();
    const target = { host: '127.0.0.1', port: t.port };
    const connector = createTcpConnector(target, { noDelay: false, keepAlive: 0 });
    expect(connector.address).toBe(`127.0.0.1:${t.port}`);
    const socket = await connector.create();
    expect(socketOptions(socket)).toMatchObject({ kSetNoDelay: false, kSetKeepAlive: false });
    connector.destroy(socket);
    expect(socket.destroyed).toBe(true);
    const defaults = await createTcpConnector(target).create();
    onTestFinished(() => void defaults.destroy());
    expect(socketOptions(defaults)).toMatchObject({
      kSetNoDelay: true,
      kSetKeepAlive: true,
      kSetKeepAliveInitialDelay: 15, // seconds: CONNECTOR_DEFAULTS.keepAlive
    });
    const given = await createTcpConnector(target, { keepAlive: 4000 }).create();
    onTestFinished(() => void given.destroy());
    expect(socketOptions(given)).toMatchObject({
      kSetKeepAlive: true,
      kSetKeepAliveInitialDelay: 4,
    });
  });

  it('brackets an IPv6 host in its address, and refuses a path with a host or port', () => {
    expect(createTcpConnector({ host: '::1', port: 4000 }).address).toBe('[::1]:4000');
    expect(createTcpConnector({ path: '/tmp/x.sock' }).address).toBe('/tmp/x.sock');
    for (const target of [
      { path: '/tmp/x.sock', port: 1 },
      { path: '/tmp/x.sock', host: 'h' },
    ]) {
      expect(() => createTcpConnector(target as never)).toThrow(
        'target must be { host, port } or { path }, not both: a path (Unix socket or pipe) has no host or port',
      );
    }
  });

  it('connects over a Unix socket path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conn-pool-'));
    const path = join(dir, 's.sock');
    const server = createServer((s) => s.pipe(s));
    server.listen(path);
    await once(server, 'listening');
    onTestFinished(async () => {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    });
    const pool = createPool({ ...createTcpConnector({ path }) });
    onTestFinished(() => pool.close({ timeout: 0 }));
    const socket = await pool.acquire();
    socket.write('x');
    const [data] = await once(socket, 'data');
    expect(String(data)).toBe('x');
    expect(socketOptions(socket)).toMatchObject({
      kSetNoDelay: true,
      kSetKeepAlive: true,
      kSetKeepAliveInitialDelay: 15,
    });
    await pool.destroy(socket);
    const plain = await createTcpConnector({ path }, { keepAlive: 0, noDelay: false }).create();
    onTestFinished(() => void plain.destroy());
    expect(socketOptions(plain)).toMatchObject({ kSetNoDelay: false, kSetKeepAlive: false });
  });

  it('surfaces DialError with the ECONNREFUSED socket error as cause for a closed port', async () => {
    const port = await closedPort();
    const connector = createTcpConnector({ host: '127.0.0.1', port });
    const { error } = await settle(connector.create());
    expect(error).toBeInstanceOf(DialError);
    expect(error).toMatchObject({ code: 'RERPC_ERR_DIAL', address: `127.0.0.1:${port}` });
    expect((error as DialError).cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('rejects the acquire with that DialError through a pool', async () => {
    const port = await closedPort();
    const pool = tcpPool(port);
    const { error } = await settle(pool.acquire());
    expect(error).toBeInstanceOf(DialError);
    expect((error as DialError).cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(pool.stats()).toMatchObject({ createErrors: 1, size: 0, pending: 0 });
  });

  it('fails with DialTimeoutError when the dial outlasts dialTimeout', async () => {
    const connector = createTcpConnector(
      { host: 'stalled.invalid', port: 4000 },
      { dialTimeout: 25, lookup: stalledLookup },
    );
    const { error } = await settle(connector.create());
    expect(error).toBeInstanceOf(DialTimeoutError);
    expect(error).toMatchObject({
      code: 'RERPC_ERR_DIAL_TIMEOUT',
      timeout: 25,
      address: 'stalled.invalid:4000',
    });
  });

  it('clears its dial timer once connected: the socket outlives dialTimeout', async () => {
    const t = await listen();
    // Only the connector's timer is faked; the connect itself is real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => void vi.useRealTimers());
    const connector = createTcpConnector({ host: '127.0.0.1', port: t.port }, { dialTimeout: 50 });
    const dialling = connector.create();
    expect(vi.getTimerCount()).toBe(1);
    const socket = await dialling;
    onTestFinished(() => void socket.destroy());
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(50);
    expect(socket.destroyed).toBe(false);
    expect(connector.validate(socket)).toBe(true);
  });

  it('clears its dial timer when the dial fails', async () => {
    const port = await closedPort();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => void vi.useRealTimers());
    const connector = createTcpConnector({ host: '127.0.0.1', port }, { dialTimeout: 50 });
    const { error } = await settle(connector.create());
    expect(error).toBeInstanceOf(DialError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves one no-op error listener on the socket, and none on connect or on its signal', async () => {
    const t = await listen();
    const connector = createTcpConnector({ host: '127.0.0.1', port: t.port });
    const controller = new AbortController();
    const socket = await connector.create(controller.signal);
    onTestFinished(() => void socket.destroy());
    expect(socket.listenerCount('error')).toBe(1);
    expect(socket.listenerCount('connect')).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    controller.abort(); // after the dial: changes nothing
    expect(connector.validate(socket)).toBe(true);
  });

  it('never holds the process open with its dial timer', async () => {
    const refTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = refTimers();
    const connector = createTcpConnector(
      { host: 'stalled.invalid', port: 4000 },
      { dialTimeout: 60_000, lookup: stalledLookup },
    );
    const controller = new AbortController();
    const dialling = settle(connector.create(controller.signal));
    expect(refTimers()).toBe(before);
    controller.abort();
    expect((await dialling).error).toBeInstanceOf(AbortError);
  });

  it('sets no dial timer when dialTimeout is 0', async () => {
    const t = await listen();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => void vi.useRealTimers());
    const connector = createTcpConnector({ host: '127.0.0.1', port: t.port }, { dialTimeout: 0 });
    const dialling = connector.create();
    expect(vi.getTimerCount()).toBe(0);
    const socket = await dialling;
    onTestFinished(() => void socket.destroy());
    expect(connector.validate(socket)).toBe(true);
  });

  it('honours its signal: already aborted, and aborted mid-dial', async () => {
    const connector = createTcpConnector(
      { host: 'stalled.invalid', port: 4000 },
      { dialTimeout: 0, lookup: stalledLookup },
    );
    const early = await settle(connector.create(AbortSignal.abort('early')));
    expect(early.error).toBeInstanceOf(AbortError);
    expect((early.error as AbortError).cause).toBe('early');
    const controller = new AbortController();
    const dialling = settle(connector.create(controller.signal));
    controller.abort('late');
    const late = await dialling;
    expect(late.error).toBeInstanceOf(AbortError);
    expect((late.error as AbortError).cause).toBe('late');
  });

  it('gives a pool acquire DialTimeoutError when the pool’s acquireTimeout cuts a slow dial', async () => {
    const pool = createPool({
      ...createTcpConnector({ host: 'stalled.invalid', port: 4000 }, { lookup: stalledLookup }),
      acquireTimeout: 25,
    });
    onTestFinished(() => pool.close({ timeout: 0 }));
    const { error } = await settle(pool.acquire());
    expect(error).toBeInstanceOf(DialTimeoutError);
    expect((error as DialTimeoutError).address).toBeNull();
    await pool.close();
    expect(pool.stats()).toMatchObject({ creating: 0, size: 0 });
  });

  it.each([
    [{ host: '127.0.0.1', port: 0 }, {}, 'port must be an integer between 1 and 65535, got 0'],
    [{ host: '127.0.0.1', port: 70000 }, {}, 'port must be an integer between 1 and 65535'],
    [{ host: '', port: 1 }, {}, 'host must be a non-empty string, got ""'],
    [{ path: '' }, {}, 'path must be a non-empty string, got ""'],
    [
      { port: 1 },
      { dialTimeout: -1 },
      'dialTimeout must be an integer number of milliseconds from 0 to 2147483647, got -1',
    ],
    [{ port: 1 }, { dialTimeout: 1.5 }, 'dialTimeout must be an integer'],
    [
      { port: 1 },
      { keepAlive: true },
      'keepAlive must be an integer number of milliseconds from 0 to 2147483647, got true',
    ],
    [{ port: 1 }, { noDelay: 'yes' }, 'noDelay must be a boolean, got "yes"'],
    [{ port: 1 }, { lookup: 'dns' }, 'lookup must be a function, got "dns"'],
  ])('rejects invalid target or options %j %j', (target, options, message) => {
    expect(() => createTcpConnector(target as never, options as never)).toThrow(message);
  });

  it('rejects a target that is not an object, options that are not one, and mistyped fields', () => {
    expect(() => createTcpConnector(null as never)).toThrow(
      'target must be { host, port } or { path }, got null',
    );
    expect(() => createTcpConnector([] as never)).toThrow(
      'target must be { host, port } or { path }, got an array',
    );
    expect(() => createTcpConnector({ port: 1 }, null as never)).toThrow(
      'createTcpConnector() options must be an object, got null',
    );
    expect(() => createTcpConnector({ path: 5 } as never)).toThrow(
      'path must be a non-empty string, got 5',
    );
    expect(() => createTcpConnector({ host: 5, port: 1 } as never)).toThrow(
      'host must be a non-empty string, got 5',
    );
  });

  it('defaults to localhost and the documented options', () => {
    expect(createTcpConnector({ port: 1 }).address).toBe(`${CONNECTOR_DEFAULTS.host}:1`);
    expect(CONNECTOR_DEFAULTS).toEqual({
      host: 'localhost',
      dialTimeout: 5000,
      keepAlive: 15000,
      noDelay: true,
    });
  });
});

describe('pool of sockets', () => {
  it('never exceeds maxActive connections under 1,000 concurrent acquires', async () => {
    const t = await listen();
    const pool = tcpPool(t.port, { maxActive: 10 });
    let peakSize = 0;
    const results = await Promise.all(
      Array.from({ length: 1000 }, async () => {
        const socket = await pool.acquire();
        peakSize = Math.max(peakSize, pool.stats().size);
        socket.write('.');
        await new Promise((resolve) => setImmediate(resolve));
        pool.release(socket);
        return socket;
      }),
    );
    expect(new Set(results).size).toBeLessThanOrEqual(10);
    expect(peakSize).toBeLessThanOrEqual(10);
    expect(t.peak).toBeLessThanOrEqual(10);
    expect(pool.stats()).toMatchObject({ created: 10, active: 0, pending: 0 });
  });

  it('evicts on acquire a socket the server closed while it was idle', async () => {
    const t = await listen();
    const pool = tcpPool(t.port, { healthCheckInterval: 0 });
    const { socket: first, peer } = await parkedSocket(t, pool);
    peer.end();
    await once(first, 'close');
    const second = await pool.acquire();
    expect(second).not.toBe(first);
    expect(pool.stats()).toMatchObject({ validationFailures: 1, destroyed: 1, created: 2 });
  });

  it('evicts with the health check a socket the server closed while it was idle', async () => {
    const t = await listen();
    const connector = createTcpConnector({ host: '127.0.0.1', port: t.port });
    let evicted: (s: Socket) => void = () => {};
    const eviction = new Promise<Socket>((resolve) => {
      evicted = resolve;
    });
    const pool = createPool({
      ...connector,
      healthCheckInterval: 20,
      destroy: (s: Socket) => {
        connector.destroy(s);
        evicted(s);
      },
    });
    onTestFinished(() => pool.close({ timeout: 0 }));
    const { socket, peer } = await parkedSocket(t, pool);
    peer.end();
    expect(await eviction).toBe(socket);
    expect(pool.stats()).toMatchObject({ idle: 0, size: 0, validationFailures: 1 });
  });

  it('survives a reset of an idle socket by the server (no uncaught error)', async () => {
    const t = await listen();
    const pool = tcpPool(t.port, { healthCheckInterval: 0 });
    const { socket, peer } = await parkedSocket(t, pool);
    peer.resetAndDestroy();
    // events.once() would reject on the 'error' (ECONNRESET); the pool's own listener must not.
    await new Promise((resolve) => socket.once('close', resolve));
    expect(socket.errored).toMatchObject({ code: 'ECONNRESET' });
    const next = await pool.acquire();
    expect(next).not.toBe(socket);
    expect(next.destroyed).toBe(false);
  });

  it('on close rejects queued acquires and destroys held sockets as they are released', async () => {
    const t = await listen();
    const pool = tcpPool(t.port, { maxActive: 2 });
    const [a, b] = await Promise.all([pool.acquire(), pool.acquire()]);
    const queued = settle(pool.acquire());
    const closing = pool.close();
    expect((await queued).error).toBeInstanceOf(PoolClosedError);
    expect(a.destroyed).toBe(false);
    pool.release(a);
    expect(a.destroyed).toBe(true);
    pool.release(b);
    await closing;
    expect(b.destroyed).toBe(true);
    expect(pool.stats()).toMatchObject({ size: 0, destroyed: 2 });
  });

  it('on close destroys idle sockets at once', async () => {
    const t = await listen();
    const pool = tcpPool(t.port);
    const socket = await pool.acquire();
    pool.release(socket);
    const closing = pool.close();
    expect(socket.destroyed).toBe(true);
    await closing;
  });
});
