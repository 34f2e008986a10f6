// A client of several servers, in one process: raw NDJSON servers on 127.0.0.1 (one port each),
// and ports nothing listens on. What a failed dial, a timeout, a server's shutdown and a resolver
// do to the endpoints, stated through ClientStats.endpoints and the endpoint channels (issue 19;
// endpoints.test.ts does the same with server processes under load).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { createServer as createNetServer, type Socket } from 'node:net';
import { deferred, nextMessage, recordChannel } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type Client,
  type ClientEndpointMessage,
  type ClientOptions,
  createClient,
  type EndpointsTarget,
  type Resolver,
} from '../src/index.js';
import { balanced, closing, counted, row, serving } from './balancer-helpers.js';
import { Fail } from './fixtures/raw-server.js';
import { freePort, rejection } from './helpers.js';

describe('endpoints: failed dials', () => {
  it('a call whose dial fails moves to the next endpoint; the calls waiting for that one dial count one failure', async () => {
    const dead = await freePort();
    const live = await serving('live');
    const client = balanced([dead, live.port], { pick: 'first' });
    const answers = await Promise.all(Array.from({ length: 4 }, () => client.call('where')));
    expect(answers).toEqual(['live', 'live', 'live', 'live']);
    expect(client.stats().endpoints).toEqual([
      row(dead, { failures: 1, picks: 4 }),
      row(live.port, { calls: 4, picks: 4 }),
    ]);
    expect(client.stats().connections).toMatchObject({ dialled: 1, dialErrors: 1 });
  });

  it('tries each endpoint once, then fails the call with ConnectionError (not sent); the last healthy endpoint is never ejected', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const client = balanced(ports, { pick: 'first', ejectAfter: 1 }, { maxRetries: 0 });
    const error = await rejection(client.call('where'));
    expect(error).toMatchObject({ code: 'RERPC_ERR_CONNECTION', sent: false });
    const [a, b, c] = client.stats().endpoints!;
    expect([a!.state, b!.state, c!.state]).toEqual(['ejected', 'ejected', 'up']);
    expect([a!.failures, b!.failures, c!.failures]).toEqual([1, 1, 1]);
    expect([a!.picks, b!.picks, c!.picks]).toEqual([1, 1, 1]);
    expect(c!.ejectedUntil).toBeNull();
  });

  it('ejectAfter 1: the endpoint is out for ejectionTime (stats and the eject channel say until when), and gets no picks meanwhile', async () => {
    const dead = await freePort();
    const live = await serving('live');
    const ejected = recordChannel<ClientEndpointMessage>('rerpc:client:endpoint:eject');
    const client = balanced([dead, live.port], {
      pick: 'first',
      ejectAfter: 1,
      ejectionTime: 60_000,
    });
    const before = Date.now();
    expect(await client.call('where')).toBe('live');
    const after = Date.now();
    const out = client.stats().endpoints![0]!;
    expect(out).toMatchObject({ state: 'ejected', failures: 1, ejections: 1, picks: 1 });
    expect(out.ejectedUntil).toBeGreaterThanOrEqual(before + 60_000);
    expect(out.ejectedUntil).toBeLessThanOrEqual(after + 60_000);
    expect(ejected).toEqual([
      { address: `127.0.0.1:${dead}`, state: 'ejected', until: out.ejectedUntil, ejections: 1 },
    ]);
    for (let i = 0; i < 3; i++) expect(await client.call('where')).toBe('live');
    expect(client.stats().endpoints).toEqual([out, row(live.port, { calls: 4, picks: 4 })]);
  });

  it('a probe that fails keeps it out longer (each ejection ejectionTime more, at most maxEjectionTime); one whose dial succeeds brings it back', async () => {
    const dead = await freePort();
    const live = await serving('live');
    const address = `127.0.0.1:${dead}`;
    const mine = (m: ClientEndpointMessage) => m.address === address;
    const client = balanced([dead, live.port], {
      pick: 'first',
      ejectAfter: 1,
      ejectionTime: 10,
      maxEjectionTime: 15,
    });
    const second = nextMessage<ClientEndpointMessage>(
      'rerpc:client:endpoint:eject',
      (m) => mine(m) && m.ejections === 2,
    );
    expect(await client.call('where')).toBe('live');
    expect((await second).state).toBe('ejected');
    const back = nextMessage<ClientEndpointMessage>('rerpc:client:endpoint:return', mine);
    await serving('revived', {}, dead);
    const returned = await back;
    expect(returned).toMatchObject({ address, state: 'up', until: null });
    expect(returned.ejections).toBeGreaterThanOrEqual(2);
    expect(client.stats().endpoints![0]).toMatchObject({ state: 'up', ejectedUntil: null });
    expect(await client.call('where')).toBe('revived');
  });
});

describe('endpoints: picking', () => {
  it("p2c by default: calls one at a time (a tie each) reach both servers, as 'first' never does", async () => {
    const a = await serving('a');
    const b = await serving('b');
    const count = async (client: Client) => {
      const seen = new Set<unknown>();
      for (let i = 0; i < 24; i++) seen.add(await client.call('where'));
      return [...seen].sort();
    };
    // Both drawn first half the time: all 24 on one server has odds of 2^-23.
    expect(await count(balanced([a.port, b.port]))).toEqual(['a', 'b']);
    expect(await count(balanced([a.port, b.port], { pick: 'first' }))).toEqual(['a']);
  });
});

describe('endpoints: timeouts and shutdowns', () => {
  it('timeouts in a row eject an endpoint; an answer in between ends the run (the end of a timed-out call is no answer)', async () => {
    const a = await serving('a');
    const b = await serving('b');
    const client = balanced([a.port, b.port], { pick: 'first', ejectAfter: 2 });
    expect(await client.call('where')).toBe('a'); // connected: the timeouts below are answers'
    const hang = async () =>
      expect(await rejection(client.call('hang', [], { timeout: 20 }))).toMatchObject({
        code: 'RERPC_ERR_TIMEOUT',
      });
    await hang();
    expect(client.stats().endpoints![0]).toMatchObject({ state: 'up', failures: 1 });
    expect(await client.call('where')).toBe('a');
    await hang();
    expect(client.stats().endpoints![0]).toMatchObject({ state: 'up', failures: 2 });
    await hang();
    expect(client.stats().endpoints![0]).toMatchObject({
      state: 'ejected',
      failures: 3,
      ejections: 1,
    });
    expect(await client.call('where')).toBe('b');
  });

  it('the calls lost with a reset connection are no answer: a reset and then a timeout on another connection eject', async () => {
    const a = await serving('a', {
      // Resets the connection it arrives on.
      die: (_params, { socket }) => {
        socket.destroy();
        return new Promise(() => {});
      },
    });
    const b = await serving('b');
    const client = balanced(
      [a.port, b.port],
      { pick: 'first', ejectAfter: 2 },
      { pipelineThreshold: 1, maxRetries: 0 },
    );
    // Two calls at once past pipelineThreshold 1: two connections to a.
    expect(await Promise.all([client.call('where'), client.call('where')])).toEqual(['a', 'a']);
    expect(a.sockets.size).toBe(2);
    const hung = rejection(client.call('hang', [], { timeout: 200 }));
    const lost = await rejection(client.call('die'));
    expect(lost).toMatchObject({ code: 'RERPC_ERR_CONNECTION', sent: true });
    expect(await hung).toMatchObject({ code: 'RERPC_ERR_TIMEOUT' });
    expect(client.stats().endpoints![0]).toMatchObject({ state: 'ejected', failures: 2 });
    expect(await client.call('where')).toBe('b');
  });

  it("a server's shutdown (-32002, then FIN) drains its endpoint for ejectionTime: calls go elsewhere, and no failure is counted", async () => {
    const a = await serving('a');
    const b = await serving('b');
    const ejected = recordChannel<ClientEndpointMessage>('rerpc:client:endpoint:eject');
    const client = balanced([a.port, b.port], { pick: 'first', ejectionTime: 60_000 });
    expect(await client.call('where')).toBe('a');
    a.shutdownConnections(1);
    const before = Date.now();
    expect(await client.call('where')).toBe('b');
    const after = Date.now();
    const out = client.stats().endpoints![0]!;
    expect(out).toMatchObject({ state: 'draining', failures: 0, ejections: 0, calls: 2 });
    expect(out.ejectedUntil).toBeGreaterThanOrEqual(before + 60_000);
    expect(out.ejectedUntil).toBeLessThanOrEqual(after + 60_000);
    expect(ejected).toEqual([
      { address: out.address, state: 'draining', until: out.ejectedUntil, ejections: 0 },
    ]);
    expect(await client.call('where')).toBe('b');
  });
});

describe('endpoints: every endpoint out', () => {
  it('with every endpoint out, calls go to them all the same: a lone server that drains still gets the retry', async () => {
    const a = await serving('a');
    const client = balanced([a.port], { ejectionTime: 60_000 });
    expect(await client.call('where')).toBe('a');
    a.shutdownConnections(1);
    // Refused -32002, retried on a new connection: whose dial brings the endpoint back at once.
    expect(await client.call('where')).toBe('a');
    expect(client.stats().endpoints![0]).toMatchObject({ state: 'up', calls: 3, failures: 0 });
  });
});

describe('endpoints: a resolver', () => {
  function resolving(resolver: Resolver, target: Partial<EndpointsTarget> = {}, o = {}): Client {
    return closing(createClient({ resolver, ...target }, o));
  }

  it("calls wait for the resolver's first answer, asked once for them all", async () => {
    const live = await serving('live');
    const answer = deferred<string[]>();
    let runs = 0;
    const client = resolving(() => {
      runs += 1;
      return answer.promise;
    });
    const calls = Promise.all([client.call('where'), client.call('where'), client.call('where')]);
    expect(client.stats().endpoints).toEqual([]);
    answer.resolve([`tcp://127.0.0.1:${live.port}`]);
    expect(await calls).toEqual(['live', 'live', 'live']);
    expect(runs).toBe(1);
    expect(client.stats().endpoints).toEqual([row(live.port, { calls: 3, picks: 3 })]);
  });

  it('a call given up on while it waited for the resolver is not counted on the endpoint it would have gone to', async () => {
    const live = await serving('live');
    const answer = deferred<string[]>();
    const client = resolving(() => answer.promise);
    const controller = new AbortController();
    const gone = rejection(client.call('where', [], { signal: controller.signal }));
    controller.abort();
    expect(await gone).toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    answer.resolve([`tcp://127.0.0.1:${live.port}`]);
    expect(await client.call('where')).toBe('live');
    // Picked for it (a pick counts the picker's choice), but no call of it counted there.
    expect(client.stats().endpoints).toEqual([row(live.port, { calls: 1, picks: 2 })]);
  });

  const failures: [string, () => unknown, string][] = [
    ['finds none', async () => [], 'the resolver found no endpoints'],
    ['answers no array', async () => 'tcp://127.0.0.1:1', 'the resolver found no endpoints'],
    ['rejects', async () => Promise.reject(new Error('lookup failed')), 'lookup failed'],
    [
      'throws',
      () => {
        throw new Error('no such name');
      },
      'no such name',
    ],
  ];
  for (const [name, resolver, message] of failures) {
    it(`a resolver that ${name} fails the calls waiting for it with ConnectionError (not sent), caused by why`, async () => {
      const client = resolving(resolver as Resolver, {}, { maxRetries: 0 });
      const error = await rejection<Error & { cause: Error }>(client.call('where'));
      expect(error).toMatchObject({ code: 'RERPC_ERR_CONNECTION', sent: false });
      expect(error.cause.message).toBe(message);
      expect(client.stats().endpoints).toEqual([]);
    });
  }

  it('a call waiting for the resolver fails with ClientClosedError when the client closes', async () => {
    const client = resolving(() => new Promise(() => {}));
    const call = rejection(client.call('where'));
    await client.close({ timeout: 0 });
    expect(await call).toMatchObject({ code: 'RERPC_ERR_CLIENT_CLOSED' });
    expect(client.stats().connections).toMatchObject({ dialled: 0 });
  });

  it('runs again every resolveInterval: a new endpoint gets calls, a removed one closes its connections once its call in flight is answered', async () => {
    const gate = deferred();
    const started = deferred<Socket>();
    const a = await serving('a', {
      slow: async (_params, { socket }) => {
        started.resolve(socket);
        await gate.promise;
        return 'a, late';
      },
    });
    const b = await serving('b');
    let list = [`tcp://127.0.0.1:${a.port}`];
    const resolver = counted(() => list);
    const client = resolving(resolver.resolver, { resolveInterval: 5 });
    const slow = client.call('slow');
    const aSocket = await started.promise;
    list = [`tcp://127.0.0.1:${b.port}`];
    await resolver.more(2); // the second run from now starts after the first's answer was applied
    expect(client.stats().endpoints!.map((e) => e.address)).toEqual([`127.0.0.1:${b.port}`]);
    expect(await client.call('where')).toBe('b');
    const closed = once(aSocket, 'close');
    gate.resolve();
    expect(await slow).toBe('a, late');
    await closed;
  });

  it('resolveInterval 0: the resolver runs at the first call only while every dial succeeds', async () => {
    const live = await serving('live');
    let runs = 0;
    const client = resolving(
      async () => {
        runs += 1;
        return [{ host: '127.0.0.1', port: live.port }];
      },
      { resolveInterval: 0 },
    );
    for (let i = 0; i < 5; i++) expect(await client.call('where')).toBe('live');
    expect(runs).toBe(1);
  });
});

describe('endpoints: healthMethod', () => {
  it('a probe calls healthMethod: an error answer keeps the endpoint out, a result brings it back', async () => {
    const sick = await freePort();
    const well = await serving('well');
    const address = `127.0.0.1:${sick}`;
    const client = balanced([sick, well.port], {
      pick: 'first',
      ejectAfter: 1,
      ejectionTime: 10,
      maxEjectionTime: 20,
      healthMethod: 'rpc.health',
    });
    // Nothing listens on `sick` yet: its dial fails, it is ejected, the call moves on.
    expect(await client.call('where')).toBe('well');
    // Then a server there answers the health method -32002 twice, then a result.
    let probes = 0;
    const twice = deferred();
    await serving(
      'sick',
      {
        'rpc.health': () => {
          probes += 1;
          if (probes === 2) twice.resolve();
          if (probes <= 2) throw new Fail({ code: -32002, message: 'Server is shutting down' });
          return { status: 'ok' };
        },
      },
      sick,
    );
    const back = nextMessage<ClientEndpointMessage>(
      'rerpc:client:endpoint:return',
      (m) => m.address === address,
    );
    await twice.promise;
    expect(client.stats().endpoints![0]!.state).toBe('ejected');
    expect(await back).toMatchObject({ address, state: 'up', until: null });
    expect(probes).toBe(3);
    expect(await client.call('where')).toBe('sick');
  });
});

describe('endpoints: healthMethod, where a probe is a dial', () => {
  /**
   * A raw TCP listener on `port` that answers nothing and records the bytes each probe sends, and
   * what became of the endpoint at the first probe that reached it: `'up'` (back) or `'ejected'`.
   * Probes before it listened (refused) are not counted.
   */
  async function probed(port: number): Promise<{ state: string; sent: Buffer }> {
    const sockets = new Set<Socket>();
    const chunks: Buffer[] = [];
    let accepted = 0;
    const raw = createNetServer((socket) => {
      accepted += 1;
      sockets.add(socket);
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', () => {});
    });
    onTestFinished(() => {
      raw.close();
      for (const socket of sockets) socket.destroy();
    });
    const outcome = new Promise<string>((resolve) => {
      const seen = (message: unknown): void => {
        const { address, state } = message as ClientEndpointMessage;
        if (!address.includes(`:${port}`) || accepted === 0) return;
        unsubscribe('rerpc:client:endpoint:return', seen);
        unsubscribe('rerpc:client:endpoint:eject', seen);
        resolve(state);
      };
      subscribe('rerpc:client:endpoint:return', seen);
      subscribe('rerpc:client:endpoint:eject', seen);
    });
    raw.listen(port, '127.0.0.1');
    await once(raw, 'listening');
    const state = await outcome;
    return { state, sent: Buffer.concat(chunks) };
  }

  const health = {
    pick: 'first',
    ejectAfter: 1,
    ejectionTime: 10,
    maxEjectionTime: 20,
    healthMethod: 'rpc.health',
  } as const;

  /** A client of [sick, dead] whose first call ejects sick (nothing listens on either yet). */
  async function ejectedFirst(
    endpoint: (port: number) => NonNullable<EndpointsTarget['endpoints']>[number],
    options: ClientOptions,
  ): Promise<number> {
    const [sick, dead] = [await freePort(), await freePort()];
    const client = closing(
      createClient(
        { endpoints: [endpoint(sick), endpoint(dead)], ...health },
        { dialTimeout: 300, maxRetries: 0, ...options },
      ),
    );
    await rejection(client.call('where'));
    expect(client.stats().endpoints![0]!.state).toBe('ejected');
    return sick;
  }

  it('with framing content-length (the health request is NDJSON): the dial alone brings it back', async () => {
    const sick = await ejectedFirst((port) => `tcp://127.0.0.1:${port}`, {
      framing: 'content-length',
    });
    expect(await probed(sick)).toEqual({ state: 'up', sent: Buffer.alloc(0) });
  });

  it.each([
    ['with the tls option', (port: number) => ({ host: '127.0.0.1', port }), { tls: {} }],
    ['to a tls:// endpoint', (port: number) => `tls://127.0.0.1:${port}`, {}],
  ] as const)(
    '%s: it dials TLS, and never sends the health request in the clear',
    async (_, endpoint, options) => {
      const sick = await ejectedFirst(endpoint, options);
      const { state, sent } = await probed(sick);
      expect(state).toBe('ejected'); // the listener never completes the handshake
      expect(sent[0]).toBe(0x16); // a TLS handshake record: the ClientHello
      expect(sent.includes('rpc.health')).toBe(false);
    },
  );

  it('to a ws:// endpoint: it dials the WebSocket upgrade', async () => {
    const sick = await ejectedFirst((port) => `ws://127.0.0.1:${port}/`, {});
    const { state, sent } = await probed(sick);
    expect(state).toBe('ejected'); // the listener never answers the upgrade
    expect(sent.toString('latin1')).toMatch(/^GET \/ HTTP\/1\.1\r\n/);
    expect(sent.includes('rpc.health')).toBe(false);
  });
});

describe('endpoints: a resolver that answered once', () => {
  it('keeps its endpoints, and their pools, when it later fails or answers the same list', async () => {
    const live = await serving('live');
    let fail = false;
    const resolver = counted(() => {
      if (fail) throw new Error('lookup failed');
      return [`tcp://127.0.0.1:${live.port}`];
    });
    const client = closing(
      createClient({ resolver: resolver.resolver, resolveInterval: 5 }, { maxRetries: 0 }),
    );
    const more = resolver.more;
    expect(await client.call('where')).toBe('live');
    await more(2); // the same answer again
    expect(await client.call('where')).toBe('live');
    fail = true;
    await more(2);
    expect(await client.call('where')).toBe('live');
    expect(client.stats().endpoints).toEqual([row(live.port, { calls: 3, picks: 3 })]);
    expect(client.stats().connections).toMatchObject({ dialled: 1 });
  });
});

describe('endpoints: stats', () => {
  it("the client's connection stats sum every endpoint's pool", async () => {
    const a = await serving('a');
    const b = await serving('b');
    const dead = await freePort();
    const client = balanced([a.port, b.port, dead], { pick: 'round-robin' }, { maxRetries: 0 });
    expect(await Promise.all([client.call('where'), client.call('where')])).toEqual(['a', 'b']);
    // round-robin's third pick is the dead endpoint: the call moves on to a live one.
    expect(await client.call('where')).toMatch(/^[ab]$/);
    expect(client.stats().connections).toEqual({
      active: 2,
      idle: 0,
      dialling: 0,
      dialled: 2,
      dialErrors: 1,
    });
  });
});
