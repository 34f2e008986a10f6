import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { abortReason, deferred, makeServer, req, stuck } from './helpers.js';
import { askToContinue, keepAliveAgent, listenHttp, post, send } from './web-helpers.js';

const add = req('ArithService.Add', { a: 10, b: 20 });

describe('HTTP POST: the status-code table', () => {
  it('200 application/json with the answer of a call', async () => {
    const { url } = await listenHttp();
    const res = await post(url, add);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toBe('{"jsonrpc":"2.0","result":{"result":30},"id":1}');
  });

  it('200 with the JSON-RPC error for bad JSON (-32700), an unknown method, an empty batch', async () => {
    const { url } = await listenHttp();
    const bad = await post(url, '{"jsonrpc":');
    expect(bad.status).toBe(200);
    expect(JSON.parse(bad.body)).toMatchObject({ error: { code: -32700 }, id: null });
    const missing = await post(url, req('nope'));
    expect(JSON.parse(missing.body)).toMatchObject({ error: { code: -32601 }, id: 1 });
    expect(JSON.parse((await post(url, '[]')).body)).toMatchObject({ error: { code: -32600 } });
  });

  it('200 with a batch array; 204 with no body for a notification or an all-notification batch', async () => {
    const { url } = await listenHttp();
    const batch = await post(url, `[${add},${req('echo', ['x'], 2)}]`);
    expect(batch.status).toBe(200);
    expect(JSON.parse(batch.body)).toHaveLength(2);
    const note = JSON.stringify({ jsonrpc: '2.0', method: 'notify_hello', params: [1] });
    for (const body of [note, `[${note},${note}]`]) {
      const res = await post(url, body);
      expect(res.status).toBe(204);
      expect(res.body).toBe('');
    }
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('405 with Allow: POST for %s', async (method) => {
    const { port } = await listenHttp();
    const res = await send(port, { method, body: method === 'GET' ? undefined : add });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });

  it.each([
    ['application/json-rpc', 200],
    ['application/json; charset=utf-8', 200],
    ['Application/JSON; charset="UTF-8"', 200],
    ['application/json; charset=latin1', 415],
    ['text/plain', 415],
    ['application/x-www-form-urlencoded', 415],
  ])('Content-Type %s: %i', async (type, status) => {
    const { url } = await listenHttp();
    expect((await post(url, add, type)).status).toBe(status);
  });

  it('415 without a Content-Type, and for a compressed body', async () => {
    const { port } = await listenHttp();
    expect((await send(port, { headers: {}, body: add })).status).toBe(415);
    const gzip = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
    expect((await send(port, { headers: gzip, body: add })).status).toBe(415);
  });

  it('413 with Connection: close for a body over maxMessageBytes (declared length)', async () => {
    const { url, server } = await listenHttp({ maxMessageBytes: 100 });
    const res = await post(url, req('echo', ['x'.repeat(200)]));
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(res.body).toContain('maxMessageBytes (100 bytes)');
    expect(server.stats().calls.total).toBe(0);
  });

  it('413 while streaming a chunked body, before the body ends (never buffered whole)', async () => {
    const { port, server } = await listenHttp({ maxMessageBytes: 1000 });
    const answered = deferred<number>();
    const upload = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', agent: false },
      (res) => {
        res.resume();
        answered.resolve(res.statusCode!);
      },
    );
    upload.setHeader('content-type', 'application/json');
    upload.on('error', () => {});
    // 600 bytes at a time, never ended: the answer must come from the bytes counted so far.
    upload.write(`[${'1,'.repeat(299)}`);
    upload.write('1,'.repeat(300));
    expect(await answered.promise).toBe(413);
    upload.destroy();
    expect(server.stats().calls.total).toBe(0);
  });

  it('Expect: 100-continue: 413 or 415 before the body is sent; 100 Continue for a good request', async () => {
    const { port } = await listenHttp({ maxMessageBytes: 100 });
    const ask = (headers: Record<string, string | number>, body: string) =>
      askToContinue(port, headers, body);
    const json = { 'content-type': 'application/json' };
    expect(await ask({ ...json, 'content-length': 1000 }, 'x'.repeat(1000))).toEqual({
      continued: false,
      status: 413,
    });
    expect(
      await ask({ ...json, 'content-type': 'text/plain', 'content-length': add.length }, add),
    ).toEqual({ continued: false, status: 415 });
    expect(await ask({ ...json, 'content-length': add.length }, add)).toEqual({
      continued: true,
      status: 200,
    });
  });

  it('503 with Connection: close over maxConnections; the first connection keeps being served', async () => {
    const { port, server } = await listenHttp({ maxConnections: 1 });
    const first = keepAliveAgent();
    expect((await send(port, { body: add, agent: first })).status).toBe(200);
    const second = await send(port, { body: add });
    expect(second.status).toBe(503);
    expect(second.headers.connection).toBe('close');
    expect((await send(port, { body: add, agent: first })).status).toBe(200);
    expect(server.stats().connections).toMatchObject({ open: 1, total: 1, refused: 1 });
  });

  it('keeps connections alive: sequential calls share one socket', async () => {
    const { port, server } = await listenHttp();
    const agent = keepAliveAgent();
    for (let i = 0; i < 3; i++) {
      const res = await send(port, { body: add, agent });
      expect(res.headers.connection).toBe('keep-alive');
    }
    const stats = server.stats();
    expect(stats.connections.total).toBe(1);
    expect(stats.bytes.in).toBeGreaterThan(3 * add.length);
    expect(stats.bytes.out).toBeGreaterThan(0);
  });
});

describe('HTTP on a Unix socket', () => {
  it('serves POST on a path', async () => {
    const path = join(tmpdir(), `rerpc-http-${process.pid}-${Date.now()}.sock`);
    const server = makeServer();
    expect(await server.listen({ transport: 'http', path })).toEqual({ path });
    const res = await new Promise<number>((resolve, reject) => {
      const call = request(
        {
          socketPath: path,
          method: 'POST',
          path: '/',
          headers: { 'content-type': 'application/json' },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode!);
        },
      );
      call.on('error', reject);
      call.end(add);
    });
    expect(res).toBe(200);
  });
});

describe('HTTP: health check', () => {
  it('GET /health is 200 while serving and 503 once close() began', async () => {
    const { port, server } = await listenHttp({ closeGrace: 60_000 });
    const probe = keepAliveAgent();
    const serving = await send(port, { method: 'GET', path: '/health', agent: probe });
    expect(serving).toMatchObject({ status: 200, body: '{"status":"serving"}' });
    expect(serving.headers['content-type']).toBe('application/json');
    const closed = server.close();
    // The probe's idle keep-alive socket is kept for closeGrace: it gets the draining answer.
    const draining = await send(port, { method: 'GET', path: '/health?probe=1', agent: probe });
    expect(draining).toMatchObject({ status: 503, body: '{"status":"draining"}' });
    expect(draining.headers.connection).toBe('close');
    await closed;
  });

  it('healthPath moves it; null disables it (GET is then 405)', async () => {
    const { port } = await listenHttp(undefined, { healthPath: '/ready' });
    expect((await send(port, { method: 'GET', path: '/ready' })).status).toBe(200);
    expect((await send(port, { method: 'GET', path: '/health' })).status).toBe(405);
    const off = await listenHttp(undefined, { healthPath: null });
    expect((await send(off.port, { method: 'GET', path: '/health' })).status).toBe(405);
  });
});

describe('HTTP: close()', () => {
  it('answers calls in flight (Connection: close), refuses new requests with 503, then resolves', async () => {
    const { port, server } = await listenHttp({ closeGrace: 60_000 });
    const release = deferred<void>();
    const started = deferred<void>();
    server.method('slow', async () => {
      started.resolve();
      await release.promise;
      return 'done';
    });
    const idle = keepAliveAgent();
    expect((await send(port, { body: add, agent: idle })).status).toBe(200);
    const busy = send(port, { body: req('slow'), agent: keepAliveAgent() });
    await started.promise;
    const closed = server.close();
    // A request on an idle keep-alive socket within closeGrace: 503, and the socket closes.
    const refused = await send(port, { body: add, agent: idle });
    expect(refused.status).toBe(503);
    expect(refused.headers.connection).toBe('close');
    release.resolve();
    const res = await busy;
    expect(res.status).toBe(200);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.body)).toMatchObject({ result: 'done' });
    await closed;
    expect(server.stats().connections.open).toBe(0);
  });

  it('closes idle keep-alive sockets when closeGrace ends, then resolves', async () => {
    const { port, server } = await listenHttp({ closeGrace: 20 });
    const agent = keepAliveAgent();
    expect((await send(port, { body: add, agent })).status).toBe(200);
    const [idle] = Object.values(agent.freeSockets).flat();
    const idleClosed = new Promise((resolve) => idle!.once('close', resolve));
    // No timeout: only the end of closeGrace closes the idle socket.
    await server.close({ timeout: Number.POSITIVE_INFINITY });
    await idleClosed;
    expect(server.stats().connections.open).toBe(0);
  });

  it('a client that goes away aborts its handlers (ctx.signal: DisconnectedError)', async () => {
    const { port, server } = await listenHttp();
    const started = stuck(server, 'hang');
    const call = request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent: false });
    call.setHeader('content-type', 'application/json');
    call.on('error', () => {});
    call.end(req('hang'));
    const ctx = await started;
    const reason = abortReason(ctx);
    call.destroy();
    expect(await reason).toMatchObject({
      code: 'RERPC_ERR_DISCONNECTED',
      message:
        'The HTTP client closed the connection before its answer; nobody will read it, so stop the work',
    });
    expect(server.stats().calls.inFlight).toBe(0);
  });
});

describe('HTTP: limits apply through the core', () => {
  it('maxBatchLength and maxDepth are answered 200 with -32600', async () => {
    const { url } = await listenHttp({ maxBatchLength: 2, maxDepth: 4 });
    const long = await post(url, `[${add},${add},${add}]`);
    expect(JSON.parse(long.body)).toMatchObject({ error: { code: -32600 } });
    const deep = await post(url, req('echo', [[[[[1]]]]]));
    expect(JSON.parse(deep.body)).toMatchObject({ error: { code: -32600 }, id: null });
  });

  it('handlerTimeout answers -32001 over HTTP', async () => {
    const { url, server } = await listenHttp({ handlerTimeout: 20 });
    void stuck(server, 'hang');
    const res = await post(url, req('hang'));
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: -32001 } });
  });
});

describe('HTTP: CORS', () => {
  const origin = 'https://app.example';

  it('an allowed origin gets Access-Control-Allow-Origin on POST and a 204 preflight', async () => {
    const { port } = await listenHttp(undefined, { cors: [origin] });
    const res = await send(port, {
      headers: { 'content-type': 'application/json', origin },
      body: add,
    });
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers.vary).toBe('Origin');
    const preflight = await send(port, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toBe('POST');
    expect(preflight.headers['access-control-allow-headers']).toBe('Content-Type');
  });

  it('another origin gets no CORS header and a 403 preflight; without cors OPTIONS is 405', async () => {
    const { port } = await listenHttp(undefined, { cors: [origin] });
    const other = { 'content-type': 'application/json', origin: 'https://evil.example' };
    const res = await send(port, { headers: other, body: add });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect((await send(port, { method: 'OPTIONS', headers: other })).status).toBe(403);
    const off = await listenHttp();
    const preflight = await send(off.port, { method: 'OPTIONS', headers: { origin } });
    expect(preflight.status).toBe(405);
  });

  it("cors: '*' allows any origin", async () => {
    const { port } = await listenHttp(undefined, { cors: '*' });
    const res = await send(port, {
      headers: { 'content-type': 'application/json', origin: 'https://x.example' },
      body: add,
    });
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});
