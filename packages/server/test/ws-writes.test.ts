import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { deferred, req } from './helpers.js';
import { listenHttp, openWs } from './web-helpers.js';

const add = req('ArithService.Add', { a: 10, b: 20 });
const wsUrl = (port: number) => `ws://127.0.0.1:${port}/`;

/** `n` turns of the event loop: real I/O is read and handled meanwhile. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Turns of the event loop (real I/O runs) until `ready()` holds; at most 200. */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ready(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(ready()).toBe(true);
}

/** Fakes only setInterval/clearInterval (the ping timer); sockets and other timers stay real. */
function fakeIntervals(): void {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  onTestFinished(() => {
    vi.useRealTimers();
  });
}

describe('WebSocket writes: backpressure', () => {
  it('reads no more messages while the socket holds answers the peer has not read, and reads again once it has', async () => {
    const { server, port } = await listenHttp({ maxWriteBufferBytes: 1 << 30 });
    const huge = 8 << 20;
    let answered = false;
    let ran = 0;
    server.method('huge', () => {
      answered = true;
      return 'x'.repeat(huge);
    });
    server.method('count', () => ++ran);
    const client = await openWs(wsUrl(port));
    client.ws.pause();
    client.ws.send(req('huge', [], 'huge'));
    await until(() => answered);
    await turns(5);
    client.ws.send(req('count', [], 'count'));
    await turns(20);
    expect(ran).toBe(0);
    client.ws.resume();
    expect(((await client.next()) as string).length).toBeGreaterThan(huge);
    expect(JSON.parse(await client.next())).toEqual({ jsonrpc: '2.0', result: 1, id: 'count' });
    expect(await client.call(add)).toMatchObject({ result: { result: 30 } });
  });

  it('reads no more messages while the connection is at maxInFlightPerConnection', async () => {
    const { server, port } = await listenHttp({ maxInFlightPerConnection: 1 });
    const release = deferred();
    let started = 0;
    server.method('wait', () => {
      started++;
      return release.promise.then(() => 'done');
    });
    const client = await openWs(wsUrl(port));
    client.ws.send(req('wait', [], 1));
    await until(() => started === 1);
    client.ws.send(req('wait', [], 2));
    await turns(20);
    expect(started).toBe(1);
    release.resolve();
    expect([JSON.parse(await client.next()), JSON.parse(await client.next())]).toEqual([
      { jsonrpc: '2.0', result: 'done', id: 1 },
      { jsonrpc: '2.0', result: 'done', id: 2 },
    ]);
  });
});

describe('WebSocket: the ping timer', () => {
  it('pings every connection from one timer each pingInterval, and stops it with the last connection', async () => {
    fakeIntervals();
    const { server, port } = await listenHttp(undefined, { pingInterval: 1000 });
    expect(vi.getTimerCount()).toBe(0);
    const a = await openWs(wsUrl(port));
    const b = await openWs(wsUrl(port));
    expect(vi.getTimerCount()).toBe(1);
    const pinged = [a, b].map((c) => new Promise((resolve) => c.ws.once('ping', resolve)));
    vi.advanceTimersByTime(1000);
    await Promise.all(pinged);
    a.ws.close();
    await a.closed;
    await until(() => server.stats().connections.open === 1);
    expect(vi.getTimerCount()).toBe(1);
    b.ws.close();
    await b.closed;
    await until(() => vi.getTimerCount() === 0);
    // A new connection starts it again.
    const c = await openWs(wsUrl(port));
    expect(vi.getTimerCount()).toBe(1);
    const again = new Promise((resolve) => c.ws.once('ping', resolve));
    vi.advanceTimersByTime(1000);
    await again;
  });

  it('pingInterval 0 starts no timer', async () => {
    fakeIntervals();
    const { port } = await listenHttp(undefined, { pingInterval: 0 });
    const client = await openWs(wsUrl(port));
    expect(await client.call(add)).toMatchObject({ result: { result: 30 } });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps a client that sends a message between pings though it never pongs; drops it after a silent interval', async () => {
    fakeIntervals();
    const { port } = await listenHttp(undefined, { pingInterval: 1000 });
    const client = await openWs(wsUrl(port), { autoPong: false });
    for (let round = 0; round < 3; round++) {
      const pinged = new Promise((resolve) => client.ws.once('ping', resolve));
      vi.advanceTimersByTime(1000);
      await pinged;
      expect(await client.call(add)).toMatchObject({ result: { result: 30 } });
    }
    const pinged = new Promise((resolve) => client.ws.once('ping', resolve));
    vi.advanceTimersByTime(1000);
    await pinged;
    vi.advanceTimersByTime(1000);
    // Terminated without a close frame: the client sees 1006.
    expect((await client.closed).code).toBe(1006);
  });
});
