// A client of several servers (issue 17): real server processes on 127.0.0.2, .3 and .4, all on
// one port; one killed (SIGKILL) or drained (SIGTERM) under load; the balance of calls.
import { EventEmitter, once } from 'node:events';
import { createServer as createNetServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type Client,
  type ClientOptions,
  createClient,
  type EndpointsTarget,
} from '../src/index.js';
import { exited, freePortOn, HOSTS, LINUX, startServer } from './endpoints-helpers.js';

if (!LINUX)
  console.warn('endpoints.test.ts skipped: it binds 127.0.0.2-.4, which only Linux serves');

const IN_FLIGHT = 64;

function balanced(
  port: number,
  target: Partial<EndpointsTarget> = {},
  options: ClientOptions = {},
): Client {
  const client = createClient(
    { endpoints: HOSTS.map((host) => `tcp://${host}:${port}`), ...target },
    { timeout: 10_000, ...options },
  );
  onTestFinished(() => client.close({ timeout: 0 }));
  return client;
}

interface Outcome {
  ok: number;
  failed: { idempotent: boolean; error: unknown }[];
  /** Calls answered, by server. */
  by: Map<string, number>;
}

/**
 * `total` calls of `whoami`, `IN_FLIGHT` at a time, every other one idempotent; `at(i)` runs
 * before call i is made, `after()` after each call settles.
 */
async function load(
  client: Client,
  total: number,
  at: (i: number) => void = () => {},
  after: () => void = () => {},
): Promise<Outcome> {
  const out: Outcome = { ok: 0, failed: [], by: new Map() };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      at(i);
      const idempotent = i % 2 === 0;
      try {
        const host = (await client.call('whoami', [], { idempotent })) as string;
        out.ok += 1;
        out.by.set(host, (out.by.get(host) ?? 0) + 1);
      } catch (error) {
        out.failed.push({ idempotent, error });
      }
      after();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return out;
}

/** The endpoint on `host` in the client's stats. */
function endpoint(client: Client, host: string) {
  const found = client.stats().endpoints?.find((e) => e.address.startsWith(`${host}:`));
  if (found === undefined) throw new Error(`no endpoint ${host}`);
  return found;
}

/** Calls until `done()` (checked after each), at most `max`; returns whether it came true. */
async function callUntil(client: Client, done: () => boolean, max: number): Promise<boolean> {
  for (let i = 0; i < max; i++) {
    await Promise.all(
      Array.from({ length: 8 }, () => client.call('whoami', [], { idempotent: true })),
    );
    if (done()) return true;
  }
  return false;
}

describe.skipIf(!LINUX)('endpoints: three server processes on one port', () => {
  it('SIGKILL of one under load: idempotent calls all succeed, the others in flight there fail fast with ConnectionError, no picks while ejected, and it serves again after a restart', async () => {
    const port = await freePortOn(HOSTS);
    const servers = await Promise.all(HOSTS.map((host) => startServer(host, port)));
    const client = balanced(port, { ejectionTime: 50, maxEjectionTime: 100 });
    const TOTAL = 20_000;
    const dead = HOSTS[0];
    let watched: { ejectedUntil: number | null; picks: number } | null = null;
    let ejectedSeen = 0;
    let settled = 0;
    const outcome = await load(
      client,
      TOTAL,
      (i) => {
        if (i === TOTAL * 0.3) servers[0]!.kill('SIGKILL');
      },
      () => {
        if (++settled % 25 !== 0) return;
        const e = endpoint(client, dead);
        // While one ejection lasts, the picker never chooses it (probes are not picks).
        if (e.state === 'ejected' && watched !== null && watched.ejectedUntil === e.ejectedUntil) {
          expect(e.picks).toBe(watched.picks);
        }
        if (e.state === 'ejected') ejectedSeen += 1;
        watched = e.state === 'ejected' ? { ejectedUntil: e.ejectedUntil, picks: e.picks } : null;
      },
    );
    expect(outcome.failed.filter((f) => f.idempotent)).toEqual([]);
    // Only calls in flight on the dead server at the kill may fail, each with a typed error.
    expect(outcome.failed.length).toBeLessThanOrEqual(IN_FLIGHT);
    for (const { error } of outcome.failed) {
      expect(error).toMatchObject({ code: 'RERPC_ERR_CONNECTION', sent: true });
    }
    expect(client.stats().errors.timeout).toBe(0);
    expect(outcome.ok + outcome.failed.length).toBe(TOTAL);
    expect(ejectedSeen).toBeGreaterThan(0);
    const e = endpoint(client, dead);
    expect(e.failures).toBeGreaterThanOrEqual(5);
    expect(e.ejections).toBeGreaterThanOrEqual(1);

    // Restarted on the same address: a probe brings it back and calls reach it again.
    await exited(servers[0]!);
    await startServer(dead, port);
    const before = endpoint(client, dead).calls;
    const back = await callUntil(
      client,
      () => endpoint(client, dead).state === 'up' && endpoint(client, dead).calls > before,
      20_000,
    );
    expect(back).toBe(true);
    expect(await client.call('whoami', [], { idempotent: true })).toMatch(/^127\.0\.0\.[234]$/);
  }, 60_000);

  it('SIGTERM of one under load: no call fails, and its drain is not counted as a failure', async () => {
    const port = await freePortOn(HOSTS);
    const servers = await Promise.all(HOSTS.map((host) => startServer(host, port)));
    const client = balanced(port);
    const TOTAL = 20_000;
    const outcome = await load(client, TOTAL, (i) => {
      if (i === TOTAL * 0.3) servers[1]!.kill('SIGTERM');
    });
    expect(outcome.failed).toEqual([]);
    expect(outcome.ok).toBe(TOTAL);
    const e = endpoint(client, HOSTS[1]);
    expect(e.ejections).toBe(0);
    expect(e.failures).toBe(0);
    expect(e.state).not.toBe('up');
  }, 60_000);

  it('spreads calls: no endpoint gets more than 40% of them with three equal servers', async () => {
    const port = await freePortOn(HOSTS);
    // Each answer waits 20 ms (a timer), so the servers are equal however the busy shared CPUs
    // are scheduled: p2c follows each server's speed, and CPU-bound servers that share 2 cores
    // with the client (and other work) are not equally fast.
    await Promise.all(HOSTS.map((host) => startServer(host, port, 20)));
    const client = balanced(port);
    const TOTAL = 3000;
    const outcome = await load(client, TOTAL);
    expect(outcome.ok).toBe(TOTAL);
    for (const host of HOSTS) expect(outcome.by.get(host) ?? 0).toBeLessThanOrEqual(TOTAL * 0.4);
    const stats = client.stats().endpoints!;
    expect(stats.map((e) => e.calls).reduce((a, b) => a + b)).toBe(TOTAL);
    expect(stats.every((e) => e.inFlight === 0)).toBe(true);
  }, 60_000);

  it('sends markedly fewer calls to a slow server (p2c on calls in flight)', async () => {
    const port = await freePortOn(HOSTS);
    // p2c evens out calls in flight, so each server's share follows 1 / its latency: 100 ms
    // keeps the slow one far behind even when a busy machine slows the fast ones to ~10 ms.
    await Promise.all(HOSTS.map((host, i) => startServer(host, port, i === 0 ? 100 : 0)));
    const client = balanced(port);
    const TOTAL = 3000;
    const outcome = await load(client, TOTAL);
    expect(outcome.ok).toBe(TOTAL);
    const slow = outcome.by.get(HOSTS[0]) ?? 0;
    const fast = Math.min(outcome.by.get(HOSTS[1]) ?? 0, outcome.by.get(HOSTS[2]) ?? 0);
    expect(slow).toBeLessThan(fast / 4);
  }, 60_000);

  it("round-robin spreads evenly and 'first' sends every call to the first endpoint", async () => {
    const port = await freePortOn(HOSTS);
    await Promise.all(HOSTS.map((host) => startServer(host, port)));
    const rr = await load(balanced(port, { pick: 'round-robin' }), 600);
    for (const host of HOSTS) expect(rr.by.get(host)).toBe(200);
    const first = await load(balanced(port, { pick: 'first' }), 300);
    expect(first.by.get(HOSTS[0])).toBe(300);
  }, 60_000);

  it('call timeouts count as failures: ejectAfter in a row eject the endpoint; an answer in between ends the run', async () => {
    const port = await freePortOn(HOSTS.slice(0, 2));
    await Promise.all(HOSTS.slice(0, 2).map((host) => startServer(host, port)));
    const client = createClient(
      {
        endpoints: HOSTS.slice(0, 2).map((host) => ({ host, port })),
        pick: 'first',
        ejectAfter: 3,
      },
      { timeout: 100 },
    );
    onTestFinished(() => client.close({ timeout: 0 }));
    const hang = () =>
      expect(client.call('hang')).rejects.toMatchObject({ code: 'RERPC_ERR_TIMEOUT' });
    await hang();
    await hang();
    // Answered calls get their own timeout: 100 ms is for the hanging ones, not a loaded machine.
    const whoami = () => client.call('whoami', [], { timeout: 10_000 });
    expect(await whoami()).toBe(HOSTS[0]); // answered: the run is over
    await hang();
    await hang();
    expect(endpoint(client, HOSTS[0]).state).toBe('up');
    await hang();
    expect(endpoint(client, HOSTS[0])).toMatchObject({
      state: 'ejected',
      failures: 5,
      ejections: 1,
    });
    expect(await whoami()).toBe(HOSTS[1]);
  }, 30_000);

  it('with healthMethod, an ejected endpoint comes back only when its health method answers a result', async () => {
    const [sick, well] = [HOSTS[0], HOSTS[1]];
    const port = await freePortOn([sick, well]);
    await startServer(well, port);
    const client = createClient(
      {
        endpoints: [`tcp://${sick}:${port}`, `tcp://${well}:${port}`],
        pick: 'first',
        ejectAfter: 1,
        ejectionTime: 20,
        maxEjectionTime: 40,
        healthMethod: 'rpc.health',
      },
      { timeout: 10_000 },
    );
    onTestFinished(() => client.close({ timeout: 0 }));
    // Nothing listens on `sick`: its dial fails, it is ejected, the call moves on.
    expect(await client.call('whoami')).toBe(well);
    expect(endpoint(client, sick).state).toBe('ejected');

    // Now something accepts connections there but answers -32002 (draining), then a result.
    let healthy = false;
    const requests = new EventEmitter();
    const sockets = new Set<Socket>();
    const raw = createNetServer((socket) => {
      sockets.add(socket);
      createInterface({ input: socket }).on('line', (line) => {
        const { id } = JSON.parse(line) as { id: number };
        const answer = healthy
          ? { jsonrpc: '2.0', id, result: { status: 'ok' } }
          : { jsonrpc: '2.0', id, error: { code: -32002, message: 'Server is shutting down' } };
        socket.write(`${JSON.stringify(answer)}\n`);
        requests.emit('request');
      });
    });
    raw.listen(port, sick);
    await once(raw, 'listening');
    onTestFinished(() => {
      raw.close();
      for (const socket of sockets) socket.destroy();
    });
    await once(requests, 'request'); // a probe: answered -32002
    await once(requests, 'request'); // so it stayed out, and was probed again
    expect(endpoint(client, sick).state).toBe('ejected');
    expect(await client.call('whoami')).toBe(well);

    healthy = true;
    await once(requests, 'request');
    const back = await callUntil(client, () => endpoint(client, sick).state === 'up', 1000);
    expect(back).toBe(true);
    expect(await client.call('whoami')).toEqual({ status: 'ok' }); // 'first' is back on it
  }, 30_000);
});
