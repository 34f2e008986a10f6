import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Client, createClient, RpcError } from '@rerpc/client';
import { type Deferred, deferred, nextMessage, optionErrorLike } from '@rerpc/internal/testing';
import { createServer, type Server } from '@rerpc/server';
import { Registry } from 'prom-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createMetrics, DISCONNECTED, type Metrics, metricsHandler } from '../src/index.js';
import { type Exposition, key, parse } from './exposition.js';

function metrics(options: Parameters<typeof createMetrics>[0] = {}): Metrics {
  const m = createMetrics({ registry: new Registry(), ...options });
  onTestFinished(() => m.close());
  return m;
}

/** `handler` on its own node:http server on 127.0.0.1; resolves with a scrape function. */
async function exposed(handler: Metrics['handler']): Promise<() => Promise<Exposition>> {
  const http = createHttpServer(handler);
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => http.close(() => resolve())));
  const { port } = http.address() as AddressInfo;
  return async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parse(await res.text());
  };
}

/** A TCP server with add, fail, and wait (which resolves when the test releases `gate.current`). */
async function serve(
  gate: { current: Deferred<void> } = { current: deferred() },
  entered: { current: Deferred<void> } = { current: deferred() },
): Promise<{ server: Server; client: Client }> {
  const server = createServer({ onHandlerError: null });
  server.method('add', ([a, b]: [number, number]) => a + b);
  server.method('fail', () => {
    throw new RpcError(-32042, 'no');
  });
  server.method('wait', async (_params: unknown, ctx) => {
    entered.current.resolve();
    const aborted = new Promise<void>((resolve) =>
      ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    await Promise.race([gate.current.promise, aborted]);
    return 'done';
  });
  onTestFinished(() => server.close({ timeout: 0 }));
  const address = await server.listen({ port: 0, host: '127.0.0.1' });
  if (!('port' in address)) throw new Error('expected a TCP address');
  const client = createClient({ host: '127.0.0.1', port: address.port });
  onTestFinished(() => client.close());
  return { server, client };
}

describe('createMetrics()', () => {
  it('counts the server’s calls by method and code (unknown methods as _OTHER) and the client’s', async () => {
    const m = metrics();
    const scrape = await exposed(m.handler);
    const { client } = await serve();
    expect(await client.call('add', [1, 2])).toBe(3);
    expect(await client.call('add', [2, 3])).toBe(5);
    await expect(client.call('fail')).rejects.toMatchObject({ code: -32042 });
    await expect(client.call('no.such.method')).rejects.toMatchObject({ code: -32601 });
    const e = await scrape();
    const s = (name: string, labels?: Record<string, string>) => e.samples.get(key(name, labels));

    expect(e.types.get('rerpc_server_started_total')).toBe('counter');
    expect(s('rerpc_server_started_total', { method: 'add' })).toBe(2);
    expect(s('rerpc_server_started_total', { method: 'fail' })).toBe(1);
    expect(s('rerpc_server_started_total', { method: '_OTHER' })).toBe(1);
    expect(s('rerpc_server_handled_total', { method: 'add', code: 'ok' })).toBe(2);
    expect(s('rerpc_server_handled_total', { method: 'fail', code: '-32042' })).toBe(1);
    expect(s('rerpc_server_handled_total', { method: '_OTHER', code: '-32601' })).toBe(1);
    expect(
      [...e.samples.keys()].some(
        (k) => k.includes('no.such.method') && k.startsWith('rerpc_server'),
      ),
    ).toBe(false);
    expect(e.types.get('rerpc_server_handling_seconds')).toBe('histogram');
    expect(s('rerpc_server_handling_seconds_count', { method: 'add' })).toBe(2);
    expect(s('rerpc_server_handling_seconds_bucket', { method: 'add', le: '+Inf' })).toBe(2);
    expect(s('rerpc_server_handling_seconds_sum', { method: 'add' })).toBeGreaterThanOrEqual(0);
    expect(s('rerpc_server_in_flight')).toBe(0);
    expect(s('rerpc_server_connections', { transport: 'tcp' })).toBe(1);

    expect(s('rerpc_client_started_total', { method: 'add' })).toBe(2);
    expect(s('rerpc_client_handled_total', { method: 'add', code: 'ok' })).toBe(2);
    expect(s('rerpc_client_handled_total', { method: 'fail', code: '-32042' })).toBe(1);
    expect(s('rerpc_client_handled_total', { method: 'no.such.method', code: '-32601' })).toBe(1);
    expect(s('rerpc_client_handling_seconds_count', { method: 'add' })).toBe(2);
    expect(s('rerpc_client_in_flight')).toBe(0);
    expect(s('rerpc_client_connections', { transport: 'tcp' })).toBe(1);
  });

  it('shows calls in flight on both sides, and a call dropped with its connection as disconnected', async () => {
    const m = metrics();
    const scrape = await exposed(m.handler);
    const gate = { current: deferred() };
    const entered = { current: deferred() };
    const { client } = await serve(gate, entered);
    const call = client.call('wait', [], { timeout: 0 });
    await entered.current.promise;
    let e = await scrape();
    expect(e.samples.get('rerpc_server_in_flight')).toBe(1);
    expect(e.samples.get('rerpc_client_in_flight')).toBe(1);
    gate.current.resolve();
    await call;
    e = await scrape();
    expect(e.samples.get('rerpc_server_in_flight')).toBe(0);
    expect(e.samples.get('rerpc_client_in_flight')).toBe(0);
    expect(e.samples.get(key('rerpc_server_handled_total', { method: 'wait', code: 'ok' }))).toBe(
      1,
    );

    gate.current = deferred();
    entered.current = deferred();
    const dropped = client.call('wait', [], { timeout: 0 }).catch((error: unknown) => error);
    await entered.current.promise;
    const closed = nextMessage('rerpc:server:connection:close');
    await client.close({ timeout: 0 });
    await dropped;
    await closed;
    e = await scrape();
    expect(e.samples.get(key('rerpc_server_connections', { transport: 'tcp' }))).toBe(0);
    expect(
      e.samples.get(key('rerpc_server_handled_total', { method: 'wait', code: DISCONNECTED })),
    ).toBe(1);
    expect(e.samples.get('rerpc_server_in_flight')).toBe(0);
  });

  it('counts from createMetrics() on: a connection and a call already under way never drive the gauges below 0', async () => {
    const gate = { current: deferred() };
    const entered = { current: deferred() };
    const { client } = await serve(gate, entered);
    const call = client.call('wait', [], { timeout: 0 });
    await entered.current.promise;
    const m = metrics();
    gate.current.resolve();
    await call;
    const closed = nextMessage('rerpc:server:connection:close');
    await client.close();
    await closed;
    const { samples } = parse(await m.registry.metrics());
    expect(samples.get(key('rerpc_server_handled_total', { method: 'wait', code: 'ok' }))).toBe(1);
    expect(samples.get('rerpc_server_in_flight')).toBe(0);
    expect(samples.get('rerpc_client_in_flight')).toBe(0);
    expect([...samples].filter(([k, v]) => k.includes('_connections') && v < 0)).toEqual([]);
  });

  it('takes a prefix and buckets; server: false and client: false leave a side out', async () => {
    const registry = new Registry();
    const m = createMetrics({ registry, prefix: 'app_', buckets: [0.1, 1], client: false });
    onTestFinished(() => m.close());
    expect(m.registry).toBe(registry);
    const { client } = await serve();
    await client.call('add', [1, 1]);
    const e = parse(await registry.metrics());
    expect(e.samples.get(key('app_server_started_total', { method: 'add' }))).toBe(1);
    const les = [...e.samples.keys()]
      .filter((k) => k.startsWith('app_server_handling_seconds_bucket'))
      .map((k) => /le="([^"]+)"/.exec(k)![1]);
    expect(les).toEqual(['0.1', '1', '+Inf']);
    expect([...e.types.keys()].some((k) => k.startsWith('app_client_'))).toBe(false);
  });

  it('close() unsubscribes and takes its metrics out; a second createMetrics() on a registry in use throws', async () => {
    const registry = new Registry();
    const m = createMetrics({ registry });
    expect(() => createMetrics({ registry })).toThrow(
      expect.objectContaining({
        code: 'RERPC_ERR_INVALID_OPTION',
        message: expect.stringMatching(
          /^registry already has a metric named rerpc_server_started_total/,
        ),
      }),
    );
    // With server: false the clash is on the client side, and nothing of the attempt stays subscribed.
    expect(() => createMetrics({ registry, server: false })).toThrow(/rerpc_client_started_total/);
    // A clash on the client side takes the server side it had registered back out.
    const clientOnly = createMetrics({ registry: new Registry(), server: false });
    onTestFinished(() => clientOnly.close());
    expect(() => createMetrics({ registry: clientOnly.registry })).toThrow(
      /rerpc_client_started_total/,
    );
    expect(clientOnly.registry.getSingleMetric('rerpc_server_started_total')).toBeUndefined();
    m.close();
    m.close();
    expect(registry.getMetricsAsArray()).toEqual([]);
    const again = createMetrics({ registry });
    again[Symbol.dispose]();
    expect(registry.getMetricsAsArray()).toEqual([]);
  });

  it('uses prom-client’s global register without a registry option', async () => {
    const { register } = await import('prom-client');
    const m = createMetrics();
    onTestFinished(() => m.close());
    expect(m.registry).toBe(register);
    expect(register.getSingleMetric('rerpc_server_in_flight')).toBeDefined();
  });
});

describe('metrics.watch(client)', () => {
  it('counts a balancing client’s ejections by endpoint and its endpoints by state, and keeps them once unwatched', async () => {
    const m = metrics();
    const { server } = await serve();
    const live = server.address() as { port: number };
    // A port nothing listens on: its dial fails, and with ejectAfter 1 it is ejected at once.
    const probe = createHttpServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = createClient(
      {
        endpoints: [
          { host: '127.0.0.1', port: deadPort },
          { host: '127.0.0.1', port: live.port },
        ],
        pick: 'first',
        ejectAfter: 1,
      },
      { timeout: 20_000 },
    );
    onTestFinished(() => client.close({ timeout: 0 }));
    const unwatch = m.watch(client);
    expect(await client.call('add', [1, 2])).toBe(3);
    const dead = `127.0.0.1:${deadPort}`;
    let e = parse(await m.registry.metrics());
    expect(e.types.get('rerpc_client_endpoint_ejections_total')).toBe('counter');
    expect(e.samples.get(key('rerpc_client_endpoint_ejections_total', { address: dead }))).toBe(1);
    expect(e.samples.get(key('rerpc_client_endpoints', { state: 'ejected' }))).toBe(1);
    expect(e.samples.get(key('rerpc_client_endpoints', { state: 'up' }))).toBe(1);
    expect(e.samples.get(key('rerpc_client_endpoints', { state: 'draining' }))).toBe(0);
    unwatch();
    unwatch();
    e = parse(await m.registry.metrics());
    expect(e.samples.get(key('rerpc_client_endpoint_ejections_total', { address: dead }))).toBe(1);
    expect(e.samples.get(key('rerpc_client_endpoints', { state: 'ejected' }))).toBe(0);
  });

  it('refuses what is not a client, and a createMetrics() with client: false', () => {
    expect(() => metrics().watch({} as never)).toThrow(
      optionErrorLike(/^watch\(\) takes a @rerpc\/client, got /),
    );
    expect(() => metrics({ client: false }).watch({ stats: () => ({ endpoints: null }) })).toThrow(
      optionErrorLike('client: true'),
    );
  });
});

describe('metricsHandler()', () => {
  it('answers GET with the exposition, HEAD without a body, and other methods 405', async () => {
    const registry = new Registry();
    const scrape = await exposed(metricsHandler(registry));
    expect((await scrape()).samples.size).toBe(0);
    const http = createHttpServer(metricsHandler(registry));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => http.close(() => resolve())));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/metrics`;
    const post = await fetch(url, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers 500 when collecting fails', async () => {
    const registry = new Registry();
    const { Gauge } = await import('prom-client');
    new Gauge({
      name: 'broken',
      help: 'fails to collect',
      registers: [registry],
      collect() {
        throw new Error('sensor offline');
      },
    });
    const http = createHttpServer(metricsHandler(registry));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => http.close(() => resolve())));
    const res = await fetch(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`);
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/sensor offline/);
  });
});
