import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ServerResponseMessage } from '../src/index.js';
import { createServerWithClock } from '../src/server.js';
import type { Clock } from '../src/stats.js';
import { deferred, Peer, req } from './helpers.js';

/** A fake clock at `now` that counts its reads. */
function fakeClock(now = 0): Clock & { now(): number; at: number; reads: number } {
  return {
    at: now,
    reads: 0,
    origin: 0,
    now() {
      this.reads++;
      return this.at;
    },
  };
}

function serverWith(clock: Clock) {
  // No handlerTimeout: its timer reads the clock too.
  const server = createServerWithClock({ handlerTimeout: 0 }, clock);
  onTestFinished(() => server.close({ timeout: 0 }));
  server.method('echo', (params: unknown) => params);
  return server;
}

describe('stats(): how calls are timed', () => {
  it('times a handle() call that a handler makes during a read as part of that read', async () => {
    // At clock time 0: a read starting at 0 is a read all the same.
    const clock = fakeClock(0);
    const server = serverWith(clock);
    const inner: Array<Promise<string | null>> = [];
    server.method('forward', () => {
      inner.push(server.handle(req('echo', ['inner'], 9)));
      return 'forwarded';
    });
    const batch = `[${req('echo', [1], 1)},${req('forward', [], 2)},${req('echo', [3], 3)}]`;
    expect(JSON.parse((await server.handle(batch))!)).toHaveLength(3);
    expect(await inner[0]).toBe('{"jsonrpc":"2.0","result":["inner"],"id":9}');
    // The three members and the forwarded call, all answered in the one read.
    expect(server.stats().latency).toEqual({ count: 4, p50: 0, p90: 0, p99: 0, max: 0 });
    expect(clock.reads).toBe(2);
  });

  it('reads the clock once for the answers settled in one run of microtasks, and again later', async () => {
    const clock = fakeClock(0);
    const server = serverWith(clock);
    let gate = deferred<string>();
    server.method('wait', () => gate.promise);
    const first = [server.handle(req('wait', [], 1)), server.handle(req('wait', [], 2))];
    // One read each starts: no call was answered in them, so none ends with a read.
    expect(clock.reads).toBe(2);
    clock.at = 40;
    gate.resolve('done');
    await Promise.all(first);
    expect(clock.reads).toBe(3);
    gate = deferred<string>();
    const second = server.handle(req('wait', [], 3));
    clock.at = 100;
    gate.resolve('done');
    await second;
    expect(clock.reads).toBe(5);
    // 40, 40, and 60 (from 40 to 100).
    expect(server.stats().latency).toMatchObject({ count: 3, max: 60 });
  });

  it('gives rerpc:server:response the milliseconds from the read to the answer', async () => {
    const clock = fakeClock(1000);
    const server = serverWith(clock);
    const gate = deferred<string>();
    server.method('wait', () => gate.promise);
    const durations: number[] = [];
    const listener = (message: unknown) => {
      durations.push((message as ServerResponseMessage).duration);
    };
    subscribe('rerpc:server:response', listener);
    onTestFinished(() => {
      unsubscribe('rerpc:server:response', listener);
    });
    const pending = server.handle(req('wait'));
    clock.at = 1040;
    gate.resolve('done');
    await pending;
    clock.at = 1050;
    await server.handle(req('nope', [], 2));
    // The unknown method is answered in the read that brought it: no time passed.
    expect(durations).toEqual([40, 0]);
  });
});

describe('stats(): calls read over TCP', () => {
  it("records each call answered in the read that brought it, also in the read at the peer's FIN", async () => {
    const server = serverWith(fakeClock(0));
    const address = await server.listen({ port: 0, host: '127.0.0.1' });
    const peer = await Peer.connect((address as { port: number }).port);
    peer.send(req('echo', [1], 1), req('echo', [2], 2));
    await peer.take(2);
    expect(server.stats().latency).toEqual({ count: 2, p50: 0, p90: 0, p99: 0, max: 0 });
    // A last line without its newline is decoded when the FIN arrives.
    peer.socket.end(req('echo', [3], 3));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: [3], id: 3 });
    expect(server.stats().latency).toEqual({ count: 3, p50: 0, p90: 0, p99: 0, max: 0 });
  });
});
