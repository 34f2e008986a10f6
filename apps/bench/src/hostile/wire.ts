// Raw `net` sockets for the attacks: no rerpc code on the attacking side, so what is measured is
// the server alone.
import net from 'node:net';

/** Opens a TCP connection to 127.0.0.1 with Nagle off; rejects after 5 s. */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`could not connect to 127.0.0.1:${port} within 5 s`));
    }, 5000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.on('error', () => {
        // A reset by the server under test is an outcome, reported through 'close'.
      });
      resolve(socket);
    });
    const onError = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once('error', onError);
  });
}

/** The NDJSON answers arriving on one socket, one line at a time. */
export class Lines {
  private tail = '';
  private readonly queue: string[] = [];
  private head = 0;
  private waiter: ((line: string | null) => void) | null = null;
  private closed = false;

  constructor(socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      let start = 0;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
        const line = this.tail + text.slice(start, i);
        this.tail = '';
        start = i + 1;
        this.push(line);
      }
      this.tail += text.slice(start);
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.(null);
      this.waiter = null;
    });
  }

  private push(line: string): void {
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter(line);
    } else {
      this.queue.push(line);
    }
  }

  /** The next line; null when the socket closed or `timeoutMs` passed first. */
  next(timeoutMs: number): Promise<string | null> {
    if (this.head < this.queue.length) {
      const line = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      return Promise.resolve(line);
    }
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(null);
      }, timeoutMs);
      this.waiter = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
    });
  }
}

/** One NDJSON request text, `\n` included. */
export function request(method: string, params: unknown, id: number): string {
  return `${JSON.stringify({ jsonrpc: '2.0', method, params, id })}\n`;
}

export interface Pinger {
  /** Round-trip times of the answered pings, ms, in order. */
  readonly samples: number[];
  /** Pings that had no answer within `stallMs` (each one stops the pinger). */
  stalled: number;
  /** Stops after the ping in flight; resolves when it has. */
  stop(): Promise<void>;
  /** Resolves when the pinger stopped by itself (count reached, stall or socket closed). */
  readonly done: Promise<void>;
}

export interface PingOptions {
  /** Most pings to send. */
  count: number;
  /** Stop after this long (ms) even if `count` is not reached. */
  maxMs: number;
  /**
   * A ping unanswered this long counts as stalled: `onStall` is called (to end the attack) and the
   * pinger waits up to `stallWaitMs` more for that answer, records its full time, and stops.
   */
  stallMs: number;
  stallWaitMs: number;
  onStall?: () => void;
}

/** Sequential `ping` calls on their own connection: one in flight, the next sent on its answer. */
export function startPinger(socket: net.Socket, lines: Lines, options: PingOptions): Pinger {
  let stopping = false;
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  const pinger: Pinger = {
    samples: [],
    stalled: 0,
    stop: () => {
      stopping = true;
      return done;
    },
    done,
  };
  const deadline = performance.now() + options.maxMs;
  const run = async () => {
    for (let id = 1; id <= options.count && !stopping && performance.now() < deadline; id++) {
      const start = performance.now();
      socket.write(request('ping', [], id));
      let line = await lines.next(options.stallMs);
      if (line === null && !socket.destroyed) {
        pinger.stalled++;
        options.onStall?.();
        line = await lines.next(options.stallWaitMs);
        if (line !== null) pinger.samples.push(performance.now() - start);
        break;
      }
      if (line === null) break;
      pinger.samples.push(performance.now() - start);
    }
  };
  run().then(stopped, stopped);
  return pinger;
}

/** Resolves on the next turn of the event loop (after I/O). */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
