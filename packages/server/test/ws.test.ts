import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Server } from '../src/index.js';
import { DisconnectedError } from '../src/index.js';
import { abortReason, type Deferred, deferred, req, stuck } from './helpers.js';
import { listenHttp, openWs, send, upgradeStatus } from './web-helpers.js';

const add = req('ArithService.Add', { a: 10, b: 20 });
const wsUrl = (port: number, path = '/') => `ws://127.0.0.1:${port}${path}`;

/** Registers `gate`: each call waits until the test releases its id. */
function gated(server: Server): Map<number, Deferred<void>> {
  const gates = new Map<number, Deferred<void>>();
  server.method('gate', async ({ n }: { n: number }) => {
    const gate = deferred<void>();
    gates.set(n, gate);
    await gate.promise;
    return n;
  });
  return gates;
}

describe('WebSocket on the HTTP port', () => {
  it('answers a call and a batch, each as one text message; a notification gets none', async () => {
    const { port } = await listenHttp();
    const client = await openWs(wsUrl(port, '/any/path'));
    client.ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'notify_hello', params: [1] }));
    expect(await client.call(add)).toEqual({ jsonrpc: '2.0', result: { result: 30 }, id: 1 });
    const batch = await client.call(`[${add},${req('echo', ['x'], 2)}]`);
    expect(batch).toHaveLength(2);
  });

  it('keeps many calls in flight and answers each as it finishes, in any order', async () => {
    const { port, server } = await listenHttp();
    const gates = gated(server);
    const client = await openWs(wsUrl(port));
    for (let n = 1; n <= 5; n++) client.ws.send(req('gate', { n }, n));
    const order: number[] = [];
    for (let n = 5; n >= 1; n--) {
      while (!gates.has(n)) await new Promise((resolve) => setImmediate(resolve));
      gates.get(n)!.resolve();
      const answer = JSON.parse(await client.next()) as { id: number; result: number };
      expect(answer.result).toBe(answer.id);
      order.push(answer.id);
    }
    expect(order).toEqual([5, 4, 3, 2, 1]);
  });

  it('answers bad JSON with -32700 and keeps serving', async () => {
    const { port } = await listenHttp();
    const client = await openWs(wsUrl(port));
    expect(await client.call('{"jsonrpc":')).toMatchObject({ error: { code: -32700 }, id: null });
    expect(await client.call(add)).toMatchObject({ result: { result: 30 } });
  });

  it('closes with 1003 and a reason on a binary message; calls in flight are aborted saying why', async () => {
    const { port, server } = await listenHttp();
    const started = stuck(server, 'hang');
    const client = await openWs(wsUrl(port));
    client.ws.send(req('hang'));
    const aborted = abortReason(await started);
    client.ws.send(Buffer.from(add));
    const closed = await client.closed;
    expect(closed.code).toBe(1003);
    expect(closed.reason).toBe('binary messages are not accepted; send JSON-RPC as text messages');
    const reason = await aborted;
    expect(reason).toBeInstanceOf(DisconnectedError);
    expect((reason as Error).message).toBe(
      'The peer sent a binary message: binary messages are not accepted; send JSON-RPC as text messages',
    );
  });

  it('closes with 1009 on a message over maxMessageBytes (maxPayload)', async () => {
    const { port } = await listenHttp({ maxMessageBytes: 100 });
    const client = await openWs(wsUrl(port));
    client.ws.send(req('echo', ['x'.repeat(200)]));
    expect((await client.closed).code).toBe(1009);
  });

  it('counts WebSocket connections, bytes and answered calls in stats()', async () => {
    const { port, server } = await listenHttp();
    const client = await openWs(wsUrl(port));
    await client.call(add);
    await client.call(`[${add},${add}]`);
    const stats = server.stats();
    expect(stats.connections).toEqual({ open: 1, total: 1, refused: 0 });
    expect(stats.bytes.in).toBeGreaterThan(add.length);
    // Answered in the message that brought them: timed per message.
    expect(stats.latency.count).toBe(3);
    client.ws.close();
    await client.closed;
  });
});

describe('WebSocket: limits apply through the core', () => {
  it('maxBatchLength, maxDepth and handlerTimeout are answered as over TCP', async () => {
    const { port, server } = await listenHttp({
      maxBatchLength: 2,
      maxDepth: 4,
      handlerTimeout: 20,
    });
    void stuck(server, 'hang');
    const client = await openWs(wsUrl(port));
    expect(await client.call(`[${add},${add},${add}]`)).toMatchObject({ error: { code: -32600 } });
    expect(await client.call(req('echo', [[[[[1]]]]]))).toMatchObject({
      error: { code: -32600 },
      id: null,
    });
    expect(await client.call(req('hang', undefined, 7))).toMatchObject({
      error: { code: -32001 },
      id: 7,
    });
  });

  it('maxInFlightPerConnection: a connection paused at the limit reads again once its calls finish', async () => {
    const { port, server } = await listenHttp({ maxInFlightPerConnection: 2 });
    const gates = gated(server);
    const client = await openWs(wsUrl(port));
    client.ws.send(req('gate', { n: 1 }, 1));
    client.ws.send(req('gate', { n: 2 }, 2));
    while (gates.size < 2) await new Promise((resolve) => setImmediate(resolve));
    expect(server.stats().calls.inFlight).toBe(2);
    // Sent while the server has paused reading: answered once reading resumes.
    await new Promise((resolve) => setImmediate(resolve));
    client.ws.send(req('gate', { n: 3 }, 3));
    gates.get(1)!.resolve();
    gates.get(2)!.resolve();
    while (!gates.has(3)) await new Promise((resolve) => setImmediate(resolve));
    gates.get(3)!.resolve();
    const ids = new Set<number>();
    for (let i = 0; i < 3; i++) ids.add((JSON.parse(await client.next()) as { id: number }).id);
    expect(ids).toEqual(new Set([1, 2, 3]));
  });
});

describe('WebSocket: upgrade checks', () => {
  it('origins: an allowed origin or none opens; another gets 403', async () => {
    const { port } = await listenHttp(undefined, { origins: ['https://app.example'] });
    await openWs(wsUrl(port), { origin: 'https://app.example' });
    await openWs(wsUrl(port));
    expect(await upgradeStatus(wsUrl(port), { origin: 'https://evil.example' })).toBe(403);
  });

  it('origins unset: a browser (any Origin) opens', async () => {
    const { port } = await listenHttp();
    const client = await openWs(wsUrl(port), { origin: 'https://anywhere.example' });
    expect(await client.call(add)).toMatchObject({ result: { result: 30 } });
  });

  it('websocket: false refuses upgrades with 405 (POST still works)', async () => {
    const { port } = await listenHttp(undefined, { websocket: false });
    expect(await upgradeStatus(wsUrl(port))).toBe(405);
    expect((await send(port, { body: add })).status).toBe(200);
  });

  it('503 over maxConnections', async () => {
    const { port, server } = await listenHttp({ maxConnections: 1 });
    const first = await openWs(wsUrl(port));
    expect(await upgradeStatus(wsUrl(port))).toBe(503);
    expect(await first.call(add)).toMatchObject({ result: { result: 30 } });
    expect(server.stats().connections.refused).toBe(1);
  });
});

describe('WebSocket: liveness and close', () => {
  it('terminates a connection that does not answer pings; one that does stays open', async () => {
    // 250 ms, not less: the live client's pong must be read before the next ping, which a
    // loaded machine (CI, pnpm mutation) can delay by tens of milliseconds.
    const { port } = await listenHttp(undefined, { pingInterval: 250 });
    const mute = await openWs(wsUrl(port), { autoPong: false });
    const live = await openWs(wsUrl(port));
    let pings = 0;
    live.ws.on('ping', () => pings++);
    // Terminated without a close frame: the client sees 1006.
    expect((await mute.closed).code).toBe(1006);
    while (pings < 3) await new Promise((resolve) => live.ws.once('ping', resolve));
    expect(live.ws.readyState).toBe(WebSocket.OPEN);
    expect(await live.call(add)).toMatchObject({ result: { result: 30 } });
  });

  it('close(): calls in flight are answered, later requests get -32002, then a 1001 close frame', async () => {
    const { port, server } = await listenHttp({ closeGrace: 60_000 });
    const gates = gated(server);
    const client = await openWs(wsUrl(port));
    client.ws.send(req('gate', { n: 1 }, 1));
    while (!gates.has(1)) await new Promise((resolve) => setImmediate(resolve));
    const closed = server.close();
    expect(await client.call(add)).toMatchObject({ error: { code: -32002 } });
    gates.get(1)!.resolve();
    expect(JSON.parse(await client.next())).toMatchObject({ result: 1, id: 1 });
    // The grace period (60 s here) is cut short by the peer: it may close as soon as it likes.
    client.ws.close(1000);
    expect((await client.closed).code).toBe(1000);
    await closed;
  });

  it('close() after the grace period sends 1001 "going away"', async () => {
    const { port, server } = await listenHttp({ closeGrace: 0 });
    const client = await openWs(wsUrl(port));
    await client.call(add);
    const closed = server.close();
    const frame = await client.closed;
    expect(frame).toEqual({ code: 1001, reason: 'the server is shutting down' });
    await closed;
  });

  it('close() past its timeout terminates connections whose calls did not finish', async () => {
    const { port, server } = await listenHttp();
    const started = stuck(server, 'hang');
    const client = await openWs(wsUrl(port));
    client.ws.send(req('hang'));
    await started;
    await server.close({ timeout: 0 });
    expect((await client.closed).code).toBe(1006);
  });
});
