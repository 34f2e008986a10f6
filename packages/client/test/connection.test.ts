// One TCP, Unix-socket or TLS connection as the client sees it: what each way of losing it says
// in the calls' ConnectionError, what `ctx.link` reports for it, and how TLS is started on it
// (SNI, the dial's deadline, close() during the handshake). The servers are written here.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import {
  createConnection,
  createServer as createNetServer,
  type Server,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { createDecoder, type Framing } from '@rerpc/codec';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  ClientClosedError,
  type ClientOptions,
  type ClientTarget,
  ConnectionError,
} from '../src/index.js';
import { until } from './fixtures/raw-server.js';
import { connect, rejection, tlsFixture } from './helpers.js';

const { key, cert } = tlsFixture();

type Msg = Record<string, unknown>;

interface Scripted {
  /** The port, or the socket path of a `path` server. */
  readonly where: number | string;
  /** The next message the client sent, in arrival order. */
  next(): Promise<Msg>;
  /** Writes raw text to the client's connection. */
  write(text: string): void;
  /** The connection the client opened (once it has). */
  readonly socket: Socket;
  /** Each TLS connection's SNI name (false: none sent). */
  readonly servernames: Array<string | false | null>;
}

/**
 * A server that hands the test every message the client sends and writes whatever the test
 * says: plain or TLS, on 127.0.0.1 or on a Unix socket (`path`); with `halfOpen`, it keeps its
 * side open after the client's FIN.
 */
async function scripted(
  options: { tls?: boolean; path?: boolean; framing?: Framing; halfOpen?: boolean } = {},
): Promise<Scripted> {
  const messages: Msg[] = [];
  const waiters: Array<(message: Msg) => void> = [];
  const servernames: Array<string | false | null> = [];
  let socket: Socket | null = null;
  const sockets = new Set<Socket>();
  const serve = (s: Socket): void => {
    socket = s;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    if (options.tls === true) servernames.push((s as TLSSocket).servername);
    const decoder = createDecoder(options.framing ?? 'ndjson', {
      onMessage: (value) => {
        const waiter = waiters.shift();
        if (waiter === undefined) messages.push(value as Msg);
        else waiter(value as Msg);
      },
      onParseError: () => {},
      onOversize: () => {},
      onFramingError: () => {},
    });
    s.on('data', (chunk: Buffer) => decoder.push(chunk));
  };
  const allowHalfOpen = options.halfOpen === true;
  const server: Server =
    options.tls === true
      ? createTlsServer({ key, cert, allowHalfOpen }, serve)
      : createNetServer({ allowHalfOpen }, serve);
  let where: number | string;
  if (options.path === true) {
    const dir = mkdtempSync(join(tmpdir(), 'rerpc-conn-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    where = join(dir, 's.sock');
    server.listen(where);
  } else {
    server.listen(0, '127.0.0.1');
  }
  await once(server, 'listening');
  onTestFinished(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  if (options.path !== true) where = (server.address() as { port: number }).port;
  return {
    where: where!,
    next: () => {
      const message = messages.shift();
      if (message !== undefined) return Promise.resolve(message);
      return new Promise((resolve) => waiters.push(resolve));
    },
    write: (text) => socket!.write(text),
    get socket() {
      return socket!;
    },
    servernames,
  };
}

const answer = (request: Msg, result: unknown): string =>
  `${JSON.stringify({ jsonrpc: '2.0', result, id: request['id'] })}\n`;

const lostAfterWrite = (address: string, detail: string): string =>
  `The connection to ${address} was lost after the request was written (${detail}), so it may have run and was not retried; retry it yourself if running it twice is safe, or mark the call idempotent`;

const unreachable = (address: string, detail: string): string =>
  `Could not reach ${address} (${detail}), so the call did not run; check that the server is running and listening there, or raise maxRetries / timeout to wait for it longer`;

describe('a TCP connection lost under its calls', () => {
  it("the server's FIN: ConnectionError (sent) 'the server closed the connection'", async () => {
    const server = await scripted();
    const client = connect(server.where as number);
    const call = rejection<ConnectionError>(client.call('wait'));
    await server.next();
    server.socket.end();
    const error = await call;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.sent).toBe(true);
    expect(error.message).toBe(
      lostAfterWrite(`127.0.0.1:${server.where}`, 'the server closed the connection'),
    );
  });

  it("a reset: ConnectionError (sent) naming the socket's error code", async () => {
    const server = await scripted();
    const client = connect(server.where as number);
    const call = rejection<ConnectionError>(client.call('wait'));
    await server.next();
    server.socket.resetAndDestroy();
    const error = await call;
    expect(error.message).toBe(lostAfterWrite(`127.0.0.1:${server.where}`, 'ECONNRESET'));
    expect(error.cause).toMatchObject({ code: 'ECONNRESET' });
  });

  it('an answer larger than maxMessageBytes closes the connection: its calls fail (sent)', async () => {
    const server = await scripted();
    const client = connect(server.where as number, { maxMessageBytes: 100 });
    const call = rejection<ConnectionError>(client.call('big'));
    const request = await server.next();
    const closed = once(server.socket, 'close');
    server.write(answer(request, 'x'.repeat(200)));
    const error = await call;
    expect(error.message).toBe(
      lostAfterWrite(
        `127.0.0.1:${server.where}`,
        'an answer larger than maxMessageBytes, 100 bytes',
      ),
    );
    await closed;
  });

  it('malformed Content-Length framing closes the connection: its calls fail (sent)', async () => {
    const server = await scripted({ framing: 'content-length' });
    const client = connect(server.where as number, { framing: 'content-length' });
    const call = rejection<ConnectionError>(client.call('wait'));
    await server.next();
    server.write('Content-Length: ten\r\n\r\n');
    const error = await call;
    expect(error.message).toBe(
      lostAfterWrite(`127.0.0.1:${server.where}`, 'malformed Content-Length framing'),
    );
  });
});

describe('ctx.link of a connection', () => {
  /** What the client's handler saw as `ctx.link` when the server called it on its connection. */
  async function linkSeen(
    server: Scripted,
    target: ClientTarget,
    options: ClientOptions = {},
  ): Promise<unknown> {
    const client = connect(target, options);
    client.method('Client.link', (_params: unknown, ctx) => ({ ...ctx.link }));
    const call = client.call('hello');
    const hello = await server.next();
    server.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'Client.link', id: 'w' })}\n`);
    const reply = await server.next();
    server.write(answer(hello, 'hi'));
    await expect(call).resolves.toBe('hi');
    return reply['result'];
  }

  it("is 'tcp' with host:port", async () => {
    const server = await scripted();
    const port = server.where as number;
    expect(await linkSeen(server, { host: '127.0.0.1', port })).toEqual({
      transport: 'tcp',
      address: `127.0.0.1:${port}`,
    });
  });

  it("is 'unix' with the socket path", async () => {
    const server = await scripted({ path: true });
    const path = server.where as string;
    expect(await linkSeen(server, { path })).toEqual({
      transport: 'unix',
      address: path,
    });
  });

  it("is 'stream' over a socket it did not dial", async () => {
    const server = await scripted();
    const socket = createConnection(server.where as number, '127.0.0.1');
    await once(socket, 'connect');
    onTestFinished(() => {
      socket.destroy();
    });
    expect(await linkSeen(server, { stream: socket }, { framing: 'ndjson' })).toEqual({
      transport: 'stream',
      address: 'stream',
    });
  });

  it("is 'tls' for tls://", async () => {
    const server = await scripted({ tls: true });
    const port = server.where as number;
    expect(await linkSeen(server, `tls://127.0.0.1:${port}`, { tls: { ca: cert } })).toEqual({
      transport: 'tls',
      address: `127.0.0.1:${port}`,
    });
  });

  it("is 'tls' over a Unix socket with tls, whose certificate is checked for localhost", async () => {
    const server = await scripted({ tls: true, path: true });
    const path = server.where as string;
    expect(await linkSeen(server, { path }, { tls: { ca: cert } })).toEqual({
      transport: 'tls',
      address: path,
    });
    expect(server.servernames).toEqual(['localhost']);
  });
});

describe('starting TLS on a connection', () => {
  it('sends the host name as SNI, never an IP address; tls.servername overrides it', async () => {
    const server = await scripted({ tls: true });
    const port = server.where as number;
    const targets: Array<[ClientTarget, string | undefined]> = [
      [`tls://localhost:${port}`, undefined],
      [`tls://127.0.0.1:${port}`, undefined],
      [{ host: '127.0.0.1', port }, 'localhost'],
    ];
    for (const [target, servername] of targets) {
      const tls = servername === undefined ? { ca: cert } : { ca: cert, servername };
      const client = connect(target, { tls });
      const call = client.call('hello');
      server.write(answer(await server.next(), 'hi'));
      await expect(call).resolves.toBe('hi');
    }
    expect(server.servernames).toEqual(['localhost', false, 'localhost']);
  });

  it('a handshake unanswered within dialTimeout fails the dial (not sent) and closes the socket', async () => {
    const accepted: Socket[] = [];
    const mute = createNetServer((socket) => {
      accepted.push(socket);
      socket.resume(); // reads the ClientHello, never answers it
    });
    mute.listen(0, '127.0.0.1');
    await once(mute, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => mute.close(() => resolve())));
    const port = (mute.address() as { port: number }).port;
    const client = connect(`tls://127.0.0.1:${port}`, {
      tls: { ca: cert },
      dialTimeout: 50,
      maxRetries: 0,
    });
    const error = await rejection<ConnectionError>(client.call('hello'));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toBe(
      unreachable(`127.0.0.1:${port}`, 'not connected within dialTimeout, 50 ms'),
    );
    expect(error.cause).toMatchObject({ code: 'RERPC_ERR_DIAL_TIMEOUT', timeout: 50 });
    expect(accepted).toHaveLength(1);
    if (!accepted[0]!.destroyed) await once(accepted[0]!, 'close');
  });

  it('close() during the handshake ends the dial at once and closes the socket', async () => {
    const mute = createNetServer((socket) => socket.resume());
    mute.listen(0, '127.0.0.1');
    await once(mute, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => mute.close(() => resolve())));
    const port = (mute.address() as { port: number }).port;
    // dialTimeout 0: no deadline, so only close() can end the handshake.
    const client = connect(`tls://127.0.0.1:${port}`, { tls: { ca: cert }, dialTimeout: 0 });
    const call = rejection(client.call('hello'));
    const [socket] = (await once(mute, 'connection')) as [Socket];
    await once(socket, 'data'); // the ClientHello: connected, TLS started
    const closed = once(socket, 'close');
    await client.close({ timeout: 0 });
    expect(await call).toBeInstanceOf(ClientClosedError);
    await closed;
  });

  it('a connection outlives its dialTimeout once TLS is up: the deadline bounds the handshake only', async () => {
    // The dial's deadline is a setTimeout: faked, so that passing it takes no time.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const server = await scripted({ tls: true });
    const client = connect(`tls://127.0.0.1:${server.where}`, {
      tls: { ca: cert },
      dialTimeout: 1000,
    });
    const first = client.call('hello');
    server.write(answer(await server.next(), 'hi'));
    await expect(first).resolves.toBe('hi');
    vi.advanceTimersByTime(5000);
    const second = client.call('again');
    server.write(answer(await server.next(), 'still here'));
    await expect(second).resolves.toBe('still here');
    expect(client.stats().connections.dialled).toBe(1);
    expect(server.servernames).toHaveLength(1);
    expect(server.socket.destroyed).toBe(false);
  });

  it('dialTimeout 0 never gives up a handshake, however long it takes', async () => {
    // The dial's deadline would be a setTimeout: faked, so that an hour passes at once.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const mute = createNetServer((socket) => socket.resume());
    mute.listen(0, '127.0.0.1');
    await once(mute, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => mute.close(() => resolve())));
    const port = (mute.address() as { port: number }).port;
    const client = connect(`tls://127.0.0.1:${port}`, { tls: { ca: cert }, dialTimeout: 0 });
    const call = rejection(client.call('hello', [], { timeout: 0 }));
    const [socket] = (await once(mute, 'connection')) as [Socket];
    await once(socket, 'data'); // the ClientHello: connected, TLS started
    vi.advanceTimersByTime(3_600_000);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(client.stats().connections).toMatchObject({ dialling: 1, dialErrors: 0 });
    expect(socket.destroyed).toBe(false);
    await client.close({ timeout: 0 });
    expect(await call).toBeInstanceOf(ClientClosedError);
  });
});

describe('closing a connection', () => {
  it('close() cutting off a write lets the bytes already written reach the server (it may still run)', async () => {
    let received = 0;
    const server = createNetServer((socket) => {
      socket.pause(); // reads nothing until the client has closed
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      server.emit('paused', socket);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;
    const client = connect(port);
    // More than the socket buffers of both ends hold: part of it waits in the client's socket.
    const note = rejection(client.notify('log', ['x'.repeat(16 << 20)]));
    const [socket] = (await once(server, 'paused')) as [Socket];
    await until(() => socket.readableLength > 0); // the notification was written
    await client.close({ timeout: 0 });
    expect(await note).toBeInstanceOf(ClientClosedError);
    const ended = once(socket, 'end');
    socket.resume();
    await ended;
    const size = Buffer.byteLength(
      `${JSON.stringify({ jsonrpc: '2.0', method: 'log', params: ['x'.repeat(16 << 20)] })}\n`,
    );
    expect(received).toBe(size);
  });

  it('close() closes the socket even when the server keeps its side open after our FIN', async () => {
    const server = await scripted({ halfOpen: true });
    const client = connect(server.where as number);
    const call = client.call('hello');
    server.write(answer(await server.next(), 'hi'));
    await call;
    // A server that keeps writing after our FIN: once the client's socket is gone, a write
    // there is refused (a reset), and the server's socket fails.
    const fin = once(server.socket, 'end');
    await client.close();
    await fin;
    const failed = once(server.socket, 'error');
    let gone = false;
    void failed.then(() => {
      gone = true;
    });
    for (let i = 0; i < 1000 && !gone; i++) {
      server.write('{}\n');
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect(gone).toBe(true);
  });
});
