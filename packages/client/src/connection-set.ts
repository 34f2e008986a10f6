import type { Socket } from 'node:net';
import { createPool, createTcpConnector, type Pool } from '@rerpc/conn-pool';
import { type Call, WAITING } from './call.js';
import { Connection, type ConnectionHost } from './connection.js';
import type { ClientTarget, ResolvedClientOptions } from './options.js';
import type { ConnectionStats } from './stats.js';

/** A connection unused this many ticks goes back to the pool (and to maxIdle / idleTimeout). */
const IDLE_TICKS = 4;
/** Load penalty of a connection whose socket buffer is full: chosen only when all are. */
const BLOCKED = 2 ** 30;

/** What the connection set reports to its client, besides each connection's own events. */
export interface ConnectionSetHost extends ConnectionHost {
  /** A connection opened: the calls waiting for one can be sent (see takeWaiter()). */
  connected(): void;
  /** A dial failed and no connection is open: `waiters` (the calls that waited) get none. */
  unreachable(waiters: Call[], error: unknown): void;
}

/** Closes a pooled socket gracefully: our queued bytes go out, then it is destroyed; never keeps the process alive. */
function destroySocket(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.writable && !socket.writableEnded) {
    socket.end(() => socket.destroy());
    socket.unref();
  } else {
    socket.destroy();
  }
}

/**
 * The client's connections to one server: which one a call goes to, when another is dialled,
 * the calls waiting while none is open, which are retired (the server is shutting down), and
 * when an unused one is parked in the pool. It owns `Connection.held`, `dead`, `retired`,
 * `refusedSeen`, `epoch` and `lastUse`.
 *
 * Dialling, idle parking and the socket list are @rerpc/conn-pool's, used with
 * `acquireTimeout: 0` (an acquire never queues: the set only acquires below maxActive). Sockets
 * come back from the pool with their Connection (`known`), so a parked one keeps its state.
 */
export class ConnectionSet {
  private readonly host: ConnectionSetHost;
  private readonly o: ResolvedClientOptions;
  private readonly pool: Pool<Socket>;
  /** Open connections carrying calls (acquired from the pool and kept while used). */
  private readonly held: Connection[] = [];
  /** Every socket wrapped, parked ones included, so a socket back from the pool keeps its state. */
  private readonly known = new Map<Socket, Connection>();
  /** Calls waiting for a connection (none open yet); a head index instead of shift(). */
  private waiters: Call[] = [];
  private waitHead = 0;
  private dialing = 0;
  private dialErrors = 0;
  /** Counts the client's ticks (see parkIdle()). */
  private tick = 0;
  /** No background dial (all connections busy) before this tick, after one failed. */
  private dialPauseUntil = 0;
  /** Bumped by each -32002; connections dialled before `staleBefore` are not reused. */
  private epoch = 0;
  private staleBefore = 0;
  private closed = false;
  private readonly onDial = (socket: Socket): void => this.dialled(socket);
  private readonly onDialError = (error: unknown): void => this.dialFailed(error);

  constructor(host: ConnectionSetHost, target: ClientTarget, options: ResolvedClientOptions) {
    this.host = host;
    this.o = options;
    const connector = createTcpConnector(target, { dialTimeout: options.dialTimeout });
    this.pool = createPool<Socket>({
      create: connector.create,
      validate: connector.validate,
      destroy: destroySocket,
      maxIdle: options.maxIdle,
      maxActive: options.maxActive,
      // The set only acquires while fewer than maxActive are open, so an acquire never queues;
      // a dial is bounded by dialTimeout, and a call by its own deadline.
      acquireTimeout: 0,
      idleTimeout: options.idleTimeout,
      closeTimeout: 0,
    });
  }

  /** Open connections carrying calls. */
  get active(): number {
    return this.held.length;
  }

  /**
   * The open connection with the fewest calls in flight (marked used now), or null when none is
   * open. When even that one has `pipelineThreshold` in flight, another is dialled in the
   * background (one at a time, up to maxActive); the call does not wait for it.
   */
  pick(): Connection | null {
    const held = this.held;
    const n = held.length;
    if (n === 0) return null;
    let best = held[0]!;
    let load = best.blocked ? best.pending.size + BLOCKED : best.pending.size;
    for (let i = 1; i < n; i++) {
      const conn = held[i]!;
      const l = conn.blocked ? conn.pending.size + BLOCKED : conn.pending.size;
      if (l < load) {
        best = conn;
        load = l;
      }
    }
    if (
      load >= this.o.pipelineThreshold &&
      this.dialing === 0 &&
      n < this.o.maxActive &&
      this.tick >= this.dialPauseUntil &&
      !this.closed
    ) {
      this.dial();
    }
    best.lastUse = this.tick;
    return best;
  }

  /** Queues a call until a connection opens (`host.connected()`), dialling one if none is. */
  wait(call: Call): void {
    this.waiters.push(call);
    if (this.dialing === 0) this.dial();
  }

  /**
   * The next call still waiting (in its WAITING state), once a connection is open; null when
   * none is open or none waits.
   */
  takeWaiter(): Call | null {
    if (this.held.length === 0) return null;
    const waiters = this.waiters;
    while (this.waitHead < waiters.length) {
      const call = waiters[this.waitHead++]!;
      if (call.state === WAITING) return call;
    }
    this.waiters = [];
    this.waitHead = 0;
    return null;
  }

  /**
   * `conn` answered -32002: the server behind it is shutting down. Every connection dialled so
   * far most likely leads to that same server, so all are retired, and parked ones are dropped
   * when next taken from the pool: a call sent on one of them could cross the server's FIN
   * (after its grace period), and could then not be told from a call that ran.
   */
  shuttingDown(conn: Connection): void {
    conn.refusedSeen = true;
    this.staleBefore = ++this.epoch;
    for (const other of [...this.held]) {
      this.retire(other);
      this.closeIfSettled(other);
    }
    this.retire(conn);
  }

  /** Closes a retired connection once nothing is pending on it. */
  closeIfSettled(conn: Connection): void {
    if (conn.retired && !conn.dead && conn.pending.size === 0 && conn.outNotes === null) {
      this.drop(conn);
    }
  }

  /** Takes the connection out of use for good and closes its socket (gracefully). */
  drop(conn: Connection): void {
    conn.dead = true;
    conn.stop();
    this.unhold(conn);
    this.known.delete(conn.socket);
    void this.pool.destroy(conn.socket);
  }

  /** One tick of the client's shared timer: connections unused for IDLE_TICKS go back to the pool. */
  parkIdle(): void {
    this.tick += 1;
    const held = this.held;
    for (let i = held.length - 1; i >= 0; i--) {
      const conn = held[i]!;
      if (
        conn.pending.size === 0 &&
        conn.out.length === 0 &&
        this.tick - conn.lastUse >= IDLE_TICKS
      ) {
        held.splice(i, 1);
        conn.held = false;
        this.pool.release(conn.socket);
      }
    }
  }

  stats(): ConnectionStats {
    const pool = this.pool.stats();
    return {
      active: this.held.length,
      idle: pool.idle,
      dialling: this.dialing,
      dialled: pool.created,
      dialErrors: this.dialErrors,
    };
  }

  /** Forgets the waiters and closes every socket, held or parked (gracefully: see destroySocket). */
  async close(): Promise<void> {
    this.closed = true;
    this.waiters = [];
    this.waitHead = 0;
    for (const conn of this.held) conn.held = false;
    this.held.length = 0;
    await this.pool.close();
    for (const conn of this.known.values()) conn.stop();
    this.known.clear();
  }

  /**
   * The server behind `conn` is shutting down: no new call is sent on it, and it is closed once
   * the calls on it settle (answered, refused, or failed by the server's FIN).
   */
  private retire(conn: Connection): void {
    if (conn.retired || conn.dead) return;
    conn.retired = true;
    this.unhold(conn);
  }

  /** Takes the connection out of the set calls are sent on. */
  private unhold(conn: Connection): void {
    if (!conn.held) return;
    conn.held = false;
    const i = this.held.indexOf(conn);
    if (i !== -1) this.held.splice(i, 1);
  }

  private dial(): void {
    this.dialing += 1;
    this.pool.acquire().then(this.onDial, this.onDialError);
  }

  private dialled(socket: Socket): void {
    this.dialing -= 1;
    if (this.closed) {
      this.pool.release(socket);
      return;
    }
    let conn = this.known.get(socket);
    if (conn !== undefined && !conn.dead && conn.epoch < this.staleBefore) {
      // Parked before a -32002 was seen: it leads to a server that is shutting down.
      this.drop(conn);
      this.dial();
      return;
    }
    if (conn === undefined || conn.dead) {
      conn = new Connection(this.host, socket, this.o.framing, this.o.maxMessageBytes);
      conn.epoch = this.epoch;
      this.known.set(socket, conn);
      // A socket never keeps the process alive; pending calls do, through the shared timer.
      socket.unref();
    }
    conn.held = true;
    conn.lastUse = this.tick;
    this.held.push(conn);
    this.host.connected();
  }

  private dialFailed(error: unknown): void {
    this.dialing -= 1;
    this.dialErrors += 1;
    this.dialPauseUntil = this.tick + 1;
    if (this.held.length > 0) {
      this.host.connected();
      return;
    }
    const waiters = this.waiters;
    const from = this.waitHead;
    this.waiters = [];
    this.waitHead = 0;
    const failed: Call[] = [];
    for (let i = from; i < waiters.length; i++) {
      const call = waiters[i]!;
      if (call.state === WAITING) failed.push(call);
    }
    if (failed.length > 0) this.host.unreachable(failed, error);
  }
}
