import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createMessageDecoder, type MessageDecoder } from '@rerpc/codec';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Core } from './core.js';
import type { Sockets } from './sockets.js';
import type { WebHost } from './web.js';
import type { ResolvedWebOptions } from './web-options.js';
import { WsClose, WsConnection, type WsOwner } from './ws.js';

type WsModule = typeof import('ws');

/** `ws`, loaded on first use: `import '@rerpc/server'` for TCP or HTTP alone never loads it. */
let wsModule: WsModule | null = null;
let wsLoading: Promise<WsModule> | null = null;

/** Loads `ws` once; resolves with it. */
export function loadWs(): Promise<WsModule> {
  wsLoading ??= import('ws').then((module) => {
    wsModule = module;
    return module;
  });
  return wsLoading;
}

/**
 * The WebSocket side of the web transport: checks each upgrade request (enabled, capacity,
 * closing, `Origin`), completes the handshake with `ws` (noServer mode, `maxPayload` =
 * `maxMessageBytes`, no compression), runs each connection as a `WsConnection`, and pings them
 * all from one timer. One per `listen({ transport: 'http' })` and per `server.upgradeHandler()`.
 */
export class WsAcceptor implements WsOwner {
  private readonly core: Core;
  private readonly sockets: Sockets;
  private readonly options: ResolvedWebOptions;
  /** The sockets are the listener's own (tracked from their accept), not a mounted server's. */
  private readonly owned: boolean;
  private readonly decoder: MessageDecoder;
  private wss: WebSocketServer | null = null;
  private readonly connections = new Set<WsConnection>();
  private pingTimer: NodeJS.Timeout | null = null;
  private readonly pingBound = (): void => this.pingAll();

  constructor(host: WebHost, options: ResolvedWebOptions, owned: boolean) {
    this.core = host.core;
    this.sockets = host.sockets;
    this.options = options;
    this.owned = owned;
    const o = host.core.options;
    this.decoder = createMessageDecoder({
      maxMessageBytes: o.maxMessageBytes,
      maxDepth: o.maxDepth,
    });
    // Stryker disable next-line ConditionalExpression: loading early only saves time: upgrade() waits for the load itself, and ws is a dependency (loading it is not observable)
    if (options.websocket) void loadWs();
  }

  /** node:http's `'upgrade'` listener. */
  readonly upgrade = (req: IncomingMessage, duplex: Duplex, head: Buffer): void => {
    const socket = duplex as Socket;
    // Until ws takes the socket over: a reset must not become an uncaught error.
    socket.on('error', noop);
    const core = this.core;
    if (!this.options.websocket) {
      refuse(socket, 405, 'WebSocket is disabled here; POST JSON-RPC calls instead', 'Allow: POST');
      return;
    }
    const full = `the server is at maxConnections (${core.options.maxConnections}); retry later or elsewhere`;
    if (this.owned && this.sockets.isRefused(socket)) {
      refuse(socket, 503, full);
      return;
    }
    if (core.closing) {
      refuse(socket, 503, 'the server is shutting down; retry elsewhere');
      return;
    }
    const origin = req.headers.origin;
    const origins = this.options.origins;
    if (origins !== null && origin !== undefined && !origins.includes(origin)) {
      refuse(socket, 403, `origin ${origin} may not open a WebSocket here (see origins)`);
      return;
    }
    if (!this.owned && !this.sockets.admit(false)) {
      refuse(socket, 503, full);
      return;
    }
    // Stryker disable next-line BlockStatement: a fast path: the load below resolves at once with the loaded module and hands over the same way
    if (wsModule !== null) {
      this.handshake(wsModule, req, socket, head);
      return;
    }
    // Keep what arrives until ws has loaded and taken the socket over.
    socket.pause();
    loadWs().then(
      (module) => {
        this.handshake(module, req, socket, head);
        socket.resume();
      },
      // Stryker disable next-line ArrowFunction,StringLiteral: ws is a dependency: only a missing ws package fails the load
      () => refuse(socket, 500, 'the ws package could not be loaded'),
    );
  };

  private handshake(module: WsModule, req: IncomingMessage, socket: Socket, head: Buffer): void {
    this.wss ??= new module.WebSocketServer({
      noServer: true,
      maxPayload: this.core.options.maxMessageBytes,
      perMessageDeflate: false,
      // Stryker disable next-line BooleanLiteral: tracking keeps a set of the open clients (each dropped at its close) that nothing reads
      clientTracking: false,
    });
    // A request that is not a valid WebSocket upgrade is answered 400 by ws.
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => this.accept(ws, socket, req));
  }

  private accept(ws: WebSocket, socket: Socket, req: IncomingMessage): void {
    // Stryker disable next-line StringLiteral: ws has added its own 'error' listener to the socket, so leaving noop on changes nothing
    socket.off('error', noop);
    if (!this.owned) this.sockets.add(socket);
    if (this.core.closing) {
      // close() began during the handshake.
      ws.on('error', noop);
      ws.close(WsClose.goingAway, 'the server is shutting down');
      return;
    }
    this.connections.add(new WsConnection(this.core, this, ws, socket, this.decoder, req.headers));
    const interval = this.options.pingInterval;
    if (this.pingTimer === null && interval > 0) {
      this.pingTimer = setInterval(this.pingBound, interval);
      this.pingTimer.unref();
    }
  }

  wsClosed(connection: WsConnection): void {
    this.connections.delete(connection);
    if (this.connections.size === 0 && this.pingTimer !== null) {
      clearInterval(this.pingTimer);
      this.pingTimer = null;
    }
  }

  private pingAll(): void {
    for (const connection of this.connections) connection.ping();
  }
}

/** The reason phrases of the statuses an upgrade is refused with (node:http is not loaded for them). */
const REASONS: Readonly<Record<number, string>> = {
  403: 'Forbidden',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Answers an upgrade request with an HTTP error and closes the socket. */
function refuse(socket: Socket, status: number, message: string, header?: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\nConnection: close\r\n${header === undefined ? '' : `${header}\r\n`}Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function noop(): void {}
