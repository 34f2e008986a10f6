import type { Socket } from 'node:net';
import { createSharedPool, createTcpConnector, type SharedPool } from '@rerpc/conn-pool';
import { Connection } from './connection.js';
import type { LinkHost } from './link.js';
import type { ClientTarget, ResolvedClientOptions } from './options.js';
import type { ConnectionStats } from './stats.js';

/** Load penalty of a connection whose socket buffer is full: chosen only when all are. */
const BLOCKED = 2 ** 30;

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
 * The client's connections to one server: @rerpc/conn-pool's shared pool of {@link Connection}s.
 * Each call on a connection holds one lease on it, from the send to the moment it leaves it
 * (settled, cancelled, retried elsewhere; a notification once written). The pool picks the
 * least-loaded connection (calls in flight, a penalty while its socket buffer is full), dials
 * another past `pipelineThreshold` (one at a time, up to `maxActive`), queues calls while none is
 * open, parks connections unused for a while (and evicts them per maxIdle / idleTimeout), and
 * retires them all when the server says it is shutting down (`retireAll()`): each then closes
 * once its last call leaves it.
 */
export function createConnectionSet(
  host: LinkHost,
  target: ClientTarget,
  o: ResolvedClientOptions,
): SharedPool<Connection> {
  const connector = createTcpConnector(target, { dialTimeout: o.dialTimeout });
  return createSharedPool<Connection>({
    create: async (signal) => {
      const socket = await connector.create(signal);
      // A socket never keeps the process alive; pending calls do, through the shared timer.
      socket.unref();
      return new Connection(host, socket, o.framing, o.maxMessageBytes);
    },
    destroy: (conn) => {
      conn.dead = true;
      conn.stop();
      destroySocket(conn.socket);
    },
    validate: (conn) => !conn.dead && connector.validate(conn.socket),
    load: (conn) => (conn.blocked ? conn.pending.size + BLOCKED : conn.pending.size),
    loadThreshold: o.pipelineThreshold,
    maxActive: o.maxActive,
    maxIdle: o.maxIdle,
    idleTimeout: o.idleTimeout,
    closeTimeout: 0,
  });
}

/** The client's view of the pool's stats (the names predate the shared pool). */
export function connectionStats(pool: Pick<SharedPool<object>, 'stats'>): ConnectionStats {
  const s = pool.stats();
  return {
    active: s.active,
    idle: s.idle,
    dialling: s.creating,
    dialled: s.created,
    dialErrors: s.createErrors,
  };
}
