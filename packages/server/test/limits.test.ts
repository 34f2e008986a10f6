import type { Framing } from '@rerpc/codec';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type CallContext,
  DisconnectedError,
  HandlerTimeoutError,
  ServerClosedError,
} from '../src/index.js';
import { ReadGate } from '../src/read-gate.js';
import { createServerWithClock } from '../src/server.js';
import {
  abortReason,
  deferred,
  listening,
  makeServer,
  Peer,
  recorder,
  req,
  stuck,
} from './helpers.js';

const PING = req('echo', ['ping'], 'ping');

/** A method whose calls wait until released, in arrival order. */
function gate() {
  const waiting: Array<() => void> = [];
  let started = 0;
  let onStart: (() => void) | null = null;
  return {
    handler: (_params: unknown, ctx: CallContext) =>
      new Promise<string>((resolve, reject) => {
        started++;
        onStart?.();
        waiting.push(() => resolve('released'));
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
      }),
    get started() {
      return started;
    },
    release(n = 1) {
      for (let i = 0; i < n; i++) waiting.shift()?.();
    },
    /** Resolves once `n` calls have started. */
    whenStarted(n: number): Promise<void> {
      if (started >= n) return Promise.resolve();
      return new Promise((resolve) => {
        onStart = () => {
          if (started >= n) {
            onStart = null;
            resolve();
          }
        };
      });
    },
  };
}

for (const framing of ['ndjson', 'content-length'] as Framing[]) {
  describe(`maxMessageBytes over TCP (${framing})`, () => {
    it('answers an oversize frame with -32600 (id null), then closes only that connection', async () => {
      const { server, port } = await listening({ framing, maxMessageBytes: 200 });
      const other = await Peer.connect(port, framing);
      const peer = await Peer.connect(port, framing);
      peer.send(req('sleep', { ms: 20 }, 'before'), req('echo', ['x'.repeat(300)], 'big'));
      const error = (await peer.nextJson()) as { error: { code: number; data: string }; id: null };
      expect(error).toMatchObject({
        error: { code: -32600, message: 'Invalid Request' },
        id: null,
      });
      expect(error.error.data).toBe(
        'message exceeds maxMessageBytes (200 bytes); the connection is closed',
      );
      // The call received before the oversize frame is still answered, then the server ends.
      expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: 20, id: 'before' });
      await peer.ended;
      await peer.closed;
      other.send(PING);
      expect(await other.nextJson()).toMatchObject({ result: ['ping'] });
      expect(server.stats().errors['-32600']).toBe(1);
    });
  });
}

describe('maxBatchLength over TCP', () => {
  it('answers an over-long batch with one -32600 and keeps serving', async () => {
    const { port } = await listening({ maxBatchLength: 2 });
    const peer = await Peer.connect(port);
    peer.send(`[${[1, 2, 3].map((i) => req('echo', [i], i)).join(',')}]`, PING);
    const got = (await peer.nextJson()) as { error: { data: string } };
    expect(got).toMatchObject({ error: { code: -32600 }, id: null });
    expect(got.error.data).toBe('batch of 3 members exceeds maxBatchLength (2); split it');
    expect(await peer.nextJson()).toMatchObject({ result: ['ping'] });
  });
});

describe('maxConnections', () => {
  it('destroys connections over the limit at once and serves the others', async () => {
    const { server, port } = await listening({ maxConnections: 2 });
    const a = await Peer.connect(port);
    const b = await Peer.connect(port);
    a.send(PING);
    b.send(PING);
    await a.next();
    await b.next();
    const c = await Peer.connect(port);
    await c.closed;
    expect(server.stats().connections).toMatchObject({ open: 2, total: 2, refused: 1 });
    a.send(PING);
    expect(await a.nextJson()).toMatchObject({ result: ['ping'] });
    a.socket.end();
    await a.closed;
    const d = await Peer.connect(port);
    d.send(PING);
    expect(await d.nextJson()).toMatchObject({ result: ['ping'] });
  });
});

describe('the synchronous fast path', () => {
  it('answers a handler that returns a plain value before receive() returns', () => {
    const server = makeServer();
    const { transport, sent } = recorder();
    const channel = server.openChannel(transport);
    expect(
      channel.receive({
        jsonrpc: '2.0',
        method: 'ArithService.Add',
        params: { a: 1, b: 2 },
        id: 1,
      }),
    ).toBe(true);
    expect(sent).toEqual(['{"jsonrpc":"2.0","result":{"result":3},"id":1}']);
    expect(channel.inFlight).toBe(0);
    expect(channel.receive([{ jsonrpc: '2.0', method: 'echo', params: [1], id: 2 }])).toBe(true);
    expect(sent[1]).toBe('[{"jsonrpc":"2.0","result":[1],"id":2}]');
    expect(channel.receive({ jsonrpc: '2.0', method: 'echo', params: [1] })).toBe(false);
    expect(sent).toHaveLength(2);
    channel.destroy();
  });

  it('ends the transport once nothing is in flight after end()', async () => {
    const server = makeServer();
    const { transport, events, sent, ended } = recorder();
    const channel = server.openChannel(transport);
    channel.receive({ jsonrpc: '2.0', method: 'sleep', params: { ms: 10 }, id: 1 });
    expect(server.peers()).toHaveLength(1);
    channel.end();
    expect(events).toEqual([]);
    channel.receive({ jsonrpc: '2.0', method: 'echo', params: [1], id: 2 });
    await ended;
    expect(events).toEqual(['end']);
    // Ended by the server: no longer among its peers (its transport may still be closing).
    expect(server.peers()).toEqual([]);
    expect(sent.map((t) => JSON.parse(t))).toEqual([
      { jsonrpc: '2.0', error: expect.objectContaining({ code: -32002 }), id: 2 },
      { jsonrpc: '2.0', result: 10, id: 1 },
    ]);
    channel.destroy();
  });
});

describe('maxInFlightPerConnection', () => {
  it('pauses the channel at the limit and resumes it once in flight is down to half', async () => {
    const server = makeServer({ maxInFlightPerConnection: 4 });
    const g = gate();
    server.method('gate', g.handler);
    const { transport, events, sent } = recorder();
    const channel = server.openChannel(transport);
    for (let i = 0; i < 3; i++) channel.receive({ jsonrpc: '2.0', method: 'gate', id: i });
    expect(events).toEqual([]);
    channel.receive({ jsonrpc: '2.0', method: 'gate', id: 3 });
    expect(events).toEqual(['pause']);
    expect(channel.inFlight).toBe(4);
    g.release(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['pause']);
    g.release(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['pause', 'resume']);
    expect(sent).toHaveLength(2);
    channel.destroy();
  });

  it('end() lets a channel paused at its limit read again (to refuse), and ends it once', async () => {
    const server = makeServer({ maxInFlightPerConnection: 2 });
    const g = gate();
    server.method('gate', g.handler);
    const { transport, events, sent, ended } = recorder();
    const channel = server.openChannel(transport);
    channel.receive({ jsonrpc: '2.0', method: 'gate', id: 1 });
    channel.receive({ jsonrpc: '2.0', method: 'gate', id: 2 });
    expect(events).toEqual(['pause']);
    channel.end();
    channel.end();
    expect(events).toEqual(['pause', 'resume']);
    channel.receive({ jsonrpc: '2.0', method: 'gate', id: 3 });
    expect(JSON.parse(sent[0]!)).toMatchObject({ id: 3, error: { code: -32002 } });
    g.release(2);
    await ended;
    channel.end();
    expect(events).toEqual(['pause', 'resume', 'end']);
    expect(sent.map((text) => JSON.parse(text).id)).toEqual([3, 1, 2]);
    channel.destroy();
  });

  it('answers every call of a connection held to one call in flight', async () => {
    const { port } = await listening({ maxInFlightPerConnection: 1 });
    const peer = await Peer.connect(port);
    for (let i = 0; i < 10; i++) peer.send(req('sleep', { ms: i % 2 }, i));
    const got = (await peer.take(10)) as Array<{ id: number; result: number }>;
    expect(got.map((r) => r.id).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('worker-pool saturation (concurrency, maxQueue)', () => {
  it('pauses every channel when the queue is full and resumes them when it drains', async () => {
    const server = makeServer({ concurrency: 1, maxQueue: 2 });
    const g = gate();
    server.method('gate', g.handler);
    const one = recorder();
    const two = recorder();
    const a = server.openChannel(one.transport);
    const b = server.openChannel(two.transport);
    // 1 running + 2 queued fill the pool; the 4th waits in the server's overflow.
    for (let i = 0; i < 4; i++) a.receive({ jsonrpc: '2.0', method: 'gate', id: i });
    expect(one.events).toEqual(['pause']);
    expect(two.events).toEqual(['pause']);
    expect(server.stats().calls).toMatchObject({ running: 1, queued: 3, inFlight: 4 });
    // A message already read on a paused channel is still taken, in order, never refused.
    b.receive({ jsonrpc: '2.0', method: 'gate', id: 'b' });
    for (let i = 0; i < 5; i++) {
      await g.whenStarted(i + 1);
      g.release(1);
    }
    await g.whenStarted(5);
    await new Promise((resolve) => setImmediate(resolve));
    expect(one.events).toEqual(['pause', 'resume']);
    expect(two.events).toEqual(['pause', 'resume']);
    expect(one.sent.map((t) => JSON.parse(t).id)).toEqual([0, 1, 2, 3]);
    expect(two.sent.map((t) => JSON.parse(t).id)).toEqual(['b']);
    a.destroy();
    b.destroy();
  });

  it('opens a channel paused while the queue is full, and resumes it with the others', async () => {
    const server = makeServer({ concurrency: 1, maxQueue: 1 });
    const g = gate();
    server.method('gate', g.handler);
    const one = recorder();
    const a = server.openChannel(one.transport);
    a.receive({ jsonrpc: '2.0', method: 'gate', id: 1 });
    a.receive({ jsonrpc: '2.0', method: 'gate', id: 2 });
    expect(one.events).toEqual(['pause']);
    const late = recorder();
    const b = server.openChannel(late.transport);
    expect(late.events).toEqual(['pause']);
    g.release(1);
    await g.whenStarted(2);
    expect(one.events).toEqual(['pause', 'resume']);
    expect(late.events).toEqual(['pause', 'resume']);
    g.release(1);
    a.destroy();
    b.destroy();
  });

  it("resumes every channel at once when a destroyed channel's queued calls were what filled the queue", () => {
    const server = makeServer({ concurrency: 1, maxQueue: 2 });
    const g = gate();
    server.method('gate', g.handler);
    const busy = recorder();
    const other = recorder();
    const a = server.openChannel(busy.transport);
    const b = server.openChannel(other.transport);
    for (let i = 0; i < 3; i++) a.receive({ jsonrpc: '2.0', method: 'gate', id: i });
    expect(other.events).toEqual(['pause']);
    expect(server.stats().calls).toMatchObject({ inFlight: 3, queued: 2 });
    a.destroy();
    expect(other.events).toEqual(['pause', 'resume']);
    expect(server.stats().calls).toMatchObject({ inFlight: 0, queued: 0 });
    b.destroy();
  });

  it('holds one channel to maxRunningPerConnection handlers even while slots are free', async () => {
    const server = makeServer({ concurrency: 4, maxRunningPerConnection: 2 });
    const started: string[] = [];
    const finish = new Map<string, () => void>();
    server.method('work', ([tag]: [string]) => {
      started.push(tag);
      return new Promise<string>((resolve) => finish.set(tag, () => resolve(tag)));
    });
    const done = async (tag: string) => {
      finish.get(tag)!();
      await new Promise((resolve) => setImmediate(resolve));
    };
    const a = recorder();
    const b = recorder();
    const ca = server.openChannel(a.transport);
    const cb = server.openChannel(b.transport);
    for (const tag of ['a0', 'a1', 'a2', 'a3']) {
      ca.receive({ jsonrpc: '2.0', method: 'work', params: [tag], id: tag });
    }
    cb.receive({ jsonrpc: '2.0', method: 'work', params: ['b0'], id: 'b0' });
    expect(started).toEqual(['a0', 'a1', 'b0']);
    expect(server.stats().calls).toMatchObject({ running: 3, queued: 2 });
    await done('a0');
    expect(started).toEqual(['a0', 'a1', 'b0', 'a2']);
    // b0's slot frees up, but a already runs 2: a3 waits for one of a's own.
    await done('b0');
    expect(started).toHaveLength(4);
    expect(server.stats().calls).toMatchObject({ running: 2, queued: 1 });
    await done('a1');
    expect(started).toEqual(['a0', 'a1', 'b0', 'a2', 'a3']);
    await done('a2');
    await done('a3');
    expect(a.sent.map((text) => JSON.parse(text).result)).toEqual(['a0', 'a1', 'a2', 'a3']);
    expect(b.sent).toHaveLength(1);
    ca.destroy();
    cb.destroy();
  });

  it('answers every call over TCP with one handler slot and no queue', async () => {
    const { server, port } = await listening({ concurrency: 1, maxQueue: 0 });
    const peer = await Peer.connect(port);
    const requests = Array.from({ length: 50 }, (_, i) => req('sleep', { ms: i % 2 }, i));
    peer.send(...requests);
    const got = (await peer.take(50)) as Array<{ id: number; result: number }>;
    expect(got.map((r) => r.id)).toEqual(requests.map((_, i) => i));
    expect(server.stats().calls).toMatchObject({ total: 50, inFlight: 0, queued: 0 });
  });
});

describe('handlerTimeout over TCP', () => {
  it('answers -32001, aborts ctx.signal and keeps the connection serving', async () => {
    const { server, port } = await listening({ handlerTimeout: 30 });
    const reason = stuck(server, 'hang').then(abortReason);
    const peer = await Peer.connect(port);
    peer.send(req('hang', [], 'h'));
    expect(await peer.nextJson()).toEqual({
      jsonrpc: '2.0',
      error: {
        code: -32001,
        message: 'Handler timed out',
        data: 'hang did not finish within 30 ms',
      },
      id: 'h',
    });
    expect(await reason).toBeInstanceOf(HandlerTimeoutError);
    peer.send(PING);
    expect(await peer.nextJson()).toMatchObject({ result: ['ping'] });
  });

  it('times out a call that waited in the queue without ever starting it', async () => {
    // Both calls arrive at clock time 0 and are past their deadline at the first sweep. (On the
    // real clock they arrive a few µs apart, and a sweep between their deadlines let the first
    // one's abort free the slot for the second: the test failed 1 run in 3 under load.)
    let now = 0;
    const server = createServerWithClock(
      { handlerTimeout: 30, concurrency: 1 },
      { now: () => now, origin: 0 },
    );
    onTestFinished(() => server.close({ timeout: 0 }));
    const g = gate();
    server.method('gate', g.handler);
    const first = server.handle(req('gate', [], 1));
    const second = server.handle(req('gate', [], 2));
    now = 30;
    expect(JSON.parse((await second)!)).toMatchObject({ error: { code: -32001 }, id: 2 });
    expect(JSON.parse((await first)!)).toMatchObject({ error: { code: -32001 }, id: 1 });
    expect(g.started).toBe(1);
  });
});

describe('handlerTimeout: one timer for every call', () => {
  it('answers each call -32001 at its own deadline, re-arming for the next one', async () => {
    let now = 0;
    const server = createServerWithClock({ handlerTimeout: 30 }, { now: () => now, origin: 0 });
    onTestFinished(() => server.close({ timeout: 0 }));
    const g = gate();
    server.method('gate', g.handler);
    const settled: number[] = [];
    const first = server.handle(req('gate', [], 1));
    await g.whenStarted(1);
    now = 20;
    const second = server.handle(req('gate', [], 2));
    void second.then(() => settled.push(2));
    await g.whenStarted(2);
    now = 30;
    expect(JSON.parse((await first)!)).toMatchObject({ error: { code: -32001 }, id: 1 });
    expect(settled).toEqual([]);
    expect(server.stats().calls).toMatchObject({ timedOut: 1, inFlight: 1 });
    now = 50;
    expect(JSON.parse((await second)!)).toMatchObject({ error: { code: -32001 }, id: 2 });
    expect(server.stats().calls).toMatchObject({ timedOut: 2, inFlight: 0 });
  });
});

describe('idleTimeout', () => {
  it('closes a connection idle for idleTimeout', async () => {
    const { port } = await listening({ idleTimeout: 40 });
    const peer = await Peer.connect(port);
    peer.send(PING);
    await peer.next();
    await peer.ended;
    expect(await peer.closed).toBe(false);
  });

  it('leaves a connection with a call in flight open past idleTimeout', async () => {
    const { port } = await listening({ idleTimeout: 30 });
    const peer = await Peer.connect(port);
    peer.send(req('sleep', { ms: 120 }, 'slow'));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: 120, id: 'slow' });
    await peer.ended;
  });
});

describe('slow readers (maxWriteBufferBytes)', () => {
  it('drops a peer that does not read its answers, without disturbing another', async () => {
    const { server, port } = await listening({ maxWriteBufferBytes: 1 << 20 });
    server.method('big', () => 'x'.repeat(256 * 1024));
    const reader = await Peer.connect(port);
    const slow = await Peer.connect(port);
    slow.socket.pause();
    // 40 answers of 256 KiB: far more than the kernel's buffers and the 1 MiB limit.
    slow.send(...Array.from({ length: 40 }, (_, i) => req('big', [], i)));
    reader.send(PING);
    expect(await reader.nextJson()).toMatchObject({ result: ['ping'] });
    slow.socket.resume();
    await slow.closed;
    reader.send(req('big', [], 'r'));
    const got = (await reader.nextJson()) as { result: string };
    expect(got.result).toHaveLength(256 * 1024);
    expect(server.stats().connections.open).toBe(1);
  });

  it('aborts the calls of a dropped slow reader', async () => {
    const { server, port } = await listening({ maxWriteBufferBytes: 1 << 20 });
    server.method('big', () => 'x'.repeat(256 * 1024));
    const aborted = stuck(server, 'watch').then(abortReason);
    const slow = await Peer.connect(port);
    slow.socket.pause();
    slow.send(req('watch', [], 'w'), ...Array.from({ length: 40 }, (_, i) => req('big', [], i)));
    expect(await aborted).toBeInstanceOf(DisconnectedError);
    slow.socket.resume();
    await slow.closed;
  });
});

describe('ReadGate: a connection reads only when nothing holds it', () => {
  it('pauses for the core or a full write buffer, and resumes once neither holds', () => {
    const told: string[] = [];
    const gate = new ReadGate({
      pause: () => told.push('pause'),
      resume: () => told.push('resume'),
    });
    gate.setWrite(true);
    gate.setCore(true);
    gate.setWrite(false);
    expect(told).toEqual(['pause']);
    expect(gate.corePaused).toBe(true);
    gate.setCore(false);
    gate.setCore(false);
    gate.setWrite(false);
    expect(told).toEqual(['pause', 'resume']);
    expect(gate.corePaused).toBe(false);
    gate.setCore(true);
    gate.setWrite(true);
    gate.setCore(false);
    expect(told).toEqual(['pause', 'resume', 'pause']);
    gate.setWrite(false);
    expect(told).toEqual(['pause', 'resume', 'pause', 'resume']);
  });
});

/**
 * A clock the test moves, counting the server's reads: the deadline timer reads it once each time
 * it wakes, so the count says when the server woke.
 */
function frozenClock(start: number) {
  const clock = {
    time: start,
    reads: 0,
    origin: 0,
    now(): number {
      clock.reads++;
      return clock.time;
    },
  };
  return clock;
}

/**
 * Resolves after a timer of `ms` armed now. Node fires timers in order of due time: one due well
 * before the server's (tens of ms: a loaded machine delays both alike) fires first, and one armed
 * after the server's with the same delay fires after it.
 */
const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('handlerTimeout: the deadline timer', () => {
  it('sleeps until the oldest deadline, then until the next one, reading the clock only then', async () => {
    // Far from 0, so arithmetic that adds the clock to a deadline shows.
    const clock = frozenClock(1_000_000);
    const server = createServerWithClock({ handlerTimeout: 100 }, clock);
    onTestFinished(() => server.close({ timeout: 0 }));
    const g = gate();
    server.method('gate', g.handler);
    const first = server.handle(req('gate', [], 1));
    const second = server.handle(req('gate', [], 2));
    clock.time += 50;
    const third = server.handle(req('gate', [], 3));
    await g.whenStarted(3);
    clock.time += 50;
    // The first two calls' deadline is 100 ms away: nothing wakes the server in the next 20.
    let reads = clock.reads;
    await tick(20);
    expect(clock.reads).toBe(reads);
    expect(JSON.parse((await first)!)).toMatchObject({ error: { code: -32001 }, id: 1 });
    expect(JSON.parse((await second)!)).toMatchObject({ error: { code: -32001 }, id: 2 });
    // The third call's deadline is 50 ms after that sweep: the server sleeps until then.
    reads = clock.reads;
    await tick(10);
    expect(clock.reads).toBe(reads);
    clock.time += 50;
    expect(JSON.parse((await third)!)).toMatchObject({ error: { code: -32001 }, id: 3 });
    expect(server.stats().calls).toMatchObject({ timedOut: 3, inFlight: 0 });
  });

  it('leaves the deadline list when answered: a call that finished is not counted as timed out later', async () => {
    const clock = frozenClock(0);
    const server = createServerWithClock({ handlerTimeout: 30 }, clock);
    onTestFinished(() => server.close({ timeout: 0 }));
    const g = gate();
    server.method('gate', g.handler);
    const done = server.handle(req('gate', [], 1));
    const late = server.handle(req('gate', [], 2));
    await g.whenStarted(2);
    g.release();
    expect(JSON.parse((await done)!)).toEqual({ jsonrpc: '2.0', result: 'released', id: 1 });
    clock.time = 30;
    expect(JSON.parse((await late)!)).toMatchObject({ error: { code: -32001 }, id: 2 });
    expect(server.stats().calls.timedOut).toBe(1);
    expect(server.stats().errors).toEqual({ '-32001': 1 });
  });

  it('arms no timer when handlerTimeout is 0: a call outlasting a timer tick is answered', async () => {
    const clock = frozenClock(0);
    const server = createServerWithClock({ handlerTimeout: 0 }, clock);
    onTestFinished(() => server.close({ timeout: 0 }));
    const g = gate();
    server.method('gate', g.handler);
    const pending = server.handle(req('gate', [], 1));
    await g.whenStarted(1);
    const reads = clock.reads;
    // A deadline timer would be due in 1 ms (the shortest) and fire before this one.
    await tick(1);
    expect(clock.reads).toBe(reads);
    g.release();
    expect(JSON.parse((await pending)!)).toEqual({ jsonrpc: '2.0', result: 'released', id: 1 });
    expect(server.stats().calls.timedOut).toBe(0);
  });

  it('stops with close(): the server reads its clock no more once close() resolved', async () => {
    const clock = frozenClock(0);
    const server = createServerWithClock({ handlerTimeout: 10 }, clock);
    const ctx = stuck(server, 'hang');
    const pending = server.handle(req('hang', [], 1)).catch((error: unknown) => error);
    await ctx;
    await server.close({ timeout: 0 });
    expect(await pending).toBeInstanceOf(ServerClosedError);
    const reads = clock.reads;
    // Past the deadline the timer was armed for (10 ms).
    await tick(20);
    expect(clock.reads).toBe(reads);
  });

  it('never starts a queued call that timed out, even once a handler slot is free', async () => {
    const clock = frozenClock(0);
    const server = createServerWithClock({ handlerTimeout: 30, concurrency: 1 }, clock);
    onTestFinished(() => server.close({ timeout: 0 }));
    let runs = 0;
    server.method('count', () => ++runs);
    server.method('echo', (params: unknown) => params);
    // Holds the only slot past its deadline: it ignores its signal, so its slot stays taken.
    const hold = deferred<string>();
    server.method('hold', () => hold.promise);
    const first = server.handle(req('hold', [], 1));
    const queued = server.handle(req('count', [], 2));
    clock.time = 30;
    expect(JSON.parse((await first)!)).toMatchObject({ error: { code: -32001 }, id: 1 });
    expect(JSON.parse((await queued)!)).toMatchObject({ error: { code: -32001 }, id: 2 });
    hold.resolve('late');
    // The slot goes to the next call waiting: the timed-out `count` is skipped, `echo` runs.
    expect(JSON.parse((await server.handle(req('echo', ['after'], 3)))!)).toEqual({
      jsonrpc: '2.0',
      result: ['after'],
      id: 3,
    });
    expect(runs).toBe(0);
  });
});
