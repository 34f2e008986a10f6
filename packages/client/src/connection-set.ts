import type { Socket } from 'node:net';
import {
  createSharedPool,
  createTcpConnector,
  type SharedPool,
  type SharedPoolFactory,
} from '@rerpc/conn-pool';
import { Connection } from './connection.js';
import type { LinkHost, LinkInfo, QueuedLink } from './link.js';
import type { ResolvedClientOptions } from './options.js';
import type { ConnectionStats } from './stats.js';
import { type ClientTlsOptions, secure } from './tls.js';

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
 * The client's connections (TCP, or WebSockets) to one server: @rerpc/conn-pool's shared pool of
 * links. Each call on a link holds one lease on it, from the send to the moment it leaves it
 * (settled, cancelled, retried elsewhere; a notification once written). The pool picks the
 * least-loaded link (calls in flight, a penalty while its socket buffer is full), dials another
 * past `pipelineThreshold` (one at a time, up to `maxActive`), queues calls while none is open,
 * parks links unused for a while (and evicts them per maxIdle / idleTimeout), and retires them
 * all when the server says it is shutting down (`retireAll()`): each then closes once its last
 * call leaves it. `factory` dials, closes and checks one link.
 */
export function linkPool<T extends QueuedLink>(
  o: Pick<ResolvedClientOptions, 'pipelineThreshold' | 'maxActive' | 'maxIdle' | 'idleTimeout'>,
  factory: Pick<SharedPoolFactory<T>, 'create' | 'destroy' | 'validate'>,
): SharedPool<T> {
  return createSharedPool<T>({
    ...factory,
    load: (link) => (link.blocked ? link.pending.size + BLOCKED : link.pending.size),
    loadThreshold: o.pipelineThreshold,
    maxActive: o.maxActive,
    maxIdle: o.maxIdle,
    idleTimeout: o.idleTimeout,
    closeTimeout: 0,
  });
}

/**
 * The pool of TCP (or Unix socket) {@link Connection}s to `target`; with `tls` (not null), TLS
 * is started on each socket once connected.
 */
export function createConnectionSet(
  host: LinkHost,
  target: { host?: string; port: number } | { path: string },
  o: ResolvedClientOptions,
  tls: Readonly<ClientTlsOptions> | null,
  address: string,
): SharedPool<Connection> {
  const connector = createTcpConnector(target, { dialTimeout: o.dialTimeout });
  const name = 'path' in target ? 'localhost' : (target.host ?? 'localhost');
  const transport = tls !== null ? 'tls' : 'path' in target ? 'unix' : 'tcp';
  const info: LinkInfo = Object.freeze({ transport, address });
  return linkPool<Connection>(o, {
    create: async (signal) => {
      let socket: Socket = await connector.create(signal);
      if (tls !== null) socket = await secure(socket, name, tls, address, o.dialTimeout, signal);
      // A socket never keeps the process alive; pending calls do, through the shared timer.
      socket.unref();
      return new Connection(host, socket, socket, o.framing, o.maxMessageBytes, info);
    },
    destroy: (conn) => {
      conn.dead = true;
      conn.stop();
      destroySocket(conn.output as Socket); // the socket create() made
    },
    validate: (conn) => !conn.dead && connector.validate(conn.output as Socket),
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
