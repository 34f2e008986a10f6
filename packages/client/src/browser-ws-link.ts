import { DialError, type SharedPool } from '@rerpc/conn-pool';
import type { Call } from './call.js';
import { guardDial } from './dial-guard.js';
import type { LinkHost, LinkInfo } from './link.js';
import { linkPool } from './link-pool.js';
import type { ResolvedClientOptions } from './options.js';
import { WebSocketLink } from './ws-base.js';

/** What the client uses of the platform's WebSocket (a browser's, or Node 22's global one). */
interface PlatformSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number): void;
  addEventListener(type: string, listener: (event: never) => void): void;
  removeEventListener(type: string, listener: (event: never) => void): void;
}
type SocketClass = new (url: string) => PlatformSocket;

const OPEN = 1;

/**
 * One platform WebSocket carrying many calls at once, matched by id: each request (a call, a
 * notification or a whole batch) is one text message, and each message received is one
 * response or one batch reply (autoBatch: the requests of one tick as batches). The browser buffers what is sent (there is no drain event to
 * wait for), so the link is never blocked, and a notification is done once handed to `send()`.
 */
export class PlatformWsLink extends WebSocketLink {
  readonly ws: PlatformSocket;

  constructor(host: LinkHost, ws: PlatformSocket, info: LinkInfo, batchMax = 0) {
    super(host, info, batchMax);
    this.ws = ws;
    ws.addEventListener('message', (event: { data: unknown }) => {
      if (typeof event.data === 'string') this.received(event.data);
      else host.unreadable(this); // a binary message
    });
    // An 'error' is always followed by 'close', which says more (its code).
    ws.addEventListener('close', (event: { code: number }) => this.closed(event.code));
  }

  protected writable(): boolean {
    return this.ws.readyState === OPEN;
  }

  protected write(out: string[], notes: Call[] | null): boolean {
    const ws = this.ws;
    for (const text of out) ws.send(text);
    if (notes !== null) this.host.written(this, notes, null);
    return true;
  }
}

/**
 * Opens a WebSocket to `url`: resolves once it is open; rejects with conn-pool's `DialError`
 * (`cause`: why it closed before opening; a browser does not say more), `DialTimeoutError` past
 * `dialTimeout`, or `signal.reason` when the pool closes meanwhile.
 */
function dial(url: URL, timeout: number, signal: AbortSignal, address: string) {
  return new Promise<PlatformSocket>((resolve, reject) => {
    const Socket = (globalThis as { WebSocket?: SocketClass }).WebSocket;
    let ws: PlatformSocket;
    try {
      if (Socket === undefined) throw new Error('this runtime has no global WebSocket');
      ws = new Socket(url.href);
    } catch (error) {
      reject(new DialError(address, { cause: error }));
      return;
    }
    const settle = (error: Error | null): void => {
      unguard();
      // Stryker disable next-line StringLiteral: 'open' fires once
      ws.removeEventListener('open', onOpen);
      // Stryker disable next-line StringLiteral: a later 'close' settles a settled promise (a no-op) and closes a closed socket
      ws.removeEventListener('close', onClose);
      if (error === null) {
        resolve(ws);
      } else {
        ws.close();
        reject(error);
      }
    };
    const onOpen = (): void => settle(null);
    const onClose = (event: { code: number }): void => {
      const cause = new Error(`the WebSocket closed before it opened (code ${event.code})`);
      settle(new DialError(address, { cause }));
    };
    ws.addEventListener('open', onOpen);
    ws.addEventListener('close', onClose);
    const unguard = guardDial(address, timeout, signal, settle);
  });
}

/**
 * The client's platform WebSockets to `url`, in the same shared pool as Node's links: a lost
 * socket is replaced by the next dial, which the calls waiting for it (or retrying) trigger.
 */
export function createPlatformWsLinkSet(
  host: LinkHost,
  url: URL,
  o: ResolvedClientOptions,
): SharedPool<PlatformWsLink> {
  const address = `${url.origin}${url.pathname}`;
  const info: LinkInfo = Object.freeze({
    transport: url.protocol === 'wss:' ? 'wss' : 'ws',
    address,
  });
  return linkPool<PlatformWsLink>(o, {
    create: async (signal) =>
      new PlatformWsLink(host, await dial(url, o.dialTimeout, signal, address), info, o.autoBatch),
    destroy: (link) => {
      // Stryker disable next-line BooleanLiteral: the WebSocket is closed on the next line, so writable() refuses every later write anyway
      link.dead = true;
      link.ws.close(1000);
    },
    // Stryker disable next-line ConditionalExpression,LogicalOperator,BooleanLiteral,EqualityOperator: a socket closed while parked is lost at its 'close' and destroyed at once, so a parked link is open and not dead
    validate: (link) => !link.dead && link.ws.readyState === OPEN,
  });
}
