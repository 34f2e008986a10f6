// The DNS resolver against a DNS server on loopback whose answer changes mid-run (issue 17).
import { once } from 'node:events';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createClient, type DnsOptions, dns, type Resolver } from '../src/index.js';
import { freePortOn, HOSTS, LINUX, startServer } from './endpoints-helpers.js';
import { type DnsServer, startDnsServer } from './fixtures/dns-server.js';

/** dns(name) asking only `server`, for A records. */
function asking(server: DnsServer, name: string, options: DnsOptions): Resolver {
  return dns(name, { family: 4, servers: [`127.0.0.1:${server.port}`], ...options });
}

async function dnsServer() {
  const server = await startDnsServer();
  onTestFinished(() => server.close());
  return server;
}

describe('dns()', () => {
  it('resolves A records to { host, port }', async () => {
    const server = await dnsServer();
    server.a.set('svc.test', ['127.0.0.2', '127.0.0.3']);
    const resolve = asking(server, 'svc.test', { port: 7000 });
    expect(await resolve()).toEqual([
      { host: '127.0.0.2', port: 7000 },
      { host: '127.0.0.3', port: 7000 },
    ]);
  });

  it("resolves SRV records to each target's addresses and the record's port", async () => {
    const server = await dnsServer();
    server.srv.set('_rpc._tcp.svc.test', [
      { target: 'a.svc.test', port: 7001 },
      { target: 'b.svc.test', port: 7002 },
    ]);
    server.a.set('a.svc.test', ['127.0.0.2']);
    server.a.set('b.svc.test', ['127.0.0.3']);
    const resolve = asking(server, '_rpc._tcp.svc.test', { srv: true });
    expect(await resolve()).toEqual([
      { host: '127.0.0.2', port: 7001 },
      { host: '127.0.0.3', port: 7002 },
    ]);
  });

  it('family 0 asks A and AAAA, 4 only A, 6 only AAAA; a family with no records is no failure while the other has some', async () => {
    const server = await dnsServer();
    server.a.set('both.test', ['127.0.0.2']);
    server.aaaa.set('both.test', ['::1']);
    server.a.set('v4.test', ['127.0.0.3']);
    expect(await asking(server, 'both.test', { port: 7, family: 0 })()).toEqual([
      { host: '127.0.0.2', port: 7 },
      { host: '::1', port: 7 },
    ]);
    expect(await asking(server, 'both.test', { port: 7, family: 6 })()).toEqual([
      { host: '::1', port: 7 },
    ]);
    expect(await asking(server, 'v4.test', { port: 7, family: 0 })()).toEqual([
      { host: '127.0.0.3', port: 7 },
    ]);
    await expect(asking(server, 'v4.test', { port: 7, family: 6 })()).rejects.toMatchObject({
      code: expect.stringMatching(/^E[A-Z]+$/),
    });
    server.aaaa.set('v6.test', ['::1']);
    await expect(asking(server, 'v6.test', { port: 7, family: 4 })()).rejects.toMatchObject({
      code: expect.stringMatching(/^E[A-Z]+$/),
    });
  });

  it('orders SRV records by priority, then weight (heaviest first); a given port overrides theirs', async () => {
    const server = await dnsServer();
    server.srv.set('_rpc._tcp.svc.test', [
      { target: 'late.svc.test', port: 7003, priority: 2, weight: 9 },
      { target: 'light.svc.test', port: 7002, priority: 1, weight: 1 },
      { target: 'heavy.svc.test', port: 7001, priority: 1, weight: 5 },
    ]);
    server.a.set('late.svc.test', ['127.0.0.4']);
    server.a.set('light.svc.test', ['127.0.0.3']);
    server.a.set('heavy.svc.test', ['127.0.0.2']);
    expect(await asking(server, '_rpc._tcp.svc.test', { srv: true })()).toEqual([
      { host: '127.0.0.2', port: 7001 },
      { host: '127.0.0.3', port: 7002 },
      { host: '127.0.0.4', port: 7003 },
    ]);
    const fixed = asking(server, '_rpc._tcp.svc.test', { srv: true, port: 9000 });
    expect(await fixed()).toEqual([
      { host: '127.0.0.2', port: 9000 },
      { host: '127.0.0.3', port: 9000 },
      { host: '127.0.0.4', port: 9000 },
    ]);
  });

  it('rejects when the name does not resolve', async () => {
    const server = await dnsServer();
    const resolve = asking(server, 'missing.test', { port: 1 });
    await expect(resolve()).rejects.toMatchObject({ code: expect.stringMatching(/^E[A-Z]+$/) });
  });

  // Two server processes per run: seconds each under Stryker (`pnpm mutation`), where every
  // balancer.ts mutant would rerun it; balancer.test.ts states the same in one process.
  it.skipIf(!LINUX || process.env['STRYKER_MUTATOR_WORKER'] !== undefined)(
    'a client follows a changed answer at the next resolve; a call in flight on the removed endpoint finishes',
    async () => {
      const port = await freePortOn(HOSTS.slice(0, 2));
      await Promise.all([startServer(HOSTS[0], port, 300), startServer(HOSTS[1], port)]);
      const server = await dnsServer();
      server.a.set('svc.test', [HOSTS[0]]);
      const client = createClient({
        resolver: asking(server, 'svc.test', { port }),
        resolveInterval: 100,
      });
      onTestFinished(() => client.close({ timeout: 0 }));
      expect(await client.call('whoami')).toBe(HOSTS[0]);
      const inFlight = client.call('whoami');
      server.a.set('svc.test', [HOSTS[1]]);
      await once(server, 'query'); // the next resolve (one interval at most) sees the new answer
      let answer: unknown = null;
      for (let i = 0; i < 20 && answer !== HOSTS[1]; i++) answer = await client.call('whoami');
      expect(answer).toBe(HOSTS[1]);
      expect(await inFlight).toBe(HOSTS[0]);
      expect(client.stats().endpoints?.map((e) => e.address)).toEqual([`${HOSTS[1]}:${port}`]);
    },
    30_000,
  );

  it('a client whose resolver fails fails its calls with ConnectionError (after its retries)', async () => {
    const server = await dnsServer();
    const client = createClient(
      {
        resolver: asking(server, 'missing.test', { port: 1 }),
      },
      { maxRetries: 1, retryDelay: 1 },
    );
    onTestFinished(() => client.close({ timeout: 0 }));
    await expect(client.call('whoami')).rejects.toMatchObject({
      code: 'RERPC_ERR_CONNECTION',
      sent: false,
    });
  });
});
