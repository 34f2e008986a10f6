// The shared pool over real TCP sockets on 127.0.0.1: many users per socket, a socket wrapped in
// the caller's own record (its state survives parking), refused dials, retiring, and close.
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  createTcpConnector,
  DialError,
  type LeaseWaiter,
  type SharedPoolOptions,
} from '../src/index.js';
import { FakeClock, sharedPool } from './helpers.js';

/** An echo server on 127.0.0.1, port 0, closed when the test finishes. */
async function listen() {
  const peers = new Set<Socket>();
  const closed: Socket[] = [];
  const server = createServer((socket) => {
    peers.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => {
      peers.delete(socket);
      closed.push(socket);
    });
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    for (const p of peers) p.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as { port: number };
  return { server, port, peers, closed };
}

/** Resolves once the server side of `socket` has closed. */
function peerClosed(peer: Socket): Promise<unknown> {
  return peer.destroyed ? Promise.resolve() : once(peer, 'close');
}

/** Writes `text` on `socket` and resolves with what the echo server sends back. */
async function echo(socket: Socket, text: string): Promise<string> {
  socket.write(text);
  const [data] = await once(socket, 'data');
  return String(data);
}

/** A connection record: the socket and the caller's own state, kept while parked. */
interface Conn {
  socket: Socket;
  inFlight: number;
  calls: number;
}

/**
 * A pool of `Conn` records over the TCP connector; `opened()` resolves once the pool has taken the
 * next socket dialled (so a background dial can be awaited without polling).
 */
function connPool(port: number, extra: Partial<SharedPoolOptions<Conn>> = {}, clock?: FakeClock) {
  const connector = createTcpConnector({ host: '127.0.0.1', port });
  let onOpen: (() => void) | null = null;
  const options: SharedPoolOptions<Conn> = {
    create: async (signal) => {
      const conn = { socket: await connector.create(signal), inFlight: 0, calls: 0 };
      const hook = onOpen;
      onOpen = null;
      // The pool takes the record a microtask after this returns: let it, then tell the test.
      if (hook !== null) setImmediate(hook);
      return conn;
    },
    destroy: (conn) => conn.socket.destroy(),
    validate: (conn) => connector.validate(conn.socket),
    load: (conn) => conn.inFlight,
    ...extra,
  };
  const pool = sharedPool(options, clock);
  const opened = () =>
    new Promise<void>((resolve) => {
      onOpen = resolve;
    });
  return Object.assign(pool, { opened });
}

describe('shared pool over TCP', () => {
  it('leases one socket to many users, and dials a second past loadThreshold', async () => {
    const t = await listen();
    const pool = connPool(t.port, { load: undefined, loadThreshold: 2 });
    const first = await pool.acquire();
    expect(pool.lease()).toBe(first);
    const opened = pool.opened();
    expect(pool.lease()).toBe(first); // load 2: leased, and a second socket is dialled
    expect(pool.stats()).toMatchObject({ active: 1, creating: 1, leases: 3 });
    expect(await echo(first.socket, 'shared')).toBe('shared');
    await opened;
    const second = pool.lease()!;
    expect(second).not.toBe(first);
    expect(await echo(second.socket, 'ping')).toBe('ping');
    expect(t.peers.size).toBe(2);
    expect(pool.stats()).toMatchObject({ active: 2, created: 2, leases: 4 });
  });

  it('fails every waiter with DialError (cause ECONNREFUSED) when the dial is refused', async () => {
    const t = await listen();
    const port = t.port;
    await new Promise((resolve) => t.server.close(resolve));
    const pool = connPool(port);
    const errors: unknown[] = [];
    const waiter: LeaseWaiter<Conn> = {
      leased: () => true,
      failed: (error) => errors.push(error),
    };
    pool.wait(waiter);
    pool.wait(waiter);
    const third = pool.acquire().catch((error: unknown) => error);
    const error = await third;
    expect(error).toBeInstanceOf(DialError);
    expect((error as DialError).cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(errors).toEqual([error, error]);
    expect(pool.stats()).toMatchObject({ createErrors: 1, pending: 0, size: 0 });
  });

  it('hands back the same record after parking, with its state and its open socket', async () => {
    const t = await listen();
    const clock = new FakeClock();
    const pool = connPool(t.port, { parkTimeout: 1000 }, clock);
    const conn = await pool.acquire();
    conn.calls += 1;
    pool.unlease(conn);
    clock.advance(5000);
    expect(pool.stats()).toMatchObject({ active: 0, idle: 1 });
    const again = pool.lease();
    expect(again).toBe(conn);
    expect(again!.calls).toBe(1);
    expect(await echo(again!.socket, 'still open')).toBe('still open');
    expect(pool.stats().created).toBe(1);
  });

  it('dials a new socket instead of taking back a parked one the server closed', async () => {
    const t = await listen();
    const clock = new FakeClock();
    const pool = connPool(t.port, { parkTimeout: 1000 }, clock);
    const conn = await pool.acquire();
    pool.unlease(conn);
    clock.advance(5000);
    const [peer] = t.peers;
    peer!.end();
    await once(conn.socket, 'end');
    expect(pool.lease()).toBeNull(); // validate said no: destroyed, and a dial started
    expect(conn.socket.destroyed).toBe(true);
    const fresh = await pool.acquire();
    expect(fresh).not.toBe(conn);
    expect(await echo(fresh.socket, 'x')).toBe('x');
  });

  it('ranks by the caller’s load (calls in flight), not by lease count', async () => {
    const t = await listen();
    const pool = connPool(t.port, { loadThreshold: 3 });
    const a = await pool.acquire();
    pool.unlease(a);
    a.inFlight = 5; // the caller's own count, past loadThreshold
    const opened = pool.opened();
    expect(pool.lease()).toBe(a); // still leased while the second socket is dialled
    pool.unlease(a);
    await opened;
    const b = pool.lease()!;
    expect(b).not.toBe(a);
    expect(pool.lease()).toBe(b); // b has 2 leases, but its load (inFlight) is 0
    expect(pool.stats()).toMatchObject({ active: 2, leases: 2 });
  });

  it('retireAll(): sockets close as their last lease ends, and the next lease dials anew', async () => {
    const t = await listen();
    const pool = connPool(t.port);
    const conn = await pool.acquire();
    pool.lease(); // leased twice
    const [peer] = t.peers;
    pool.retireAll();
    expect(pool.lease()).toBeNull(); // nothing open: a dial starts
    pool.unlease(conn);
    expect(conn.socket.destroyed).toBe(false);
    pool.unlease(conn);
    expect(conn.socket.destroyed).toBe(true);
    await peerClosed(peer!);
    const fresh = await pool.acquire();
    expect(fresh).not.toBe(conn);
    expect(await echo(fresh.socket, 'new')).toBe('new');
  });

  it('close() waits for leases to end, then the server sees every socket closed', async () => {
    const t = await listen();
    const pool = connPool(t.port);
    const conn = await pool.acquire();
    const [peer] = t.peers;
    let closed = false;
    const closing = pool.close().then(() => {
      closed = true;
    });
    expect(await echo(conn.socket, 'in flight')).toBe('in flight');
    expect(closed).toBe(false);
    pool.unlease(conn);
    await closing;
    await peerClosed(peer!);
    expect(t.peers.size).toBe(0);
  });
});
