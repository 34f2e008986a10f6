import type { Socket } from 'node:net';
import { createTcpConnector, type SharedPool } from '@rerpc/conn-pool';
import { Connection } from './connection.js';
import type { LinkHost, LinkInfo } from './link.js';
import { linkPool } from './link-pool.js';
import type { ResolvedClientOptions } from './options.js';
import type { ClientTlsOptions } from './tls.js';
import { secure } from './tls-connect.js';

/** Closes a pooled socket gracefully: our queued bytes go out, then it is destroyed; never keeps the process alive. */
function destroySocket(socket: Socket): void {
  // A socket still open takes writes here (the pool destroys a link as soon as it is lost, and
  // lost() runs inside the 'end' event, before Node ends the writable side of a FIN'd socket);
  // one that failed or closed is destroyed already.
  // Stryker disable next-line ConditionalExpression,LogicalOperator: (true, ||) end() and unref() on a destroyed socket do nothing
  if (socket.writable && !socket.writableEnded) {
    socket.end(() => socket.destroy());
    socket.unref();
    return;
  }
  socket.destroy(); // destroyed already (see above); kept for a socket Node ended first
}

/**
 * The pool of TCP (or Unix socket) {@link Connection}s to `target`; with `tls` (not null), TLS
 * is started on each socket once connected.
 */
export function createConnectionSet(
  host: LinkHost,
  target: { host: string; port: number } | { path: string },
  o: ResolvedClientOptions,
  tls: Readonly<ClientTlsOptions> | null,
  address: string,
): SharedPool<Connection> {
  const connector = createTcpConnector(target, { dialTimeout: o.dialTimeout });
  const name = 'path' in target ? 'localhost' : target.host;
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
    // Stryker disable next-line ConditionalExpression,LogicalOperator: lost() has the pool destroy a dead link at once, so a parked one is never dead
    validate: (conn) => !conn.dead && connector.validate(conn.output as Socket),
  });
}
