import { request } from 'node:https';
import { connect as netConnect } from 'node:net';
import { connect } from 'node:tls';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { CallContext } from '../src/index.js';
import { listening, makeServer, Peer, req } from './helpers.js';
import { listenHttp, openWs, type RawResponse, tlsFixture } from './web-helpers.js';

const add = req('ArithService.Add', { a: 10, b: 20 });
const answer = '{"jsonrpc":"2.0","result":{"result":30},"id":1}';

/** One TLS connection to 127.0.0.1:port trusting the fixture; resolves with what it read up to `until`. */
function tlsExchange(port: number, out: string, until: (text: string) => boolean): Promise<string> {
  const socket = connect({ port, host: '127.0.0.1', ca: tlsFixture.cert });
  onTestFinished(() => {
    socket.destroy();
  });
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (until(text)) resolve(text);
    });
    socket.on('error', reject);
    socket.once('secureConnect', () => socket.write(out));
  });
}

describe('TLS', () => {
  it('TCP over TLS with NDJSON framing', async () => {
    const server = makeServer();
    const address = await server.listen({ port: 0, tls: tlsFixture });
    const port = (address as { port: number }).port;
    const text = await tlsExchange(port, `${add}\n`, (t) => t.endsWith('\n'));
    expect(text).toBe(`${answer}\n`);
    expect(server.stats().connections.total).toBe(1);
  });

  it('TCP over TLS with Content-Length framing', async () => {
    const server = makeServer({ framing: 'content-length' });
    const address = await server.listen({ port: 0, tls: tlsFixture });
    const port = (address as { port: number }).port;
    const frame = `Content-Length: ${add.length}\r\n\r\n${add}`;
    const text = await tlsExchange(port, frame, (t) => t.endsWith('}'));
    expect(text).toBe(`Content-Length: ${answer.length}\r\n\r\n${answer}`);
  });

  it('a client that does not trust the certificate fails its handshake; the server keeps serving', async () => {
    const server = makeServer();
    const address = await server.listen({ port: 0, tls: tlsFixture });
    const port = (address as { port: number }).port;
    const untrusting = connect({ port, host: '127.0.0.1' });
    onTestFinished(() => {
      untrusting.destroy();
    });
    const error = await new Promise<Error>((resolve) => untrusting.once('error', resolve));
    expect((error as Error & { code?: string }).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(await tlsExchange(port, `${add}\n`, (t) => t.endsWith('\n'))).toBe(`${answer}\n`);
  });

  it('close() past its timeout does not wait for a connection still in its handshake', async () => {
    const server = makeServer();
    const address = await server.listen({ port: 0, host: '127.0.0.1', tls: tlsFixture });
    const port = (address as { port: number }).port;
    // A TCP connection that never sends its ClientHello (until handshakeTimeout, 120 s).
    const silent = netConnect(port, '127.0.0.1');
    onTestFinished(() => {
      silent.destroy();
    });
    await new Promise((resolve) => silent.once('connect', resolve));
    // Accepted in order: once a later connection is answered, the silent one was accepted too.
    expect(await tlsExchange(port, `${add}\n`, (t) => t.endsWith('\n'))).toBe(`${answer}\n`);
    await server.close({ timeout: 20 });
    expect(server.stats().connections.open).toBe(0);
  });

  it('gives handlers a null certificate for a client that sent none, also when one is requested', async () => {
    for (const requestCert of [false, true]) {
      const server = makeServer();
      const address = await server.listen({
        port: 0,
        host: '127.0.0.1',
        tls: { ...tlsFixture, requestCert, rejectUnauthorized: false },
      });
      server.method('who', (_p: unknown, ctx: CallContext) => ({
        transport: ctx.peer!.transport,
        certificate: ctx.peer!.certificate,
      }));
      const port = (address as { port: number }).port;
      const text = await tlsExchange(port, `${req('who')}\n`, (t) => t.endsWith('\n'));
      expect(JSON.parse(text)).toEqual({
        jsonrpc: '2.0',
        result: { transport: 'tls', certificate: null },
        id: 1,
      });
    }
  });

  it('gives handlers a null certificate over plain TCP', async () => {
    const { server, port } = await listening();
    server.method('who', (_p: unknown, ctx: CallContext) => ({
      transport: ctx.peer!.transport,
      certificate: ctx.peer!.certificate,
    }));
    const peer = await Peer.connect(port);
    peer.send(req('who'));
    expect(await peer.nextJson()).toEqual({
      jsonrpc: '2.0',
      result: { transport: 'tcp', certificate: null },
      id: 1,
    });
  });

  it('HTTPS POST', async () => {
    const { port, url } = await listenHttp(undefined, { tls: tlsFixture });
    expect(url).toBe(`https://127.0.0.1:${port}/`);
    const res = await new Promise<RawResponse>((resolve, reject) => {
      const call = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          ca: tlsFixture.cert,
          agent: false,
          headers: { 'content-type': 'application/json' },
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          response.on('end', () =>
            resolve({ status: response.statusCode!, headers: response.headers, body }),
          );
        },
      );
      call.on('error', reject);
      call.end(add);
    });
    expect(res).toMatchObject({ status: 200, body: answer });
  });

  it('WSS', async () => {
    const { port, server } = await listenHttp(undefined, { tls: tlsFixture });
    const client = await openWs(`wss://127.0.0.1:${port}/`, { ca: tlsFixture.cert });
    expect(await client.call(add)).toEqual(JSON.parse(answer));
    expect(server.stats().connections.open).toBe(1);
  });
});
