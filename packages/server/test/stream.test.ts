import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  createMessageConnection,
  SocketMessageReader,
  SocketMessageWriter,
} from 'vscode-jsonrpc/node';
import { type CallContext, RequestCancelledError, type Server } from '../src/index.js';
// @ts-expect-error: a plain-JS fixture (also loaded by a child process)
import { drive } from './fixtures/vscode-driver.mjs';
import { abortReason, deferred, listening, makeServer, req } from './helpers.js';

const frame = (text: string) => `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;

/** The handlers the vscode-jsonrpc driver calls; resolves what the `wait` handler's signal said. */
function registerInterop(server: Server) {
  const reason = deferred<unknown>();
  server.method('askBack', async ({ n }: { n: number }, ctx: CallContext) => {
    ctx.peer!.notify('client.log', { text: `asking for ${n}` });
    return ctx.peer!.call('client.double', { n }, { timeout: 10_000 });
  });
  server.method('wait', (_p: unknown, ctx: CallContext) => {
    void abortReason(ctx).then(reason.resolve);
    ctx.peer!.notify('client.started');
    return new Promise(() => {});
  });
  return reason.promise;
}

const expected = {
  echo: { s: 'hi' },
  asked: 42,
  notes: [{ text: 'asking for 21' }],
  cancelled: { code: -32800, message: 'Request cancelled' },
};

describe('server.serve(stream)', () => {
  it('serves a Duplex pair with Content-Length framing and ends when the peer ends', async () => {
    const server = makeServer();
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk) => {
      text += String(chunk);
    });
    const done = server.serve({ readable: input, writable: output });
    input.end(frame(req('sleep', { ms: 5 }, 1)) + frame(req('echo', [2], 2)));
    await done;
    expect(text).toBe(
      frame('{"jsonrpc":"2.0","result":[2],"id":2}') + frame('{"jsonrpc":"2.0","result":5,"id":1}'),
    );
    expect(output.writableEnded).toBe(true);
  });

  it('serves NDJSON on request; close() ends it; a bad stream is a TypeError', async () => {
    const server = makeServer();
    const duplex = new PassThrough();
    const done = server.serve(duplex, { framing: 'ndjson' });
    await server.close();
    await done;
    await expect(server.serve(new PassThrough())).rejects.toThrow(/closed/);
    const other = makeServer();
    await expect(other.serve({} as never)).rejects.toThrow(
      'stream must be a Duplex or { readable, writable }',
    );
    await expect(other.serve(new PassThrough(), { framing: 'x' as never })).rejects.toThrow(
      "framing must be 'ndjson' or 'content-length'",
    );
  });

  it('is dropped when onConnection refuses it synchronously', async () => {
    const server = makeServer({ onConnection: () => false });
    const input = new PassThrough();
    const output = new PassThrough();
    const done = server.serve({ readable: input, writable: output });
    input.write(frame(req('echo', [1])));
    await done;
    expect(input.destroyed && output.destroyed).toBe(true);
    expect(server.peers()).toEqual([]);
  });

  it('interoperates with vscode-jsonrpc over a child process stdio', async () => {
    const server = makeServer();
    const cancelled = registerInterop(server);
    const report = deferred<unknown>();
    server.method('report', (seen: unknown) => {
      report.resolve(seen);
      return null;
    });
    const child = spawn(
      process.execPath,
      [new URL('./fixtures/vscode-child.mjs', import.meta.url).pathname],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    onTestFinished(() => {
      child.kill();
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const done = server.serve({ readable: child.stdout!, writable: child.stdin! });
    expect(await report.promise).toEqual(expected);
    expect(await cancelled).toBeInstanceOf(RequestCancelledError);
    expect(await exited).toBe(0);
    await done;
  });
});

describe('vscode-jsonrpc over TCP', () => {
  it('calls rerpc, cancels a handler, and answers rerpc calls back (Content-Length)', async () => {
    const { server, port } = await listening({ framing: 'content-length' });
    const cancelled = registerInterop(server);
    const socket = connect({ port, host: '127.0.0.1' });
    await new Promise((resolve) => socket.once('connect', resolve));
    const conn = createMessageConnection(
      new SocketMessageReader(socket),
      new SocketMessageWriter(socket),
    );
    onTestFinished(() => {
      conn.dispose();
      socket.destroy();
    });
    expect(await drive(conn)).toEqual(expected);
    expect(await cancelled).toBeInstanceOf(RequestCancelledError);
  });
});
