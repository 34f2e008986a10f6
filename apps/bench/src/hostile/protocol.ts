// Messages between a hostile scenario (the parent, which attacks over raw sockets) and the server
// under test (a child process: dist/hostile/server-main.js). The child never carries the attack's
// traffic over IPC; IPC only asks it to measure itself.

/** What the child's socket taps have seen, over every connection since it started. */
export interface Taps {
  connections: number;
  /** `'data'` events on the server's sockets. */
  reads: number;
  bytesIn: number;
  /** `\n` bytes read before the server's FIN on that connection (NDJSON requests read). */
  linesIn: number;
  /** `\n` bytes read after the server's FIN was flushed on that connection (never run). */
  linesAfterFin: number;
}

export interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** Sent by the child once it has stopped: everything needed to check the outcome of every call. */
export interface FinalReport {
  taps: Taps;
  /** The `n` of every `work` call whose handler started, in start order (a call run twice appears twice). */
  ran: number[];
  /** `server.stats()` just before exiting. */
  stats: ServerStatsLike;
  /** ms from the stop request (SIGTERM or `stop`) to `server.close()` resolving. */
  closeMs: number;
}

/** The part of `server.stats()` both the old and the new server report. */
export interface ServerStatsLike {
  calls: { total: number; inFlight: number };
  errors: Record<string, number>;
  latency: { count: number };
}

export type ToChild =
  | { seq: number; type: 'mem' }
  | { seq: number; type: 'cpu' }
  | { seq: number; type: 'taps' }
  | { seq: number; type: 'release' }
  | { seq: number; type: 'listen' }
  | { seq: number; type: 'stop' };

export type FromChild =
  | { type: 'loaded' }
  | { type: 'ready'; port: number }
  | { type: 'error'; message: string }
  | { type: 'final'; report: FinalReport }
  | { seq: number; type: 'mem'; memory: Memory; taps: Taps }
  | { seq: number; type: 'cpu'; userUs: number; systemUs: number }
  | { seq: number; type: 'taps'; taps: Taps }
  | { seq: number; type: 'released' }
  | { seq: number; type: 'listening'; port: number };

/**
 * How the parent starts the child:
 * `node server-main.js --server=<path> [--framing=…] [--port=N] [--defer-listen]`.
 */
export interface ChildOptions {
  /** Path (or file URL) of the `@rerpc/server` entry to load: a build's `dist/index.js`. */
  server: string;
  framing: 'ndjson' | 'content-length';
  /** 0 = a free port. */
  port: number;
  /**
   * Load the server and register the methods, then wait for a `listen` message (sent by
   * `ServerChild.listen()`): a restart then costs the listen, not Node's start-up.
   */
  deferListen?: boolean;
}
