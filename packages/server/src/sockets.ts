import type { Socket } from 'node:net';

/**
 * The sockets the server owns, over every transport: its listener's TCP, TLS and HTTP
 * connections, and the WebSocket connections of a mounted upgrade handler. The one owner of
 * `stats().connections` and `stats().bytes`, and of `maxConnections`.
 */
export class Sockets {
  private readonly open = new Set<Socket>();
  /** A listener's sockets accepted over `maxConnections`: their requests get 503. */
  private readonly refusedSockets = new WeakSet<Socket>();
  private readonly max: number;
  private total = 0;
  private refused = 0;
  /** Bytes of sockets already closed, and of exchanges on sockets the server does not own. */
  private bytesIn = 0;
  private bytesOut = 0;
  private readonly onClose: () => void;

  /** `onClose` is called after each owned socket closes. */
  constructor(maxConnections: number, onClose: () => void) {
    this.max = maxConnections;
    this.onClose = onClose;
  }

  get size(): number {
    return this.open.size;
  }

  /** Whether one more socket fits under `maxConnections`; counts a refusal when not. */
  admit(closing: boolean): boolean {
    if (closing || this.open.size >= this.max) {
      this.refused++;
      return false;
    }
    return true;
  }

  /**
   * An HTTP listener's new socket: tracked, or (over `maxConnections`) marked refused, so its
   * requests and upgrades get 503 and it closes.
   */
  accept(socket: Socket): void {
    if (this.admit(false)) this.add(socket);
    else this.refusedSockets.add(socket);
  }

  isRefused(socket: Socket): boolean {
    return this.refusedSockets.has(socket);
  }

  /** Tracks an admitted socket until it closes. */
  add(socket: Socket): void {
    this.total++;
    this.open.add(socket);
    socket.once('close', () => this.closed(socket));
  }

  /** Tracks a socket whose owner reports its close itself (`closed()`), like a TCP `Connection`. */
  adopt(socket: Socket): void {
    this.total++;
    this.open.add(socket);
  }

  closed(socket: Socket): void {
    if (!this.open.delete(socket)) return;
    this.bytesIn += socket.bytesRead;
    this.bytesOut += socket.bytesWritten;
    this.onClose();
  }

  /** Bytes moved on a socket the server does not own (a mounted handler's HTTP exchange). */
  countBytes(bytesIn: number, bytesOut: number): void {
    this.bytesIn += bytesIn;
    this.bytesOut += bytesOut;
  }

  /** Calls `fn` with every open socket (a copy: `fn` may close them). */
  forEach(fn: (socket: Socket) => void): void {
    for (const socket of [...this.open]) fn(socket);
  }

  snapshot(): {
    connections: { open: number; total: number; refused: number };
    bytes: { in: number; out: number };
  } {
    let bytesIn = this.bytesIn;
    let bytesOut = this.bytesOut;
    for (const socket of this.open) {
      bytesIn += socket.bytesRead;
      bytesOut += socket.bytesWritten;
    }
    return {
      connections: { open: this.open.size, total: this.total, refused: this.refused },
      bytes: { in: bytesIn, out: bytesOut },
    };
  }
}
