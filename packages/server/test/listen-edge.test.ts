import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ListenError, type ListenOptions } from '../src/index.js';
import { listening, makeServer } from './helpers.js';

const invalid = (message: string) =>
  expect.objectContaining({ name: 'TypeError', code: 'RERPC_ERR_INVALID_OPTION', message });

describe('listen() options', () => {
  it('listens on 127.0.0.1 and a free port by default', async () => {
    const server = makeServer();
    const address = await server.listen();
    expect(address).toEqual({ host: '127.0.0.1', port: expect.any(Number), family: 'IPv4' });
    expect((address as { port: number }).port).toBeGreaterThan(0);
  });

  it.each([
    [{ host: 5 }, 'host must be a non-empty string, got 5'],
    [{ path: 5 }, 'path must be a non-empty string, got 5'],
    [
      { tls: [] },
      "tls must be an object of node's tls.createServer() options ({ key, cert, ... }), got an array",
    ],
    [
      { tls: 'key.pem' },
      `tls must be an object of node's tls.createServer() options ({ key, cert, ... }), got "key.pem"`,
    ],
    [{ port: 1.5 }, 'port must be an integer between 0 and 65535, got 1.5'],
    [{ port: 65536 }, 'port must be an integer between 0 and 65535, got 65536'],
    [{ transport: 'http', path: '' }, 'path must be a non-empty string, got ""'],
    [
      { cors: null },
      "cors is an option of the HTTP transport: pass transport: 'http' with it, or drop it",
    ],
    [
      { transport: 'tcp', websocket: true },
      "websocket is an option of the HTTP transport: pass transport: 'http' with it, or drop it",
    ],
  ])('rejects %o', async (options, message) => {
    const server = makeServer();
    const error = await server.listen(options as ListenOptions).catch((e: unknown) => e);
    expect(error).toEqual(invalid(message));
    expect(server.address()).toBeNull();
  });

  it('takes tls: null as no TLS, and exclusive on a path', async () => {
    const server = makeServer();
    const address = await server.listen({ port: 0, tls: null as never });
    expect(address).toMatchObject({ host: '127.0.0.1' });
    const dir = mkdtempSync(join(tmpdir(), 'rerpc-listen-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 's.sock');
    const other = makeServer();
    expect(await other.listen({ path, exclusive: true, reusePort: false })).toEqual({ path });
  });

  it('takes path: undefined as no path: a TCP port', async () => {
    const server = makeServer();
    const address = await server.listen({ path: undefined, port: 0 } as never);
    expect(address).toEqual({ host: '127.0.0.1', port: expect.any(Number), family: 'IPv4' });
  });

  it('names the address it could not listen on, TCP or path', async () => {
    const { port } = await listening();
    const error = (await makeServer()
      .listen({ port })
      .catch((e: unknown) => e)) as ListenError;
    expect(error).toBeInstanceOf(ListenError);
    expect(error.message).toMatch(
      new RegExp(
        `^Could not listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*; pick another port or path, or stop what holds it$`,
      ),
    );
    const path = join(tmpdir(), `rerpc-missing-${process.pid}`, 'no', 's.sock');
    const onPath = (await makeServer()
      .listen({ path })
      .catch((e: unknown) => e)) as ListenError;
    expect(onPath.message.startsWith(`Could not listen on ${path}: `)).toBe(true);
  });
});
