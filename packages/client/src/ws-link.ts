import type { Socket } from 'node:net';
import { DialError, type SharedPool } from '@rerpc/conn-pool';
import type WebSocket from 'ws';
import type { Call } from './call.js';
import { guardDial } from './dial-guard.js';
import type { LinkHost, LinkInfo } from './link.js';
import { linkPool } from './link-pool.js';
import type { ResolvedClientOptions } from './options.js';
import { WebSocketLink } from './ws-base.js';

type WsModule = typeof import('ws');
/** `ws`, loaded on the first dial of a WebSocket target: TCP and HTTP users never load it. */
let wsModule: Promise<WsModule> | null = null;

function loadWs(): Promise<WsModule> {
  // Stryker disable next-line ConditionalExpression: a cache: import() of the same specifier resolves to the same module
  if (wsModule === null) wsModule = import('ws');
  return wsModule;
}

const OPEN = 1;
function noop(): void {}

/** The TCP (or TLS) socket under a WebSocket: ws keeps it on `_socket`. */
function socketOf(ws: WebSocket): Socket {
  return (ws as unknown as { _socket: Socket })._socket;
}

/**
 * One WebSocket carrying many calls at once, matched by id: each request (a call, a notification
 * or a whole batch) is one text message, and each message received is one response or one batch
 * reply. Requests queued in one tick are handed to the socket together.
 */
export class WsLink extends WebSocketLink {
  readonly ws: WebSocket;
  private readonly socket: Socket;

  constructor(host: LinkHost, ws: WebSocket, info: LinkInfo, batchMax = 0) {
    super(host, info, batchMax);
    this.ws = ws;
    this.socket = socketOf(ws);
    ws.on('message', (data: Buffer) => this.received(data.toString('utf8')));
    // A message past maxMessageBytes (ws's maxPayload) closes the socket with 1009, after 'error'.
    ws.on('error', (error: Error) => host.lost(this, error));
    ws.on('close', (code: number) => this.closed(code));
    this.socket.on('drain', () => this.drained());
  }

  protected writable(): boolean {
    return this.ws.readyState === OPEN;
  }

  /**
   * One frame per request, all in one socket write: corked around the sends (ws corks each frame
   * itself; the outer cork holds them until the last). Measured at 100 calls in flight against a
   * plain ws server: uncorked, one write per frame, 0.61x a corked raw ws client's calls/s.
   */
  protected write(out: string[], notes: Call[] | null): boolean {
    const ws = this.ws;
    const socket = this.socket;
    const last = out.length - 1;
    socket.cork();
    for (let i = 0; i < last; i++) ws.send(out[i]!);
    if (notes === null) ws.send(out[last]!);
    else ws.send(out[last]!, (error) => this.host.written(this, notes, error));
    socket.uncork();
    return !socket.writableNeedDrain;
  }
}

/**
 * Opens a WebSocket to `url`: resolves once it is open; rejects with conn-pool's `DialError`
 * (`cause`: the socket error, or the HTTP status the upgrade got), `DialTimeoutError` past
 * `dialTimeout`, or `signal.reason` when the pool closes meanwhile.
 */
async function dial(
  url: URL,
  o: ResolvedClientOptions,
  signal: AbortSignal,
  address: string,
): Promise<WebSocket> {
  const { WebSocket } = await loadWs();
  signal.throwIfAborted();
  return new Promise<WebSocket>((resolve, reject) => {
    const options = {
      perMessageDeflate: false,
      maxPayload: o.maxMessageBytes,
      // ws's close handshake timer is not unref'd: keep a lost server from holding the process
      // (an option of ws 8.23 that @types/ws does not list yet).
      closeTimeout: 1_000,
      ...o.tls,
      // Stryker disable next-line ConditionalExpression: ws spreads headers: null as none
      ...(o.headers === null ? null : { headers: o.headers }),
    };
    // ws hands the TLS options to tls.connect() (@types/ws types checkServerIdentity otherwise).
    const ws = new WebSocket(url, options as WebSocket.ClientOptions);
    ws.on('error', noop); // after a failed dial, terminate() may still emit one
    const settle = (error: Error | null): void => {
      unguard();
      // Stryker disable StringLiteral: 'open' and 'unexpected-response' come once, before settle(); an 'error' after open already lost the link through its own listener (terminate() only hastens the close)
      ws.off('open', onOpen);
      ws.off('error', onError);
      ws.off('unexpected-response', onResponse);
      // Stryker restore StringLiteral
      if (error === null) {
        resolve(ws);
      } else {
        ws.terminate();
        reject(error);
      }
    };
    const onOpen = (): void => {
      // A socket never keeps the process alive; pending calls do, through the shared timer.
      socketOf(ws).unref();
      settle(null);
    };
    const onError = (error: Error): void => settle(new DialError(address, { cause: error }));
    const onResponse = (_request: unknown, response: { statusCode?: number; resume(): void }) => {
      response.resume();
      const status = new Error(`the upgrade was answered HTTP ${response.statusCode}`);
      settle(new DialError(address, { cause: status }));
    };
    ws.on('open', onOpen);
    ws.on('error', onError);
    ws.on('unexpected-response', onResponse);
    const unguard = guardDial(address, o.dialTimeout, signal, settle);
  });
}

/**
 * The client's WebSockets to `url`, in the same shared pool as TCP connections: a lost socket is
 * replaced by the next dial, which the calls waiting for it (or retrying with backoff) trigger.
 */
export function createWsLinkSet(
  host: LinkHost,
  url: URL,
  o: ResolvedClientOptions,
): SharedPool<WsLink> {
  const address = `${url.origin}${url.pathname}`;
  const info: LinkInfo = Object.freeze({
    transport: url.protocol === 'wss:' ? 'wss' : 'ws',
    address,
  });
  return linkPool<WsLink>(o, {
    create: async (signal) =>
      new WsLink(host, await dial(url, o, signal, address), info, o.autoBatch),
    destroy: (link) => {
      // Stryker disable next-line BooleanLiteral: the WebSocket is closed on the next line, so writable() refuses every later write anyway
      link.dead = true;
      if (link.ws.readyState === OPEN) link.ws.close(1000);
      else link.ws.terminate();
    },
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a socket closed while parked is lost at its 'close' and destroyed at once, so a parked link is open and not dead
    validate: (link) => !link.dead && link.ws.readyState === OPEN,
  });
}
