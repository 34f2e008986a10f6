import { connect, type Socket } from 'node:net';
import type { Framing } from '@rerpc/codec';
import { type Deferred, deferred } from '@rerpc/internal/testing';
import { onTestFinished } from 'vitest';
import {
  type CallContext,
  type ChannelTransport,
  createServer,
  RpcError,
  type Server,
  type ServerOptions,
} from '../src/index.js';

export { type Deferred, deferred };

/** A request's JSON text (no `params` member when `params` is undefined). */
export const req = (method: string, params?: unknown, id: unknown = 1) =>
  JSON.stringify(
    params === undefined ? { jsonrpc: '2.0', method, id } : { jsonrpc: '2.0', method, params, id },
  );

/**
 * Registers `name`, a handler that never settles; resolves with its `ctx` once it is called. It
 * does not read `ctx.signal` (created on first read): call {@link abortReason} for that.
 */
export function stuck(server: Server, name: string): Promise<CallContext> {
  const started = deferred<CallContext>();
  server.method(name, (_params: unknown, ctx: CallContext) => {
    started.resolve(ctx);
    return new Promise(() => {});
  });
  return started.promise;
}

/** `ctx.signal`'s abort reason: at once when it is aborted already, else when it aborts. */
export function abortReason(ctx: CallContext): Promise<unknown> {
  const signal = ctx.signal;
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(signal.reason), { once: true }),
  );
}

/** The Go rerpc example service. */
export class ArithService {
  Add({ a, b }: { a: number; b: number }) {
    return { result: a + b };
  }
  Multiply({ a, b }: { a: number; b: number }) {
    return { result: a * b };
  }
  Divide({ a, b }: { a: number; b: number }) {
    if (b === 0) throw new RpcError(-32603, 'Internal error', 'division by zero');
    return { result: a / b };
  }
  _secret() {
    return 'never';
  }
}

const ab = {
  type: 'object',
  required: ['a', 'b'],
  properties: { a: { type: 'integer' }, b: { type: 'integer' } },
} as const;

/** Registers the spec's example methods (jsonrpc.org section 7) and a few test helpers. */
export function registerFixtures(server: Server): void {
  server.register(new ArithService(), {
    name: 'ArithService',
    methods: { Add: { params: ab }, Multiply: { params: ab } },
  });
  server.method('subtract', (params: unknown) => {
    if (Array.isArray(params)) return (params[0] as number) - (params[1] as number);
    const p = params as { minuend: number; subtrahend: number };
    return p.minuend - p.subtrahend;
  });
  server.method('sum', (params: number[]) => params.reduce((a, b) => a + b, 0));
  server.method('get_data', () => ['hello', 5]);
  server.method('update', () => null);
  server.method('notify_hello', () => null);
  server.method('notify_sum', () => null);
  server.method('echo', (params: unknown) => params);
  server.method(
    'sleep',
    ({ ms }: { ms: number }, ctx: CallContext) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms, ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        });
      }),
  );
  server.method(
    'fail',
    ({ code, message, data }: { code: number; message: string; data?: unknown }) => {
      throw new RpcError(code, message, data);
    },
  );
  server.method('crash', () => {
    throw new Error('secret internal detail');
  });
}

/** A server closed (at once) when the test finishes. */
export function makeServer(options?: ServerOptions, fixtures = true): Server {
  const server = createServer(options);
  if (fixtures) registerFixtures(server);
  onTestFinished(() => server.close({ timeout: 0 }));
  return server;
}

/** A listening server on 127.0.0.1 and its port. */
export async function listening(
  options?: ServerOptions,
  fixtures = true,
): Promise<{ server: Server; port: number }> {
  const server = makeServer(options, fixtures);
  const address = await server.listen({ port: 0, host: '127.0.0.1' });
  if (!('port' in address)) throw new Error('expected a TCP address');
  return { server, port: address.port };
}

/**
 * A raw client socket that splits what it reads into frames (NDJSON lines or Content-Length
 * bodies) and hands them out in order.
 */
export class Peer {
  readonly socket: Socket;
  readonly framing: Framing;
  /** Every 'data' chunk's frame count, in order (to see what arrived together). */
  readonly chunks: number[] = [];
  private readonly frames: string[] = [];
  private waiters: Array<Deferred<string>> = [];
  private buffer: Buffer = Buffer.alloc(0);
  /** Resolves when the socket closes; `hadError` from Node's 'close'. */
  readonly closed: Promise<boolean>;
  /** Resolves when the server half-closes (our 'end'). */
  readonly ended: Promise<void>;
  private isClosed = false;

  private constructor(socket: Socket, framing: Framing) {
    this.socket = socket;
    this.framing = framing;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
    this.ended = new Promise((resolve) => socket.once('end', resolve));
    this.closed = new Promise((resolve) =>
      socket.once('close', (hadError: boolean) => {
        this.isClosed = true;
        for (const w of this.waiters) w.reject(new Error('connection closed'));
        this.waiters = [];
        resolve(hadError);
      }),
    );
  }

  static async connect(port: number, framing: Framing = 'ndjson'): Promise<Peer> {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const peer = new Peer(socket, framing);
    onTestFinished(() => {
      socket.destroy();
    });
    return peer;
  }

  /** Writes raw text or bytes. */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Writes JSON texts, each framed, in one write. */
  send(...texts: string[]): void {
    let out = '';
    for (const text of texts) {
      out +=
        this.framing === 'ndjson'
          ? `${text}\n`
          : `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
    }
    this.socket.write(out);
  }

  /** The next frame's text. Rejects if the connection closes first. */
  next(): Promise<string> {
    const frame = this.frames.shift();
    if (frame !== undefined) return Promise.resolve(frame);
    if (this.isClosed) return Promise.reject(new Error('connection closed'));
    const d = deferred<string>();
    this.waiters.push(d);
    return d.promise;
  }

  /** The next frame, parsed. */
  async nextJson(): Promise<unknown> {
    return JSON.parse(await this.next());
  }

  /** The next `n` frames, parsed. */
  async take(n: number): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(await this.nextJson());
    return out;
  }

  /** Frames received and not taken yet. */
  get queued(): number {
    return this.frames.length;
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let count = 0;
    for (;;) {
      const frame = this.framing === 'ndjson' ? this.line() : this.body();
      if (frame === null) break;
      count++;
      const waiter = this.waiters.shift();
      if (waiter !== undefined) waiter.resolve(frame);
      else this.frames.push(frame);
    }
    this.chunks.push(count);
  }

  private line(): string | null {
    const nl = this.buffer.indexOf(10);
    if (nl === -1) return null;
    const text = this.buffer.toString('utf8', 0, nl);
    this.buffer = this.buffer.subarray(nl + 1);
    return text;
  }

  private body(): string | null {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end === -1) return null;
    const header = this.buffer.toString('latin1', 0, end);
    const match = /Content-Length: (\d+)/i.exec(header);
    if (match === null) throw new Error(`bad header ${header}`);
    const length = Number(match[1]);
    if (this.buffer.length < end + 4 + length) return null;
    const text = this.buffer.toString('utf8', end + 4, end + 4 + length);
    this.buffer = this.buffer.subarray(end + 4 + length);
    return text;
  }
}

/** Sorts a batch answer by id so batches compare as sets. */
export function byId(value: unknown): unknown[] {
  if (!Array.isArray(value))
    throw new Error(`expected a batch answer, got ${JSON.stringify(value)}`);
  return [...value].sort((x, y) =>
    String((x as { id: unknown }).id).localeCompare(String((y as { id: unknown }).id)),
  );
}

/** Parses a `handle()` answer; `null` stays `null`. */
export async function answer(promise: Promise<string | null>): Promise<unknown> {
  const text = await promise;
  return text === null ? null : JSON.parse(text);
}

/**
 * An openChannel() transport that records what the core asks of it: each answer as sent (`sent`)
 * and parsed (`answers`), pause/resume/end in order; `ended` resolves at end(). No `destroyed` hook.
 */
export function recorder() {
  const sent: string[] = [];
  const answers: unknown[] = [];
  const events: string[] = [];
  const ended = deferred();
  const transport: ChannelTransport = {
    remoteAddress: null,
    send: (text) => {
      sent.push(text);
      answers.push(JSON.parse(text));
    },
    pause: () => {
      events.push('pause');
    },
    resume: () => {
      events.push('resume');
    },
    end: () => {
      events.push('end');
      ended.resolve();
    },
  };
  return { transport, sent, answers, events, ended: ended.promise };
}
