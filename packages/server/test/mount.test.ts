import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import express from 'express';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Server } from '../src/index.js';
import { makeServer, req } from './helpers.js';
import { openWs, send, upgradeStatus } from './web-helpers.js';

const add = req('ArithService.Add', { a: 10, b: 20 });

/** Listens on 127.0.0.1:0; closed (every connection with it) when the test ends. */
async function listenOn(http: HttpServer): Promise<number> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => {
    http.closeAllConnections();
    return new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return (http.address() as { port: number }).port;
}

/** A plain node:http app serving rerpc under /rpc (POST and WebSocket) and its own route. */
async function plainApp(server: Server): Promise<number> {
  const rpc = server.httpHandler({ healthPath: '/rpc/health' });
  const upgrade = server.upgradeHandler();
  const http = createHttpServer((request, response) => {
    if (request.url?.startsWith('/rpc')) {
      rpc(request, response);
      return;
    }
    response.end('app');
  });
  http.on('upgrade', (request, socket, head) => {
    if (request.url === '/rpc') upgrade(request, socket, head);
    else socket.destroy();
  });
  return listenOn(http);
}

describe('mounted on a plain node:http server', () => {
  it('serves POST, health and WebSocket under /rpc next to the app', async () => {
    const server = makeServer();
    const port = await plainApp(server);
    const res = await send(port, { path: '/rpc', body: add });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ result: { result: 30 } });
    expect((await send(port, { method: 'GET', path: '/rpc/health' })).status).toBe(200);
    expect((await send(port, { method: 'GET', path: '/rpc' })).status).toBe(405);
    expect((await send(port, { method: 'GET', path: '/other' })).body).toBe('app');
    const client = await openWs(`ws://127.0.0.1:${port}/rpc`);
    expect(await client.call(add)).toMatchObject({ result: { result: 30 } });
    // Only WebSocket sockets become the rerpc server's own; mounted POSTs count their bytes.
    const stats = server.stats();
    expect(stats.connections.open).toBe(1);
    expect(stats.bytes.in).toBeGreaterThan(2 * add.length);
  });

  it('close() drains its WebSocket connections and answers 503 on the mount; the app keeps serving', async () => {
    const server = makeServer({ closeGrace: 0 });
    const port = await plainApp(server);
    const client = await openWs(`ws://127.0.0.1:${port}/rpc`);
    await client.call(add);
    await server.close();
    expect((await client.closed).code).toBe(1001);
    const late = await send(port, { path: '/rpc', body: add });
    expect(late.status).toBe(503);
    expect((await send(port, { method: 'GET', path: '/rpc/health' })).status).toBe(503);
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/rpc`)).toBe(503);
    expect((await send(port, { method: 'GET', path: '/other' })).body).toBe('app');
  });
});

describe('mounted in express 5', () => {
  it('serves POST and its health check under a route, WebSocket through the upgrade event', async () => {
    const server = makeServer();
    const app = express();
    app.get('/', (_request, response) => {
      response.send('home');
    });
    // No body parser on this route: the handler reads the body stream itself.
    app.use('/rpc', server.httpHandler());
    const http = createHttpServer(app);
    const upgrade = server.upgradeHandler();
    http.on('upgrade', (request, socket, head) => {
      if (request.url === '/rpc') upgrade(request, socket, head);
      else socket.destroy();
    });
    const port = await listenOn(http);
    const res = await send(port, { path: '/rpc', body: `[${add},${add}]` });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toHaveLength(2);
    // express strips the mount path: the health path is relative to it.
    const health = await send(port, { method: 'GET', path: '/rpc/health' });
    expect(health).toMatchObject({ status: 200, body: '{"status":"serving"}' });
    expect(
      (await send(port, { path: '/rpc', headers: { 'content-type': 'text/plain' } })).status,
    ).toBe(415);
    expect((await send(port, { method: 'GET', path: '/' })).body).toBe('home');
    const client = await openWs(`ws://127.0.0.1:${port}/rpc`);
    expect(await client.call(add)).toMatchObject({ result: { result: 30 } });
  });
});

describe('a body read before the handler ran', () => {
  it('express.json() in front: the parsed body is answered; a consumed body that was not kept is 500', async () => {
    const server = makeServer();
    const app = express();
    app.post('/parsed', express.json(), server.httpHandler());
    const rpc = server.httpHandler();
    app.post('/drained', (request, response) => {
      request.resume();
      request.once('end', () => rpc(request, response));
    });
    const port = await listenOn(createHttpServer(app));
    const parsed = await send(port, { path: '/parsed', body: add });
    expect(JSON.parse(parsed.body)).toMatchObject({ result: { result: 30 } });
    const drained = await send(port, { path: '/drained', body: add });
    expect(drained.status).toBe(500);
    expect(drained.body).toContain('mount httpHandler() before any body parser');
  });
});
