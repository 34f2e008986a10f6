// The probe of an ejected endpoint with a `healthMethod` (health-check.ts): one NDJSON request on
// a connection of its own to a raw server on 127.0.0.1, and what its answer (or silence) means.
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { healthCheck } from '../src/health-check.js';
import { checkTarget } from '../src/target.js';
import { freePort, rejection } from './helpers.js';

/**
 * A server that hands each request line it reads, and its socket, to `answer`; `lines` holds the
 * lines, `closed` resolves once every connection it accepted has closed.
 */
async function server(answer: (line: string, socket: Socket) => void) {
  const lines: string[] = [];
  const sockets = new Set<Socket>();
  let gone!: () => void;
  const closed = new Promise<void>((resolve) => {
    gone = resolve;
  });
  const net = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) gone();
    });
    socket.setEncoding('utf8');
    let text = '';
    socket.on('data', (chunk: string) => {
      text += chunk;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n')) {
        const line = text.slice(0, end);
        text = text.slice(end + 1);
        lines.push(line);
        answer(line, socket);
      }
    });
  });
  net.listen(0, '127.0.0.1');
  await once(net, 'listening');
  onTestFinished(() => {
    for (const socket of sockets) socket.destroy();
    net.close();
  });
  const port = (net.address() as { port: number }).port;
  return { target: checkTarget(`tcp://127.0.0.1:${port}`), lines, closed };
}

describe('healthCheck() (a probe calling healthMethod)', () => {
  it('sends one JSON-RPC request with id 1 and no params, resolves on a result, and closes its connection', async () => {
    const s = await server((_line, socket) => {
      socket.write('{"jsonrpc":"2.0","id":1,"result":{"status":"ok"}}\n');
    });
    await expect(healthCheck(s.target, 'rpc.health', 1000)).resolves.toBeUndefined();
    expect(s.lines).toEqual(['{"jsonrpc":"2.0","id":1,"method":"rpc.health"}']);
    await s.closed;
  });

  it('reads an answer that arrives in several chunks, up to its newline', async () => {
    // 256 KiB: more than one read of a socket (64 KiB at most), so it arrives in pieces.
    const big = 'x'.repeat(256 * 1024);
    const s = await server((_line, socket) => {
      socket.write(`{"jsonrpc":"2.0","id":1,"result":"${big}"}\n{"jsonrpc":"2.0","id":2}`);
    });
    await expect(healthCheck(s.target, 'up', 0)).resolves.toBeUndefined();
  });

  it('rejects an error answer, quoting it', async () => {
    const refusal =
      '{"jsonrpc":"2.0","id":1,"error":{"code":-32002,"message":"Server is shutting down"}}';
    const s = await server((_line, socket) => {
      socket.write(`${refusal}\n`);
    });
    const error = await rejection(healthCheck(s.target, 'rpc.health', 1000));
    expect(error.message).toBe(`rpc.health answered ${refusal}`);
    await s.closed;
  });

  it('rejects an answer that is not a JSON object with a result', async () => {
    const s = await server((_line, socket) => socket.write('null\n'));
    expect((await rejection(healthCheck(s.target, 'h', 1000))).message).toBe('h answered null');
  });

  it('rejects an answer that is JSON but no object', async () => {
    const s = await server((_line, socket) => socket.write('5\n'));
    expect((await rejection(healthCheck(s.target, 'h', 1000))).message).toBe('h answered 5');
  });

  it('rejects an answer that is not JSON', async () => {
    const s = await server((_line, socket) => socket.write('{"jsonrpc":\n'));
    const error = await rejection(healthCheck(s.target, 'h', 1000));
    expect(error.message).toBe('an answer that is not JSON');
  });

  it('rejects when the server closes the connection without answering', async () => {
    const s = await server((_line, socket) => socket.end());
    const error = await rejection(healthCheck(s.target, 'h', 1000));
    expect(error.message).toBe('closed before answering');
  });

  it('rejects with "no answer" once `timeout` ms pass in silence', async () => {
    const s = await server(() => {});
    const error = await rejection(healthCheck(s.target, 'h', 20));
    expect(error.message).toBe('no answer');
    expect(s.lines).toEqual(['{"jsonrpc":"2.0","id":1,"method":"h"}']);
    await s.closed;
  });

  it('rejects with the connect error when nothing listens', async () => {
    const port = await freePort();
    const error = await rejection(healthCheck(checkTarget({ host: '127.0.0.1', port }), 'h', 0));
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
  });
});
