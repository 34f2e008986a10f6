// The balancer's bookkeeping, in one process on raw NDJSON servers on 127.0.0.1: the connection
// stats it sums, a call moved past an out endpoint, connections no call kept being parked, what
// close() does (to every endpoint, to a dial or a health check in flight, to a resolver's late
// answer), the healthy set after a return or a resolver's rerun, endpoints the resolver removes,
// and the least gap between resolver runs that failed dials start, on an injected clock (issue
// 19; balancer.test.ts has the basics).
import { once } from 'node:events';
import { createServer as createNetServer, type Socket } from 'node:net';
import { deferred, nextMessage, recordChannel } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { Balancer } from '../src/balancer.js';
import { checkEndpointsTarget } from '../src/endpoints.js';
import {
  type ClientEndpointMessage,
  type ClientOptions,
  createClient,
  type EndpointsTarget,
} from '../src/index.js';
import { createLinkSet } from '../src/links.js';
import { loadRegistry } from '../src/node-registry.js';
import { resolveClientOptions } from '../src/options.js';
import { ClientImpl } from '../src/peer-client.js';
import { balanced, closing, counted, row, serving } from './balancer-helpers.js';
import { Fail } from './fixtures/raw-server.js';
import { freePort, rejection } from './helpers.js';

/**
 * Fakes setInterval and performance.now() for this test: the pools' sweep (which parks a
 * connection unused for a second) and the calls' deadlines run on them; setTimeout stays real.
 */
function fakeIntervals(): void {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
  onTestFinished(() => {
    vi.useRealTimers();
  });
}

/** A client of `target` as createClient() makes it, but whose balancer reads `clock`. */
function clocked(target: EndpointsTarget, clock: () => number, options: ClientOptions = {}) {
  const spec = checkEndpointsTarget(target);
  const o = resolveClientOptions(options, 'ndjson');
  const whole = {
    transport: 'tcp',
    address: spec.address,
    tcp: null,
    url: null,
    secure: false,
    stream: null,
  } as const;
  const client = new ClientImpl(whole, o, {
    links: (host) => new Balancer(spec, (endpoint) => createLinkSet(host, endpoint, o), clock),
    registry: loadRegistry,
    tracer: null,
  });
  return closing(client);
}

describe('balancer: connection stats', () => {
  it("dialling and idle sum every endpoint's pool", async () => {
    fakeIntervals();
    const a = await serving('a');
    const b = await serving('b');
    const client = balanced([a.port, b.port], { pick: 'round-robin' });
    const calls = Promise.all([client.call('where'), client.call('where')]);
    expect(client.stats().connections).toEqual({
      active: 0,
      idle: 0,
      dialling: 2,
      dialled: 0,
      dialErrors: 0,
    });
    expect(await calls).toEqual(['a', 'b']);
    vi.advanceTimersByTime(1250); // parked after about a second unused
    expect(client.stats().connections).toEqual({
      active: 0,
      idle: 2,
      dialling: 0,
      dialled: 2,
      dialErrors: 0,
    });
  });
});

describe('balancer: a call moved to an endpoint with a connection open', () => {
  /** [dead, live] with live's connection open: dead is picked first, and stays up. */
  async function deadThenLive() {
    fakeIntervals();
    const dead = await freePort();
    const live = await serving('live');
    const client = balanced([dead, live.port], { pick: 'first', ejectAfter: 0 });
    expect(await client.call('where')).toBe('live');
    return { client, dead, live };
  }

  it('takes that connection, and leaves it to be parked once unused', async () => {
    const { client, dead, live } = await deadThenLive();
    expect(await client.call('where')).toBe('live');
    expect(live.accepted).toBe(1);
    vi.advanceTimersByTime(1250);
    expect(client.stats().connections).toMatchObject({ active: 0, idle: 1, dialled: 1 });
    expect(client.stats().endpoints).toEqual([
      row(dead, { failures: 2, picks: 2 }),
      row(live.port, { calls: 2, picks: 2 }),
    ]);
  });

  it('given up on before it got there, leaves the connection to be parked once unused', async () => {
    const { client, dead, live } = await deadThenLive();
    const controller = new AbortController();
    const gone = rejection(client.call('where', [], { signal: controller.signal }));
    controller.abort(); // while its dial to dead is in flight
    expect(await gone).toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    // Waits for the same dial to dead (one failure for both), then moves on after the aborted one.
    expect(await client.call('where')).toBe('live');
    vi.advanceTimersByTime(1250);
    expect(client.stats().connections).toMatchObject({ active: 0, idle: 1, dialled: 1 });
    expect(live.accepted).toBe(1);
    expect(client.stats().endpoints![0]).toEqual(row(dead, { failures: 2, picks: 3 }));
  });
});

describe('balancer: connections no call took', () => {
  it('the connection dialled for a call given up on meanwhile is parked once unused', async () => {
    fakeIntervals();
    const live = await serving('live');
    const client = balanced([live.port]);
    const controller = new AbortController();
    const gone = rejection(client.call('where', [], { signal: controller.signal }));
    controller.abort(); // while its dial is in flight
    expect(await gone).toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    expect(await client.call('where')).toBe('live');
    vi.advanceTimersByTime(1250);
    expect(client.stats().connections).toMatchObject({ active: 0, idle: 1, dialled: 1 });
    expect(client.stats().endpoints).toEqual([row(live.port, { calls: 1, picks: 2 })]);
  });

  it('the connection a probe dialled is parked once unused (the probe takes no lease)', async () => {
    fakeIntervals();
    const back = await freePort();
    const live = await serving('live');
    const client = balanced([back, live.port], { pick: 'first', ejectAfter: 1, ejectionTime: 10 });
    expect(await client.call('where')).toBe('live');
    const returned = nextMessage<ClientEndpointMessage>(
      'rerpc:client:endpoint:return',
      (m) => m.address === `127.0.0.1:${back}`,
    );
    await serving('back', {}, back);
    await returned;
    vi.advanceTimersByTime(1250);
    expect(client.stats().connections).toMatchObject({ active: 0, idle: 2, dialled: 2 });
  });
});

describe('balancer: a connection a probe opened', () => {
  it('reset before any call took it, is dropped: the next call there dials anew', async () => {
    const back = await freePort();
    const live = await serving('live');
    const address = `127.0.0.1:${back}`;
    const client = balanced([back, live.port], { pick: 'first', ejectAfter: 1, ejectionTime: 10 });
    expect(await client.call('where')).toBe('live'); // back's dial failed: ejected
    const returned = nextMessage<ClientEndpointMessage>(
      'rerpc:client:endpoint:return',
      (m) => m.address === address,
    );
    const server = await serving('back', {}, back);
    await returned; // the probe's dial: a connection no call took
    const closed = nextMessage<{ address: string }>(
      'rerpc:client:connection:close',
      (m) => m.address === address,
    );
    server.destroyConnections();
    await closed;
    expect(await client.call('where')).toBe('back');
    expect(server.accepted).toBe(2);
    expect(client.stats().endpoints![0]).toEqual(
      row(back, { failures: 1, ejections: 1, calls: 1, picks: 2 }),
    );
  });
});

describe('balancer: close', () => {
  it("close() closes every endpoint's connections", async () => {
    const a = await serving('a');
    const b = await serving('b');
    const client = balanced([a.port, b.port], { pick: 'round-robin' });
    expect(await Promise.all([client.call('where'), client.call('where')])).toEqual(['a', 'b']);
    const closed = [...a.sockets, ...b.sockets].map((socket) => once(socket, 'close'));
    expect(closed.length).toBe(2);
    await client.close();
    await Promise.all(closed);
    expect(client.stats().connections).toMatchObject({ active: 0, idle: 0 });
  });
});

describe('balancer: health', () => {
  it('a dial to an endpoint that is up publishes no return', async () => {
    const a = await serving('a');
    const returned = recordChannel<ClientEndpointMessage>('rerpc:client:endpoint:return');
    const client = balanced([a.port]);
    expect(await client.call('where')).toBe('a');
    expect(returned).toEqual([]);
  });

  it('the first answer an endpoint gives ends the run of timeouts before it', async () => {
    const a = await serving('a');
    const b = await serving('b');
    const client = balanced([a.port, b.port], { pick: 'first', ejectAfter: 2 });
    const hang = async () =>
      expect(await rejection(client.call('hang', [], { timeout: 20 }))).toMatchObject({
        code: 'RERPC_ERR_TIMEOUT',
      });
    await hang(); // a's first call
    expect(await client.call('where')).toBe('a');
    await hang();
    expect(client.stats().endpoints![0]).toEqual(row(a.port, { failures: 2, calls: 3, picks: 3 }));
    await hang();
    expect(client.stats().endpoints![0]).toMatchObject({ state: 'ejected', failures: 3 });
  });

  it("a server's shutdown seen on two connections drains it once", async () => {
    const a = await serving('a');
    const b = await serving('b');
    const ejected = recordChannel<ClientEndpointMessage>('rerpc:client:endpoint:eject');
    const client = balanced(
      [a.port, b.port],
      { pick: 'first', ejectionTime: 60_000 },
      { pipelineThreshold: 1 },
    );
    expect(await Promise.all([client.call('where'), client.call('where')])).toEqual(['a', 'a']);
    expect(a.sockets.size).toBe(2);
    a.shutdownConnections(1);
    // Both were sent on a's two connections, refused there, and retried on b.
    expect(await Promise.all([client.call('where'), client.call('where')])).toEqual(['b', 'b']);
    expect(ejected.map((m) => [m.address, m.state])).toEqual([[`127.0.0.1:${a.port}`, 'draining']]);
    expect(client.stats().endpoints![0]).toMatchObject({ state: 'draining', failures: 0 });
  });

  it('a connection reset while its endpoint drains is no failure (the call on it fails as sent)', async () => {
    const asked = deferred();
    const a = await serving('a', {
      slow: () => {
        asked.resolve();
        return new Promise(() => {});
      },
    });
    const b = await serving('b');
    const client = balanced(
      [a.port, b.port],
      { pick: 'first', ejectAfter: 1, ejectionTime: 60_000 },
      { pipelineThreshold: 1 },
    );
    expect(await Promise.all([client.call('where'), client.call('where')])).toEqual(['a', 'a']);
    const slow = rejection(client.call('slow'));
    await asked.promise;
    a.shutdownConnections(1);
    // On a's other connection: refused (a drains), retried on b.
    expect(await client.call('where')).toBe('b');
    a.destroyConnections();
    expect(await slow).toMatchObject({ code: 'RERPC_ERR_CONNECTION', sent: true });
    expect(client.stats().endpoints![0]).toMatchObject({
      state: 'draining',
      failures: 0,
      ejections: 0,
      inFlight: 0,
    });
  });

  it('with every other endpoint out, a call whose dial fails moves to an out one (which a dial brings back)', async () => {
    const dead = await freePort();
    const b = await serving('b');
    const client = balanced([dead, b.port], { pick: 'first', ejectionTime: 60_000 });
    expect(await client.call('where')).toBe('b'); // dead's dial failed: it moved on
    b.shutdownConnections(1);
    // dead's dial fails, b refuses it (b drains), the retry's dial to dead (the one up) fails:
    // then it moves to b, out, whose new connection brings it back.
    expect(await client.call('where')).toBe('b');
    expect(client.stats().endpoints).toEqual([
      row(dead, { failures: 3, picks: 3 }),
      row(b.port, { calls: 3, picks: 3 }),
    ]);
  });

  it('an endpoint ejected by a timeout, its connection still open, comes back at its probe on that connection', async () => {
    fakeIntervals(); // the probe's timer stays real
    const a = await serving('a');
    const b = await serving('b');
    const client = balanced([a.port, b.port], { pick: 'first', ejectAfter: 1, ejectionTime: 10 });
    expect(await client.call('where')).toBe('a'); // connected
    const returned = nextMessage<ClientEndpointMessage>(
      'rerpc:client:endpoint:return',
      (m) => m.address === `127.0.0.1:${a.port}`,
    );
    const hung = rejection(client.call('hang', [], { timeout: 20 }));
    vi.advanceTimersByTime(50);
    expect(await hung).toMatchObject({ code: 'RERPC_ERR_TIMEOUT' });
    expect(client.stats().endpoints![0]).toMatchObject({ state: 'ejected', ejections: 1 });
    await returned;
    expect(client.stats().endpoints![0]).toMatchObject({ state: 'up', ejectedUntil: null });
    expect(await client.call('where')).toBe('a');
    // The probe dialled nothing and kept no lease: the open connection was the proof.
    vi.advanceTimersByTime(1250);
    expect(client.stats().connections).toMatchObject({ active: 0, idle: 1, dialled: 1 });
    expect(a.accepted).toBe(1);
  });

  it('an endpoint back from ejection is picked again; the others still out are not', async () => {
    const [dead, back] = [await freePort(), await freePort()];
    const live = await serving('live');
    const client = balanced([dead, back, live.port], {
      pick: 'first',
      ejectAfter: 1,
      ejectionTime: 10,
      maxEjectionTime: 15,
    });
    // dead, then back: both dials fail, both are ejected; the call ends on live.
    expect(await client.call('where')).toBe('live');
    expect(client.stats().endpoints!.map((e) => e.state)).toEqual(['ejected', 'ejected', 'up']);
    const returned = nextMessage<ClientEndpointMessage>(
      'rerpc:client:endpoint:return',
      (m) => m.address === `127.0.0.1:${back}`,
    );
    await serving('back', {}, back);
    await returned;
    expect(await client.call('where')).toBe('back');
    expect(client.stats().endpoints!.map((e) => [e.state, e.picks, e.calls])).toEqual([
      ['ejected', 1, 0],
      ['up', 2, 1],
      ['up', 1, 1],
    ]);
  });
});

/** A TCP listener on 127.0.0.1 that accepts and never answers: a ws:// dial to it never ends. */
async function silent(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => {
    server.close();
    for (const socket of sockets) socket.destroy();
  });
  return (server.address() as { port: number }).port;
}

describe('balancer: a resolver', () => {
  it('a failed dial runs the resolver again, at most once a second (on the clock the balancer reads)', async () => {
    const dead = await freePort();
    const live = await serving('live');
    let now = 5000;
    let runs = 0;
    const client = clocked(
      {
        resolver: async () => {
          runs += 1;
          return [`tcp://127.0.0.1:${dead}`, `tcp://127.0.0.1:${live.port}`];
        },
        resolveInterval: 0,
        pick: 'first',
        ejectAfter: 0,
      },
      () => now,
    );
    // The first call runs it; the dial to dead that follows fails in the same second.
    expect(await client.call('where')).toBe('live');
    expect(runs).toBe(1);
    now = 5999;
    expect(await client.call('where')).toBe('live');
    expect(runs).toBe(1);
    now = 6000;
    expect(await client.call('where')).toBe('live');
    expect(runs).toBe(2);
    expect(client.stats().endpoints).toEqual([
      row(dead, { failures: 3, picks: 3 }),
      row(live.port, { calls: 3, picks: 3 }),
    ]);
  });

  it('an endpoint ejected stays out when the resolver lists it again', async () => {
    const dead = await freePort();
    const live = await serving('live');
    const resolver = counted(() => [`tcp://127.0.0.1:${dead}`, `tcp://127.0.0.1:${live.port}`]);
    const client = closing(
      createClient({
        resolver: resolver.resolver,
        resolveInterval: 5,
        pick: 'first',
        ejectAfter: 1,
        ejectionTime: 60_000,
      }),
    );
    expect(await client.call('where')).toBe('live');
    const until = client.stats().endpoints![0]!.ejectedUntil;
    await resolver.more(2); // the second run starts after the first's answer was applied
    expect(await client.call('where')).toBe('live');
    expect(client.stats().endpoints).toEqual([
      row(dead, { state: 'ejected', failures: 1, ejections: 1, ejectedUntil: until, picks: 1 }),
      row(live.port, { calls: 2, picks: 2 }),
    ]);
  });

  it.each(['answers', 'fails'] as const)(
    'a resolver that %s after the client closed adds no endpoint and dials nothing',
    async (how) => {
      const live = await serving('live');
      const answer = deferred<string[]>();
      const client = closing(createClient({ resolver: () => answer.promise }));
      const call = rejection(client.call('where'));
      await client.close({ timeout: 0 });
      expect(await call).toMatchObject({ code: 'RERPC_ERR_CLIENT_CLOSED' });
      if (how === 'answers') answer.resolve([`tcp://127.0.0.1:${live.port}`]);
      else answer.reject(new Error('lookup failed'));
      await answer.promise.catch(() => {});
      await new Promise(setImmediate); // the answer is applied (or dropped) by now
      expect(client.stats().endpoints).toEqual([]);
      expect(client.stats().connections).toMatchObject({ dialling: 0, dialled: 0 });
      expect(live.accepted).toBe(0);
    },
  );

  it('a dial cut off by close() is no failure of its endpoint and runs no resolver', async () => {
    const port = await silent();
    let now = 0;
    let runs = 0;
    const client = clocked(
      {
        resolver: async () => {
          runs += 1;
          return [`ws://127.0.0.1:${port}/`];
        },
        resolveInterval: 0,
      },
      () => now,
      { dialTimeout: 60_000 },
    );
    const call = rejection(client.call('where'));
    await new Promise(setImmediate);
    expect(client.stats().connections).toMatchObject({ dialling: 1 });
    now = 60_000; // past the gap: only the close keeps the resolver from running
    await client.close({ timeout: 0 });
    expect(await call).toMatchObject({ code: 'RERPC_ERR_CLIENT_CLOSED' });
    expect(client.stats().endpoints).toEqual([
      { ...row(port, { picks: 1 }), address: `ws://127.0.0.1:${port}/` },
    ]);
    expect(runs).toBe(1);
  });
});

describe('balancer: an endpoint the resolver removes', () => {
  /** A client of the resolver's `list()`, rerun every 5 ms; `reruns(n)` resolves after n more. */
  function rerun(list: () => string[], options: ClientOptions = {}) {
    const resolver = counted(list);
    const client = closing(
      createClient({ resolver: resolver.resolver, resolveInterval: 5, ejectAfter: 1 }, options),
    );
    const reruns = resolver.more;
    return { client, reruns };
  }

  it('keeps its connection until its last call in flight is answered', async () => {
    const gates = [deferred(), deferred()];
    const started = [deferred(), deferred()];
    const a = await serving('a', {
      slow: async (params) => {
        const n = (params as number[])[0]!;
        started[n]!.resolve();
        await gates[n]!.promise;
        return `a, late ${n}`;
      },
    });
    const b = await serving('b');
    let list = [`tcp://127.0.0.1:${a.port}`];
    const { client, reruns } = rerun(() => list);
    const first = client.call('slow', [0]);
    const second = client.call('slow', [1]);
    await Promise.all(started.map((s) => s.promise));
    list = [`tcp://127.0.0.1:${b.port}`];
    await reruns(2); // the second starts after the first's answer was applied
    expect(client.stats().endpoints).toEqual([row(b.port)]);
    const [socket] = a.sockets;
    const closed = once(socket!, 'close');
    gates[0]!.resolve();
    expect(await first).toBe('a, late 0');
    expect(a.sockets.size).toBe(1);
    gates[1]!.resolve();
    expect(await second).toBe('a, late 1');
    await closed;
  });

  it.each([
    ['times out', true],
    ['is lost with its connection', false],
  ] as const)('a call on it that %s is no failure: nothing is ejected', async (_, timesOut) => {
    const started = deferred();
    const a = await serving('a', {
      slow: () => {
        started.resolve();
        return new Promise(() => {});
      },
    });
    const [b, c] = [await serving('b'), await serving('c')];
    const ejected = recordChannel<ClientEndpointMessage>('rerpc:client:endpoint:eject');
    let list = [`tcp://127.0.0.1:${a.port}`];
    const { client, reruns } = rerun(() => list, { maxRetries: 0 });
    const call = rejection(client.call('slow', [], timesOut ? { timeout: 50 } : {}));
    await started.promise;
    list = [`tcp://127.0.0.1:${b.port}`, `tcp://127.0.0.1:${c.port}`];
    await reruns(2);
    if (!timesOut) a.destroyConnections();
    expect(await call).toMatchObject({
      code: timesOut ? 'RERPC_ERR_TIMEOUT' : 'RERPC_ERR_CONNECTION',
    });
    expect(ejected).toEqual([]);
    expect(client.stats().endpoints).toEqual([row(b.port), row(c.port)]);
  });

  it('a call waiting for its dial moves to an endpoint that stays (the cut dial is no failure)', async () => {
    const port = await silent();
    const [one, two] = [await serving('live'), await serving('live')];
    const ejected = recordChannel<ClientEndpointMessage>('rerpc:client:endpoint:eject');
    let list = [`ws://127.0.0.1:${port}/`];
    const { client, reruns } = rerun(() => list, { dialTimeout: 60_000 });
    const call = client.call('where');
    await reruns(1);
    expect(client.stats().connections).toMatchObject({ dialling: 1 });
    list = [`tcp://127.0.0.1:${one.port}`, `tcp://127.0.0.1:${two.port}`];
    expect(await call).toBe('live');
    expect(ejected).toEqual([]);
    const rows = client.stats().endpoints!;
    expect(rows.map((e) => e.address)).toEqual([`127.0.0.1:${one.port}`, `127.0.0.1:${two.port}`]);
    expect(rows.reduce((sum, e) => sum + e.calls, 0)).toBe(1);
  });
});

describe('balancer: a health check answered after close()', () => {
  it.each([
    ['a result', () => ({ status: 'ok' })],
    [
      'an error',
      () => {
        throw new Fail({ code: -32603, message: 'Internal error' });
      },
    ],
  ] as const)('with %s, publishes nothing and leaves the endpoint out', async (_, answer) => {
    const sick = await freePort();
    const well = await serving('well');
    const client = balanced([sick, well.port], {
      pick: 'first',
      ejectAfter: 1,
      ejectionTime: 10,
      healthMethod: 'rpc.health',
    });
    expect(await client.call('where')).toBe('well'); // sick's dial failed: ejected
    const asked = deferred<Socket>();
    const gate = deferred();
    const server = await serving(
      'sick',
      {
        'rpc.health': async (_params, { socket }) => {
          asked.resolve(socket);
          await gate.promise;
          return answer();
        },
      },
      sick,
    );
    const socket = await asked.promise;
    const events = [
      recordChannel<ClientEndpointMessage>('rerpc:client:endpoint:return'),
      recordChannel<ClientEndpointMessage>('rerpc:client:endpoint:eject'),
    ];
    await client.close({ timeout: 0 });
    const done = once(socket, 'close'); // the probe closes its connection once answered
    gate.resolve();
    await done;
    await new Promise(setImmediate);
    expect(events).toEqual([[], []]);
    expect(client.stats().endpoints![0]).toMatchObject({ state: 'ejected' });
    expect(server.executions.get('rpc.health')).toBe(1);
  });
});
