import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { makeServer, req, stuck } from './helpers.js';
import {
  askToContinue,
  keepAliveAgent,
  listenHttp,
  post,
  rawExchange,
  send,
  until,
} from './web-helpers.js';

const add = req('ArithService.Add', { a: 10, b: 20 });
const TEXT = 'text/plain; charset=utf-8';

describe('HTTP: what each refusal says', () => {
  it('405: Allow: POST, or POST, OPTIONS with cors on; a plain-text reason', async () => {
    const { port } = await listenHttp();
    const res = await send(port, { method: 'PUT', body: add });
    expect(res).toMatchObject({ status: 405, body: 'JSON-RPC calls are POST requests\n' });
    expect(res.headers['content-type']).toBe(TEXT);
    expect(res.headers['content-length']).toBe(String(res.body.length));
    const cors = await listenHttp(undefined, { cors: ['https://app.example'] });
    const get = await send(cors.port, { method: 'GET', path: '/rpc' });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST, OPTIONS');
  });

  it('415 says which bodies are read', async () => {
    const { port } = await listenHttp();
    const agent = keepAliveAgent();
    const res = await send(port, { headers: { 'content-type': 'text/plain' }, body: add, agent });
    expect(res).toMatchObject({
      status: 415,
      body: 'send Content-Type: application/json (or application/json-rpc), UTF-8, not compressed\n',
    });
    expect(res.headers['content-type']).toBe(TEXT);
    expect(res.headers.connection).toBe('keep-alive');
  });

  it('413 says the limit and closes; 503 over maxConnections says it too', async () => {
    const { port, server } = await listenHttp({ maxMessageBytes: 50, maxConnections: 1 });
    const agent = keepAliveAgent();
    const big = await send(port, { body: req('echo', ['x'.repeat(60)]), agent });
    expect(big).toMatchObject({
      status: 413,
      body: 'request body exceeds maxMessageBytes (50 bytes); send smaller messages or split the batch\n',
    });
    expect(big.headers.connection).toBe('close');
    // The refused body, read to its end, is dropped: nothing was parsed or answered.
    expect(server.stats().errors).toEqual({});
    const first = keepAliveAgent();
    expect((await send(port, { body: '[]', agent: first })).status).toBe(200);
    const refused = await send(port, { body: '[]', agent: keepAliveAgent() });
    expect(refused).toMatchObject({
      status: 503,
      body: 'the server is at maxConnections (1); retry later or elsewhere\n',
    });
    expect(refused.headers['content-type']).toBe(TEXT);
    expect(refused.headers.connection).toBe('close');
  });

  it('503 while closing says so, with the CORS headers of an allowed origin', async () => {
    const origin = 'https://app.example';
    const { port, server } = await listenHttp({ closeGrace: 60_000 }, { cors: [origin] });
    const agent = keepAliveAgent();
    const headers = { 'content-type': 'application/json', origin };
    expect((await send(port, { headers, body: add, agent })).status).toBe(200);
    const closed = server.close();
    const res = await send(port, { headers, body: add, agent });
    expect(res).toMatchObject({
      status: 503,
      body: 'the server is shutting down; retry elsewhere\n',
    });
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers.connection).toBe('close');
    await closed;
  });
});

describe('HTTP: bodies', () => {
  it.each([
    ['application/json; charset=utf8', undefined, 200],
    ['application/json;charset="utf-8"', undefined, 200],
    ['application/json; boundary=x', undefined, 200],
    ['application/json ; charset=utf-8', undefined, 200],
    ['application/json; charset=utf-16', undefined, 415],
    ['application/json; charset=utf-8""', undefined, 415],
    ['application/json; charset=""utf-8', undefined, 415],
    ['application/json; charset', undefined, 415],
    [' APPLICATION/JSON-RPC ', undefined, 200],
    ['application/jsonx', undefined, 415],
    ['application/json', 'identity', 200],
    ['application/json', ' Identity ', 200],
    ['application/json', 'br', 415],
  ])('Content-Type %j, Content-Encoding %j: %i', async (type, encoding, status) => {
    const { port } = await listenHttp();
    const headers: Record<string, string> = { 'content-type': type };
    if (encoding !== undefined) headers['content-encoding'] = encoding;
    expect((await send(port, { headers, body: add })).status).toBe(status);
  });

  it('answers with the Content-Length of its UTF-8 bytes', async () => {
    const { url } = await listenHttp();
    const res = await post(url, req('echo', ['héllo ✓ 😀']));
    expect(JSON.parse(res.body)).toMatchObject({ result: ['héllo ✓ 😀'] });
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(res.body)));
  });

  it('takes a body of exactly maxMessageBytes, declared or streamed; one byte more is 413', async () => {
    const text = req('echo', ['x']);
    const { port } = await listenHttp({ maxMessageBytes: Buffer.byteLength(text) });
    expect((await send(port, { body: text })).status).toBe(200);
    const chunked = { 'content-type': 'application/json', 'transfer-encoding': 'chunked' };
    expect((await send(port, { headers: chunked, body: text })).status).toBe(200);
    expect((await send(port, { body: `${text} ` })).status).toBe(413);
    expect((await send(port, { headers: chunked, body: `${text} ` })).status).toBe(413);
  });

  it('counts the bytes of its own sockets once, as they crossed the wire (headers included)', async () => {
    const { port, server } = await listenHttp();
    const request = `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${add.length}\r\nConnection: close\r\n\r\n${add}`;
    const response = await rawExchange(port, request);
    expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    await until(() => server.stats().connections.open === 0);
    expect(server.stats().bytes).toEqual({
      in: request.length,
      out: Buffer.byteLength(response),
    });
  });

  it('joins a body that arrives in several chunks', async () => {
    const { port } = await listenHttp();
    const text = req('echo', ['y'.repeat(100_000)]);
    const res = await send(port, { body: text });
    expect(JSON.parse(res.body)).toMatchObject({ result: ['y'.repeat(100_000)] });
  });
});

describe('HTTP: Expect: 100-continue', () => {
  const json = { 'content-type': 'application/json' };

  it('100 Continue for a body of up to maxMessageBytes, declared or chunked', async () => {
    const { port } = await listenHttp({ maxMessageBytes: add.length });
    expect(await askToContinue(port, { ...json, 'content-length': add.length }, add)).toEqual({
      continued: true,
      status: 200,
    });
    expect(await askToContinue(port, { ...json, 'transfer-encoding': 'chunked' }, add)).toEqual({
      continued: true,
      status: 200,
    });
  });

  it('no 100 Continue for a request refused before its body: not a POST, over maxConnections, closing', async () => {
    const { port, server } = await listenHttp({ maxConnections: 1, closeGrace: 60_000 });
    const head = { ...json, 'content-length': add.length };
    expect(await askToContinue(port, head, add, { method: 'PUT' })).toEqual({
      continued: false,
      status: 405,
    });
    const agent = keepAliveAgent();
    expect((await send(port, { body: add, agent })).status).toBe(200);
    expect(await askToContinue(port, head, add)).toEqual({ continued: false, status: 503 });
    const closed = server.close();
    expect(await askToContinue(port, head, add, { agent })).toEqual({
      continued: false,
      status: 503,
    });
    await closed;
  });
});

describe('HTTP: health check and preflight details', () => {
  it('HEAD of the health path is 200 with its headers and no body; never cached', async () => {
    const { port, server } = await listenHttp();
    const head = await send(port, { method: 'HEAD', path: '/health' });
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-length']).toBe('20');
    expect(head.headers['cache-control']).toBe('no-store');
    const get = await send(port, { method: 'GET', path: '/health', agent: keepAliveAgent() });
    expect(get.headers['cache-control']).toBe('no-store');
    expect(get.headers.connection).toBe('keep-alive');
    // A POST to the health path is a call.
    expect((await send(port, { path: '/health', body: add })).status).toBe(200);
    expect(server.stats().calls.total).toBe(1);
  });

  it('a preflight echoes the requested headers, lets browsers cache it 600 s, and varies by origin', async () => {
    const origin = 'https://app.example';
    const { port } = await listenHttp(undefined, { cors: [origin] });
    const preflight = await send(port, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-trace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type, x-trace',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    const any = await listenHttp(undefined, { cors: '*' });
    const star = await send(any.port, { method: 'OPTIONS', headers: { origin } });
    expect(star.status).toBe(204);
    expect(star.headers['access-control-allow-origin']).toBe('*');
    expect(star.headers.vary).toBeUndefined();
    // Without Origin (not a browser): no CORS headers, and a preflight is refused.
    const bare = await send(any.port, { body: add });
    expect(bare.headers['access-control-allow-origin']).toBeUndefined();
    const noOrigin = await send(any.port, { method: 'OPTIONS' });
    expect(noOrigin).toMatchObject({
      status: 403,
      body: 'this origin may not call the server (see cors)\n',
    });
  });
});

/** A plain node:http server whose 'request' listener is `handler`; closed when the test ends. */
async function mounted(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<number> {
  const http = createHttpServer(handler);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => {
    http.closeAllConnections();
    return new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return (http.address() as { port: number }).port;
}

describe('httpHandler(): a body a framework read first', () => {
  it('answers req.body left as text or bytes, and refuses one over maxMessageBytes with 413', async () => {
    const server = makeServer({ maxMessageBytes: 100 });
    const rpc = server.httpHandler();
    const port = await mounted((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const bytes = Buffer.concat(chunks);
        (request as { body?: unknown }).body =
          request.url === '/bytes' ? new Uint8Array(bytes) : bytes.toString();
        rpc(request, response);
      });
    });
    for (const path of ['/text', '/bytes']) {
      const res = await send(port, { path, body: add });
      expect(JSON.parse(res.body)).toMatchObject({ result: { result: 30 } });
      const big = await send(port, { path, body: req('echo', ['é'.repeat(50)]) });
      expect(big.status).toBe(413);
    }
    // Its bytes are counted: the socket is not the server's.
    expect(server.stats().bytes.in).toBe(2 * add.length);
    expect(server.stats().bytes.out).toBe(
      2 * '{"jsonrpc":"2.0","result":{"result":30},"id":1}'.length,
    );
  });

  it('measures req.body in UTF-8 bytes against maxMessageBytes: the limit itself is taken', async () => {
    const text = req('echo', ['é'.repeat(20)]);
    const server = makeServer({ maxMessageBytes: Buffer.byteLength(text) });
    const rpc = server.httpHandler();
    const port = await mounted((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        (request as { body?: unknown }).body = Buffer.concat(chunks).toString();
        rpc(request, response);
      });
    });
    expect((await send(port, { body: text })).status).toBe(200);
    // One more 'é': under the limit in characters, over it in bytes.
    const over = req('echo', ['é'.repeat(21)]);
    expect(over.length).toBeLessThan(Buffer.byteLength(text));
    expect((await send(port, { body: over })).status).toBe(413);
  });

  it("close() that gives up resets the connection of each call it aborted (not the server's socket)", async () => {
    const server = makeServer();
    const port = await mounted(server.httpHandler());
    const started = stuck(server, 'hang');
    const call = send(port, { body: req('hang') });
    await started;
    await server.close({ timeout: 0 });
    await expect(call).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('counts a mounted exchange: bytes in and out, no connection', async () => {
    const server = makeServer();
    const rpc = server.httpHandler();
    const port = await mounted(rpc);
    await send(port, { body: add });
    const note = JSON.stringify({ jsonrpc: '2.0', method: 'notify_hello' });
    expect((await send(port, { body: note })).status).toBe(204);
    const { connections, bytes } = server.stats();
    expect(connections).toMatchObject({ open: 0, total: 0 });
    expect(bytes).toEqual({
      in: add.length + note.length,
      out: '{"jsonrpc":"2.0","result":{"result":30},"id":1}'.length,
    });
  });
});
