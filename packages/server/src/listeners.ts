import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { ResolvedListen } from './listen-options.js';
import { loadWs, WsAcceptor } from './upgrade.js';
import { WebHandler, type WebHost } from './web.js';

/** An HTTP listener (plain or TLS). */
export type HttpListener = HttpServer | HttpsServer;

/** What a listener hands its connections to. */
export interface ListenerHost extends WebHost {
  /** The server's `allowHalfOpen` option. */
  readonly allowHalfOpen: boolean;
  /** A TCP (or TLS) connection was accepted. */
  onConnection(socket: Socket): void;
}

/**
 * The listener for a transport (and `tls`), wired to its handlers: `net` for TCP, `tls` for TCP
 * over TLS, `http`/`https` (with WebSocket upgrades) for the web transport. The modules other than
 * `net` (and `ws`) are loaded here, on first use, so `import '@rerpc/server'` does not load them.
 */
export async function createListener(
  { transport, tls, web }: ResolvedListen,
  host: ListenerHost,
): Promise<{ net: NetServer; http: HttpListener | null }> {
  const onConnection = (socket: Socket): void => host.onConnection(socket);
  if (transport === 'tcp') {
    if (tls === null) {
      return {
        // Stryker disable next-line BooleanLiteral: noDelay is not readable back from a socket; Nagle's delay shows only as timing
        net: createNetServer({ allowHalfOpen: true, noDelay: true }, onConnection),
        http: null,
      };
    }
    const { createServer } = await import('node:tls');
    // allowHalfOpen as configured, not always: a peer whose FIN comes before the handshake
    // completes would otherwise leave a socket nobody owns half-open until handshakeTimeout.
    const server = createServer(
      // Stryker disable next-line BooleanLiteral: noDelay is not readable back from a socket; Nagle's delay shows only as timing
      { ...tls, allowHalfOpen: host.allowHalfOpen, noDelay: true },
      onConnection,
    );
    server.on('tlsClientError', destroyFailed);
    return { net: server, http: null };
  }
  // ws is loaded before the first upgrade can arrive (and only when WebSocket is on).
  // Stryker disable next-line ConditionalExpression: ws is a dependency, so loading it is not observable (WsAcceptor starts the same load, and upgrade() waits for it); only a missing ws package would tell
  if (web!.websocket) await loadWs();
  const handler = new WebHandler(host, web!, true);
  const sockets = host.sockets;
  let server: HttpListener;
  if (tls === null) {
    const { createServer } = await import('node:http');
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: noDelay is not readable back from a socket; Nagle's delay shows only as timing
    server = createServer({ noDelay: true }, handler.request);
    server.on('connection', (socket: Socket) => sockets.accept(socket));
  } else {
    const { createServer } = await import('node:https');
    // Stryker disable next-line BooleanLiteral: noDelay is not readable back from a socket; Nagle's delay shows only as timing
    server = createServer({ ...tls, noDelay: true }, handler.request);
    server.on('secureConnection', (socket: Socket) => sockets.accept(socket));
    // Stryker disable next-line StringLiteral: node's https.Server also passes tlsClientError on to 'clientError', whose listener below destroys the socket
    server.on('tlsClientError', destroyFailed);
  }
  server.on('checkContinue', handler.checkContinue);
  server.on('upgrade', new WsAcceptor(host, web!, true).upgrade);
  // Requests are answered one by one: client errors (a malformed request) just close.
  server.on('clientError', (_error: Error, socket: Socket) => socket.destroy());
  return { net: server, http: server };
}

/** A failed TLS handshake: nothing was accepted; drop the socket. */
function destroyFailed(_error: Error, socket: Socket): void {
  socket.destroy();
}
