// TLS for every transport, against servers written here with the server package's self-signed
// fixture certificate (CN=localhost, SAN DNS:localhost and IP:127.0.0.1).
import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTlsServer, type Server } from 'node:tls';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocketServer } from 'ws';
import { ConnectionError, createClient } from '../src/index.js';
import { resolveClientOptions } from '../src/options.js';
import { connect, rejection, tlsFixture } from './helpers.js';

const { key, cert } = tlsFixture();
const answer = (text: string): string => {
  const { id, params } = JSON.parse(text) as { id: number; params: number[] };
  return JSON.stringify({ jsonrpc: '2.0', result: params[0]! * 2, id });
};

async function listening(server: Server | ReturnType<typeof createHttpsServer>): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

/** An HTTPS server answering POSTs, which also upgrades WebSockets. */
async function httpsServer(): Promise<number> {
  const server = createHttpsServer({ key, cert }, (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => res.writeHead(200).end(answer(body)));
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.on('message', (data: Buffer) => ws.send(answer(String(data)))));
  onTestFinished(() => {
    for (const ws of wss.clients) ws.terminate();
    server.closeAllConnections();
  });
  return listening(server);
}

/** A TLS server speaking NDJSON. */
async function tlsServer(): Promise<number> {
  const sockets = new Set<import('node:tls').TLSSocket>();
  const server = createTlsServer({ key, cert }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        socket.write(`${answer(buffer.slice(0, i))}\n`);
        buffer = buffer.slice(i + 1);
      }
    });
  });
  onTestFinished(() => {
    for (const socket of sockets) socket.destroy();
  });
  return listening(server);
}

describe('TLS', () => {
  it('https:// trusts the server through tls.ca', async () => {
    const port = await httpsServer();
    const client = connect(`https://127.0.0.1:${port}/`, { tls: { ca: cert } });
    expect(await client.call('double', [21])).toBe(42);
  });

  it('wss:// trusts the server through tls.ca', async () => {
    const port = await httpsServer();
    const client = connect(`wss://localhost:${port}/`, { tls: { ca: cert } });
    expect(await client.call('double', [4])).toBe(8);
  });

  it.each([
    ['tls://127.0.0.1:PORT', {}],
    [null, {}],
  ])('%s: TLS over TCP (NDJSON), verified against tls.ca', async (url, extra) => {
    const port = await tlsServer();
    const target = url === null ? { host: '127.0.0.1', port } : url.replace('PORT', String(port));
    const client = connect(target, { tls: { ca: cert, ...extra } });
    expect(await client.call('double', [5])).toBe(10);
    expect(client.stats().connections.dialled).toBe(1);
  });

  it.each(['https', 'wss', 'tls'])(
    '%s: an untrusted certificate fails the dial: ConnectionError (not sent)',
    async (scheme) => {
      const port = scheme === 'tls' ? await tlsServer() : await httpsServer();
      const client = connect(
        `${scheme}://127.0.0.1:${port}/`.replace(/\/$/, scheme === 'tls' ? '' : '/'),
        {
          maxRetries: 0,
        },
      );
      const error = await rejection<ConnectionError>(client.call('double', [1]));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ sent: false });
      expect(error.message).toMatch(/self[- ]signed/i);
    },
  );

  it('tls: null is no TLS, even for an http:// target', async () => {
    const port = await httpsServer();
    const client = connect(`https://127.0.0.1:${port}/`, { tls: null, maxRetries: 0 });
    const error = await rejection<ConnectionError>(client.call('double', [1]));
    expect(error.message).toMatch(/self[- ]signed/i);
    expect(() => connect('http://127.0.0.1:1/', { tls: null })).not.toThrow();
  });

  it('rejectUnauthorized: false accepts the self-signed certificate', async () => {
    const port = await tlsServer();
    const client = connect(`tls://127.0.0.1:${port}`, { tls: { rejectUnauthorized: false } });
    expect(await client.call('double', [3])).toBe(6);
  });

  it.each([
    [
      'http://127.0.0.1:1/',
      { tls: {} },
      'tls applies to https://, wss:// and tls:// targets, not to http://; use https://',
    ],
    ['ws://127.0.0.1:1/', { tls: {} }, 'not to ws://; use wss://'],
    ['https://127.0.0.1:1/', { tls: 5 }, 'tls must be an object, got 5'],
    [
      'https://127.0.0.1:1/',
      { tls: { rejectUnauthorised: false } },
      'tls has no option "rejectUnauthorised"; did you mean "rejectUnauthorized"?',
    ],
    [
      'https://127.0.0.1:1/',
      { tls: { rejectUnauthorized: 1 } },
      'tls.rejectUnauthorized must be a boolean, got 1',
    ],
    [
      'https://127.0.0.1:1/',
      { tls: { servername: '' } },
      'tls.servername must be a non-empty string, got ""',
    ],
    [
      'https://127.0.0.1:1/',
      { tls: { servername: 5 } },
      'tls.servername must be a non-empty string, got 5',
    ],
    ['tls://127.0.0.1', {}, 'a tls:// target needs a port'],
  ])('refuses %s with %j', (target, options, message) => {
    expect(() => createClient(target, options as never)).toThrow(
      expect.objectContaining({
        code: 'RERPC_ERR_INVALID_OPTION',
        message: expect.stringContaining(message),
      }),
    );
  });

  it("takes each of tls.connect()'s options it names, as given (a frozen copy)", () => {
    const tls = {
      ca: cert,
      cert,
      key,
      passphrase: 'secret',
      pfx: Buffer.from('pfx'),
      rejectUnauthorized: true,
      servername: 'localhost',
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
      ciphers: 'DEFAULT',
      checkServerIdentity: () => undefined,
    } as const;
    const taken = resolveClientOptions({ tls }).tls;
    expect(taken).toEqual(tls);
    expect(taken).not.toBe(tls);
    expect(Object.isFrozen(taken)).toBe(true);
  });
});
