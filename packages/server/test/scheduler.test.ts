// The fair queue in front of the handlers (maxRunningPerConnection, concurrency, maxQueue):
// which queued call starts when a slot frees up, the queued counts, and when reading pauses.
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ChannelTransport, ServerOptions } from '../src/index.js';
import { makeServer } from './helpers.js';

/** One turn of the event loop: a finished handler's answer is sent and the next call started. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A server whose `work` calls (params `[tag]`) wait until `finish(tag)` and whose `quick` calls
 * return at once (inside the slot's start, so the next queued call starts in the same turn);
 * `started` lists every handler start in order, and `conn()` opens a channel sending such calls
 * (`onAnswer` sees each answer as it is sent, and may send more).
 */
function fairServer(options: ServerOptions) {
  const server = makeServer(options, false);
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  server.method('work', ([tag]: [string]) => {
    started.push(tag);
    return new Promise<string>((resolve) => finishers.set(tag, () => resolve(tag)));
  });
  server.method('quick', ([tag]: [string]) => {
    started.push(tag);
    return tag;
  });
  const conn = (onAnswer?: (id: unknown) => void) => {
    const events: string[] = [];
    const sent: unknown[] = [];
    const transport: ChannelTransport = {
      remoteAddress: null,
      send: (text) => {
        const message = JSON.parse(text) as { id: unknown };
        sent.push(message);
        onAnswer?.(message.id);
      },
      pause: () => {
        events.push('pause');
      },
      resume: () => {
        events.push('resume');
      },
      end() {},
    };
    const channel = server.openChannel(transport);
    onTestFinished(() => channel.destroy());
    const call = (method: string, tags: string[]) => {
      for (const tag of tags) channel.receive({ jsonrpc: '2.0', method, params: [tag], id: tag });
    };
    return {
      channel,
      events,
      sent,
      work: (...tags: string[]) => call('work', tags),
      quick: (...tags: string[]) => call('quick', tags),
      /** Ids answered on this channel, in order. */
      answered: () => sent.map((message) => (message as { id: unknown }).id),
    };
  };
  const finish = async (...tags: string[]) => {
    for (const tag of tags) {
      const done = finishers.get(tag);
      if (done === undefined) throw new Error(`${tag} has not started`);
      finishers.delete(tag);
      done();
    }
    await turn();
  };
  const calls = () => server.stats().calls;
  return { server, started, conn, finish, calls };
}

describe('the turn order of queued calls', () => {
  it('gives every waiting connection its turn, in the order each began to wait', async () => {
    const { started, conn, finish } = fairServer({ concurrency: 1 });
    const [a, b, c] = [conn(), conn(), conn()];
    a.work('a0');
    b.work('b0');
    c.work('c0');
    // b queues again after c began waiting: b keeps its turn, its second call waits for the next.
    b.work('b1');
    c.work('c1');
    expect(started).toEqual(['a0']);
    await finish('a0');
    await finish('b0');
    await finish('c0');
    await finish('b1');
    await finish('c1');
    expect(started).toEqual(['a0', 'b0', 'c0', 'b1', 'c1']);
    expect(b.answered()).toEqual(['b0', 'b1']);
    expect(c.answered()).toEqual(['c0', 'c1']);
  });

  it('keeps the others in turn when a waiting connection finishes a call of its own', async () => {
    const { started, conn, finish, calls } = fairServer({
      concurrency: 3,
      maxRunningPerConnection: 2,
    });
    const [b, c, d] = [conn(), conn(), conn()];
    b.work('b0');
    c.work('c0');
    d.work('d0');
    // The pool is full: b waits for a slot, then c (each runs one of its 2).
    b.work('b1');
    c.work('c1');
    expect(calls()).toMatchObject({ running: 3, queued: 2 });
    await finish('b0');
    expect(started).toEqual(['b0', 'c0', 'd0', 'b1']);
    // c is still next: d's slot goes to it.
    await finish('d0');
    expect(started).toEqual(['b0', 'c0', 'd0', 'b1', 'c1']);
    expect(calls()).toMatchObject({ running: 3, queued: 0, inFlight: 3 });
  });

  it('gives a connection that had nothing queued a turn only once it queues, behind those already waiting', async () => {
    const { started, conn, finish } = fairServer({ concurrency: 2, maxRunningPerConnection: 2 });
    const [a, c, d, e] = [conn(), conn(), conn(), conn()];
    a.work('a0');
    d.work('d0');
    c.work('c0');
    d.work('d1');
    // a's slot goes to c; d's call then finds no slot and keeps its turn.
    await finish('a0');
    expect(started).toEqual(['a0', 'd0', 'c0']);
    // e begins to wait behind d; a and c, whose queues emptied, only after e.
    e.work('e0');
    a.work('a1');
    c.work('c1');
    await finish('c0');
    await finish('d0');
    await finish('d1');
    await finish('e0');
    expect(started).toEqual(['a0', 'd0', 'c0', 'd1', 'e0', 'a1', 'c1']);
  });

  it("starts a connection's queued calls one per turn while it is under maxRunningPerConnection", async () => {
    const { started, conn, finish, calls } = fairServer({
      concurrency: 3,
      maxRunningPerConnection: 3,
    });
    const [a, b] = [conn(), conn()];
    a.work('a0', 'a1');
    b.work('b0', 'b1', 'b2');
    expect(started).toEqual(['a0', 'a1', 'b0']);
    await finish('a0');
    expect(started).toEqual(['a0', 'a1', 'b0', 'b1']);
    // b is back in turn after b1 started: the next free slot is its again.
    await finish('a1');
    expect(started).toEqual(['a0', 'a1', 'b0', 'b1', 'b2']);
    expect(calls()).toMatchObject({ running: 3, queued: 0 });
  });

  it('never runs more than maxRunningPerConnection of a connection, even when its calls are next in turn', async () => {
    const { started, conn, finish, calls } = fairServer({
      concurrency: 3,
      maxRunningPerConnection: 2,
    });
    const [a, b, c] = [conn(), conn(), conn()];
    a.work('a0');
    c.work('c0');
    b.work('b0', 'b1', 'b2');
    expect(started).toEqual(['a0', 'c0', 'b0']);
    await finish('a0');
    expect(started).toEqual(['a0', 'c0', 'b0', 'b1']);
    // c's slot is free, but b runs 2 already: b2 waits for one of b's own.
    await finish('c0');
    expect(started).toHaveLength(4);
    expect(calls()).toMatchObject({ running: 2, queued: 1 });
    await finish('b0');
    expect(started).toEqual(['a0', 'c0', 'b0', 'b1', 'b2']);
  });

  it('takes turns with handlers that return at once, one call per connection per turn', async () => {
    const { started, conn, finish, calls } = fairServer({ concurrency: 1 });
    const [a, b, c] = [conn(), conn(), conn()];
    a.work('a0');
    b.quick('b0', 'b1', 'b2');
    c.quick('c0', 'c1');
    await finish('a0');
    // Each handler returns while it is being started: its slot goes to the next connection in
    // turn, not to its own connection's next call.
    expect(started).toEqual(['a0', 'b0', 'c0', 'b1', 'c1', 'b2']);
    expect(b.answered()).toEqual(['b0', 'b1', 'b2']);
    expect(c.answered()).toEqual(['c0', 'c1']);
    expect(calls()).toMatchObject({ running: 0, queued: 0, inFlight: 0 });
  });

  it('runs every call of a connection that queues again after its queue emptied, in order', async () => {
    const { started, conn, finish } = fairServer({ concurrency: 1 });
    const a = conn();
    a.work('a0', 'a1');
    await finish('a0');
    // a1 runs: a's queue is empty again. a2 and a3 queue behind it.
    a.work('a2', 'a3');
    await finish('a1');
    a.work('a4');
    await finish('a2');
    await finish('a3');
    await finish('a4');
    expect(started).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(a.answered()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
  });

  it('runs every call of a connection whose next call found no slot and was put back', async () => {
    const { started, conn, finish, calls } = fairServer({
      concurrency: 2,
      maxRunningPerConnection: 2,
    });
    const [a, b, c] = [conn(), conn(), conn()];
    a.work('a0');
    b.work('b0');
    c.work('c0');
    b.work('b1', 'b2');
    // a's slot goes to c0 (first in turn); b1 found the pool full and went back, ahead of b2.
    await finish('a0');
    expect(calls()).toMatchObject({ running: 2, queued: 2 });
    b.work('b3');
    c.work('c1');
    expect(calls()).toMatchObject({ running: 2, queued: 4 });
    for (const tag of ['c0', 'b0', 'b1', 'c1', 'b2', 'b3']) await finish(tag);
    expect(started).toEqual(['a0', 'b0', 'c0', 'b1', 'c1', 'b2', 'b3']);
    expect(b.answered()).toEqual(['b0', 'b1', 'b2', 'b3']);
    expect(c.answered()).toEqual(['c0', 'c1']);
    expect(calls()).toMatchObject({ running: 0, queued: 0, inFlight: 0 });
  });

  it('runs every call of a connection whose only waiting call was put back, and those it queues next', async () => {
    const { started, conn, finish } = fairServer({ concurrency: 2, maxRunningPerConnection: 2 });
    const [a, b, c] = [conn(), conn(), conn()];
    a.work('a0');
    b.work('b0');
    c.work('c0');
    b.work('b1');
    await finish('a0');
    b.work('b2');
    for (const tag of ['c0', 'b0', 'b1', 'b2']) await finish(tag);
    expect(started).toEqual(['a0', 'b0', 'c0', 'b1', 'b2']);
    expect(b.answered()).toEqual(['b0', 'b1', 'b2']);
  });

  it('queues a call received while its connection has calls waiting, even when a slot is free then', async () => {
    const { started, conn, finish } = fairServer({ concurrency: 3, maxRunningPerConnection: 3 });
    const a = conn();
    // b sends b3 as soon as b1 is answered: inside b1's slot, freed but not yet handed on.
    const b = conn((id) => {
      if (id === 'b1') b.quick('b3');
    });
    a.work('a0', 'a1', 'a2');
    b.quick('b1', 'b2');
    await finish('a0');
    expect(started).toEqual(['a0', 'a1', 'a2', 'b1', 'b2', 'b3']);
    expect(b.answered()).toEqual(['b1', 'b2', 'b3']);
  });
});

describe('calls answered while queued', () => {
  it('never runs a call cancelled while queued; its connection starts its next call in the same turn', async () => {
    const { started, conn, finish, calls } = fairServer({ concurrency: 1 });
    const [a, b, c] = [conn(), conn(), conn()];
    a.work('a0');
    b.work('b0', 'b1');
    c.work('c0');
    b.channel.receive({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 'b0' } });
    expect(b.sent).toEqual([
      { jsonrpc: '2.0', error: { code: -32800, message: 'Request cancelled' }, id: 'b0' },
    ]);
    // Answered, but still in b's queue until its turn comes.
    expect(calls()).toMatchObject({ inFlight: 3, queued: 3 });
    await finish('a0');
    expect(started).toEqual(['a0', 'b1']);
    expect(calls()).toMatchObject({ inFlight: 2, queued: 1, running: 1 });
    await finish('b1');
    await finish('c0');
    expect(started).toEqual(['a0', 'b1', 'c0']);
    expect(b.answered()).toEqual(['b0', 'b1']);
  });
});

describe('queued counts', () => {
  it('counts each waiting call once while slots free up one at a time', async () => {
    const { conn, finish, calls } = fairServer({ concurrency: 1 });
    const [a, b, c] = [conn(), conn(), conn()];
    a.work('a0');
    b.work('b0', 'b1');
    c.work('c0');
    expect(calls()).toMatchObject({ running: 1, queued: 3 });
    await finish('a0');
    // b0 started; b1 and c0 tried for the slot and still wait.
    expect(calls()).toMatchObject({ running: 1, queued: 2 });
    await finish('b0');
    expect(calls()).toMatchObject({ running: 1, queued: 1 });
    await finish('c0');
    await finish('b1');
    expect(calls()).toMatchObject({ running: 0, queued: 0, inFlight: 0 });
  });

  it("drops only a destroyed connection's waiting calls from the count, after some of them ran", async () => {
    const { conn, finish, calls } = fairServer({ concurrency: 1 });
    const [a, b] = [conn(), conn()];
    a.work('a0', 'a1', 'a2', 'a3');
    await finish('a0');
    b.work('b0');
    expect(calls()).toMatchObject({ running: 1, queued: 3 });
    a.channel.destroy();
    expect(calls()).toMatchObject({ queued: 1, inFlight: 1 });
    // a1 still holds the slot (its handler ignores the disconnect): b0 starts once it returns.
    await finish('a1');
    expect(calls()).toMatchObject({ running: 1, queued: 0, inFlight: 1 });
    await finish('b0');
    expect(b.answered()).toEqual(['b0']);
    expect(calls()).toMatchObject({ running: 0, queued: 0, inFlight: 0 });
  });

  it('drops the right count for a destroyed connection whose waiting call was put back', async () => {
    const { conn, finish, calls } = fairServer({ concurrency: 2, maxRunningPerConnection: 2 });
    const [a, b, c] = [conn(), conn(), conn()];
    a.work('a0');
    b.work('b0');
    c.work('c0');
    b.work('b1');
    await finish('a0');
    // c0 took a's slot; b1 went back to b's queue.
    b.channel.destroy();
    expect(calls()).toMatchObject({ queued: 0, inFlight: 1 });
    c.work('c1');
    expect(calls()).toMatchObject({ queued: 1, inFlight: 2 });
    await finish('b0');
    expect(calls()).toMatchObject({ queued: 0, running: 2 });
  });
});

describe('saturation (maxQueue): reading pauses when the queue is full and resumes at half', () => {
  it('pauses every connection at maxQueue waiting calls and resumes only at half of it', async () => {
    const { conn, finish, calls, started } = fairServer({ concurrency: 1, maxQueue: 4 });
    const [a, b] = [conn(), conn()];
    a.work('a0', 'a1', 'a2', 'a3');
    expect(a.events).toEqual([]);
    a.work('a4');
    expect(calls()).toMatchObject({ running: 1, queued: 4 });
    expect(a.events).toEqual(['pause']);
    expect(b.events).toEqual(['pause']);
    // 3 waiting, more than half of 4: still paused.
    await finish('a0');
    expect(calls().queued).toBe(3);
    expect(a.events).toEqual(['pause']);
    // 2 waiting: half, so every connection reads again.
    await finish('a1');
    expect(calls().queued).toBe(2);
    expect(a.events).toEqual(['pause', 'resume']);
    expect(b.events).toEqual(['pause', 'resume']);
    // Filling up again pauses again.
    b.work('b0', 'b1');
    expect(b.events).toEqual(['pause', 'resume', 'pause']);
    await finish('a2');
    await finish('b0');
    expect(b.events).toEqual(['pause', 'resume', 'pause', 'resume']);
    await finish('a3');
    await finish('b1');
    await finish('a4');
    expect(started).toEqual(['a0', 'a1', 'a2', 'b0', 'a3', 'b1', 'a4']);
    expect(calls()).toMatchObject({ running: 0, queued: 0, inFlight: 0 });
  });
});
