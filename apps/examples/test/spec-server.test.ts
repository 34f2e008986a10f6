import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { script, start } from './spec-process.js';

/** A raw NDJSON (or Content-Length) connection: `call` writes one text and reads one frame. */
async function dial(port: number, framing: 'ndjson' | 'content-length' = 'ndjson') {
  const socket: Socket = connect({ port, host: '127.0.0.1' });
  onTestFinished(() => {
    socket.destroy();
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  let buffer = '';
  const frames: string[] = [];
  const waiters: Array<(text: string) => void> = [];
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (;;) {
      let frame: string;
      if (framing === 'ndjson') {
        const nl = buffer.indexOf('\n');
        if (nl === -1) break;
        frame = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
      } else {
        const m = /^Content-Length: (\d+)\r\n\r\n/.exec(buffer);
        if (m === null || buffer.length < m[0].length + Number(m[1])) break;
        frame = buffer.slice(m[0].length, m[0].length + Number(m[1]));
        buffer = buffer.slice(m[0].length + Number(m[1]));
      }
      const waiter = waiters.shift();
      if (waiter !== undefined) waiter(frame);
      else frames.push(frame);
    }
  });
  const next = (): Promise<string> => {
    const frame = frames.shift();
    if (frame !== undefined) return Promise.resolve(frame);
    return new Promise((resolve) => waiters.push(resolve));
  };
  const write = (text: string) =>
    socket.write(
      framing === 'ndjson'
        ? `${text}\n`
        : `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
  return {
    socket,
    closed,
    write,
    next,
    async call(text: string): Promise<unknown> {
      write(text);
      return JSON.parse(await next());
    },
  };
}

describe('spec-server', () => {
  it('serves the spec examples, ArithService and the probes, then exits 0 on SIGTERM', async () => {
    const server = await start('--port', '0');
    const c = await dial(server.port);
    expect(await c.call('{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":1}')).toEqual({
      jsonrpc: '2.0',
      result: 19,
      id: 1,
    });
    expect(
      await c.call(
        '{"jsonrpc":"2.0","method":"subtract","params":{"subtrahend":23,"minuend":42},"id":2}',
      ),
    ).toEqual({ jsonrpc: '2.0', result: 19, id: 2 });
    expect(await c.call('{"jsonrpc":"2.0","method":"sum","params":[1,2,4],"id":3}')).toEqual({
      jsonrpc: '2.0',
      result: 7,
      id: 3,
    });
    expect(await c.call('{"jsonrpc":"2.0","method":"get_data","id":4}')).toEqual({
      jsonrpc: '2.0',
      result: ['hello', 5],
      id: 4,
    });
    c.write('{"jsonrpc":"2.0","method":"ArithService.Add","params":{"a":10,"b":20},"id":1}');
    expect(await c.next()).toBe('{"jsonrpc":"2.0","result":{"result":30},"id":1}');
    expect(
      await c.call(
        '{"jsonrpc":"2.0","method":"ArithService.Multiply","params":{"a":6,"b":7},"id":2}',
      ),
    ).toEqual({ jsonrpc: '2.0', result: { result: 42 }, id: 2 });
    const divide = (await c.call(
      '{"jsonrpc":"2.0","method":"ArithService.Divide","params":{"a":1,"b":0},"id":3}',
    )) as { error: { code: number; message: string; data: string } };
    expect(divide.error.message).toContain('division by zero');
    expect(divide.error).toMatchObject({ code: -32603, data: 'division by zero' });
    expect(
      await c.call('{"jsonrpc":"2.0","method":"ArithService.Add","params":{"a":1.5,"b":2},"id":5}'),
    ).toMatchObject({ error: { code: -32602 }, id: 5 });
    for (const method of ['ArithService._secret', 'ArithService.constructor', 'toString']) {
      expect(await c.call(JSON.stringify({ jsonrpc: '2.0', method, id: 6 }))).toMatchObject({
        error: { code: -32601 },
        id: 6,
      });
    }
    expect(
      await c.call(
        '{"jsonrpc":"2.0","method":"fail","params":{"code":-32042,"message":"Nope","data":{"x":[1]}},"id":7}',
      ),
    ).toEqual({
      jsonrpc: '2.0',
      error: { code: -32042, message: 'Nope', data: { x: [1] } },
      id: 7,
    });
    expect(await c.call('{"jsonrpc":"2.0","method":"crash","id":8}')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32603, message: 'Internal error' },
      id: 8,
    });
    expect(await c.call('{"jsonrpc":"2.0","method":"echo","params":{"k":["v"]},"id":9}')).toEqual({
      jsonrpc: '2.0',
      result: { k: ['v'] },
      id: 9,
    });
    // A call in flight when SIGTERM arrives is still answered.
    c.write('{"jsonrpc":"2.0","method":"sleep","params":{"ms":100},"id":10}');
    expect(await c.call('{"jsonrpc":"2.0","method":"echo","params":[0],"id":11}')).toMatchObject({
      id: 11,
    });
    server.child.kill('SIGTERM');
    expect(JSON.parse(await c.next())).toEqual({ jsonrpc: '2.0', result: 100, id: 10 });
    await c.closed;
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toBe(`listening tcp://127.0.0.1:${server.port}\n`);
  });

  it('speaks Content-Length framing with --framing content-length', async () => {
    const server = await start('--framing', 'content-length', '--port', '0');
    const c = await dial(server.port, 'content-length');
    expect(
      await c.call('{"jsonrpc":"2.0","method":"ArithService.Add","params":{"a":2,"b":3},"id":"x"}'),
    ).toEqual({ jsonrpc: '2.0', result: { result: 5 }, id: 'x' });
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  });

  it('answers a message over --max-message-bytes with -32600 and closes the connection', async () => {
    const server = await start('--max-message-bytes', '100');
    const c = await dial(server.port);
    expect(
      await c.call(`{"jsonrpc":"2.0","method":"echo","params":["${'x'.repeat(200)}"],"id":1}`),
    ).toMatchObject({ error: { code: -32600 }, id: null });
    await c.closed;
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('exits 2 with a usage line for an unknown option or a bad value', async () => {
    for (const args of [
      ['--bogus'],
      ['--port', 'x'],
      ['--framing', 'xml'],
      ['--transport', 'udp'],
      ['--tls', 'key.pem'],
      ['--tls', '/nonexistent/key.pem,/nonexistent/cert.pem'],
    ]) {
      const child = spawn(process.execPath, [script, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
      });
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code).toBe(2);
      expect(err).toContain('usage: node dist/spec-server.js');
    }
  });

  it('answers the README’s probe one-liner (Node alone, no nc)', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const probe = readme.split('\n').find((line) => line.startsWith("node -e '"));
    expect(probe).toContain('connect(4000,');
    const { port } = await start();
    const { stdout } = await promisify(execFile)(
      '/bin/sh',
      ['-c', probe!.replace('connect(4000,', `connect(${port},`)],
      { timeout: 20_000 },
    );
    expect(stdout).toBe('{"jsonrpc":"2.0","result":{"result":30},"id":1}\n');
  });
});
