import { createServer as createHttpServer } from 'node:http';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { req } from './helpers.js';
import { openWs } from './web-helpers.js';

/**
 * A fresh copy of the server's modules, in which `ws` is not loaded yet, and a node:http server
 * that hands its first upgrade to a rerpc server created in that same tick: the upgrade arrives
 * before `ws` has loaded (as one can right after start-up). `then` runs after the hand-over.
 */
async function firstUpgrade(then: (server: { close(): Promise<void> }) => void): Promise<number> {
  vi.resetModules();
  const { createServer } = await import('../src/index.js');
  const http = createHttpServer();
  http.on('upgrade', (request, socket, head) => {
    const server = createServer({ closeGrace: 60_000 });
    onTestFinished(() => server.close({ timeout: 0 }));
    server.method('echo', (params: unknown) => params);
    server.upgradeHandler()(request, socket, head);
    then(server);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => {
    http.closeAllConnections();
    return new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return (http.address() as { port: number }).port;
}

describe('WebSocket: an upgrade that arrives before ws has loaded', () => {
  it('is held until ws loads, then completed', async () => {
    const port = await firstUpgrade(() => {});
    const client = await openWs(`ws://127.0.0.1:${port}/`);
    expect(await client.call(req('echo', ['first'], 1))).toEqual({
      jsonrpc: '2.0',
      result: ['first'],
      id: 1,
    });
  });

  it('is completed and closed with 1001 when close() began while ws loaded', async () => {
    const port = await firstUpgrade((server) => void server.close());
    const client = await openWs(`ws://127.0.0.1:${port}/`);
    expect(await client.closed).toEqual({ code: 1001, reason: 'the server is shutting down' });
  });
});
