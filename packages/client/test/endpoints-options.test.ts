// Validation of the endpoints target and of dns(): one case per rule (issue 17).
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { optionErrorLike, readmeDefaults } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createClient, dns, ENDPOINTS_DEFAULTS } from '../src/index.js';
import { jaysonServer } from './fixtures/http-servers.js';
import { freePort, rejection } from './helpers.js';

const ONE = ['tcp://127.0.0.2:7000'];

describe('createClient({ endpoints | resolver }) validation', () => {
  const cases: [string, unknown, string | RegExp][] = [
    [
      'both endpoints and resolver',
      { endpoints: ONE, resolver: async () => [] },
      'target must have endpoints or resolver, not both',
    ],
    [
      'an empty endpoints list',
      { endpoints: [] },
      'endpoints must be a non-empty array, got an array',
    ],
    [
      'endpoints not an array',
      { endpoints: 'tcp://a:1' },
      /^endpoints must be a non-empty array, got/,
    ],
    ['a bad endpoint', { endpoints: ['tcp://a'] }, /a tcp:\/\/ target needs a port/],
    [
      'a stream endpoint',
      { endpoints: [{ stream: new PassThrough() }] },
      'an endpoint must be a URL or { host, port }, not a stream',
    ],
    [
      'neither endpoints nor resolver',
      { endpoints: undefined },
      'target must have endpoints or resolver, not both',
    ],
    ['resolver not a function', { resolver: 5 }, /^resolver must be a function/],
    [
      'a pick that is not a string',
      { endpoints: ONE, pick: 5 },
      `pick must be 'p2c', 'round-robin' or 'first', got 5`,
    ],
    [
      'a healthMethod that is not a string',
      { endpoints: ONE, healthMethod: 5 },
      'healthMethod must be a non-empty method name or null, got 5',
    ],
    [
      'an unknown pick',
      { endpoints: ONE, pick: 'random' },
      `pick must be 'p2c', 'round-robin' or 'first', got "random"`,
    ],
    [
      'ejectAfter below 0',
      { endpoints: ONE, ejectAfter: -1 },
      'ejectAfter must be an integer >= 0, got -1',
    ],
    [
      'ejectionTime not an integer',
      { endpoints: ONE, ejectionTime: 1.5 },
      /^ejectionTime must be an integer number of milliseconds/,
    ],
    [
      'maxEjectionTime negative',
      { endpoints: ONE, maxEjectionTime: -1 },
      /^maxEjectionTime must be an integer number of milliseconds/,
    ],
    [
      'resolveInterval negative',
      { endpoints: ONE, resolveInterval: -5 },
      /^resolveInterval must be an integer number of milliseconds/,
    ],
    [
      'an empty healthMethod',
      { endpoints: ONE, healthMethod: '' },
      `healthMethod must be a non-empty method name or null, got ""`,
    ],
    [
      'an unknown key',
      { endpoints: ONE, ejectAftr: 3 },
      'createClient() target has no option "ejectAftr"; did you mean "ejectAfter"? (known: endpoints, resolver, pick, resolveInterval, ejectAfter, ejectionTime, maxEjectionTime, healthMethod)',
    ],
    [
      'a client option that the endpoint does not take',
      { endpoints: ['http://127.0.0.2:1/'], framing: 'content-length' },
      /framing/,
    ],
  ];
  for (const [name, target, message] of cases)
    it(`rejects ${name}`, () => {
      const { framing, ...rest } = target as Record<string, unknown>;
      const options = framing === undefined ? {} : { framing: framing as 'content-length' };
      expect(() => createClient(rest as never, options)).toThrow(optionErrorLike(message));
    });

  it('takes endpoints as URLs and { host, port }, dropping duplicates', async () => {
    const client = createClient({
      endpoints: [
        'tcp://127.0.0.2:7000',
        { host: '127.0.0.2', port: 7000 },
        { host: '127.0.0.3', port: 7000 },
      ],
    });
    expect(client.stats().endpoints?.map((e) => e.address)).toEqual([
      '127.0.0.2:7000',
      '127.0.0.3:7000',
    ]);
    await client.close();
  });

  it('has the defaults of gRPC and Envoy', () => {
    expect(ENDPOINTS_DEFAULTS).toEqual({
      pick: 'p2c',
      resolveInterval: 30_000,
      ejectAfter: 5,
      ejectionTime: 30_000,
      maxEjectionTime: 300_000,
      healthMethod: null,
    });
  });

  it('the README lists every setting with its default', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = readmeDefaults(readme, '**Retries**');
    expect([...rows.keys()]).toEqual(Object.keys(ENDPOINTS_DEFAULTS));
    for (const [key, value] of Object.entries(ENDPOINTS_DEFAULTS)) {
      expect(rows.get(key), key).toBe(typeof value === 'string' ? `'${value}'` : String(value));
    }
  });

  it("checks a resolver's endpoints against the client's options as it finds them: one that refuses an option fails the calls (ConnectionError, not sent)", async () => {
    const client = createClient(
      { resolver: async () => ['tcp://127.0.0.1:1'] },
      { autoBatch: 10, maxRetries: 0 },
    );
    onTestFinished(() => client.close({ timeout: 0 }));
    const error = await rejection<Error & { sent: boolean }>(client.call('x'));
    expect(error).toMatchObject({ code: 'RERPC_ERR_CONNECTION', sent: false });
    expect(error.cause).toEqual(
      optionErrorLike(
        'autoBatch applies only to http(s):// and ws(s):// targets (a TCP connection already sends the calls of one tick in one write), got 10 for 127.0.0.1:1',
      ),
    );
  });

  it('balances http:// endpoints too: one POST link set per server', async () => {
    const a = await jaysonServer();
    const b = await jaysonServer();
    const client = createClient({
      endpoints: [`http://127.0.0.1:${a.port}/`, `http://127.0.0.1:${b.port}/`],
      pick: 'round-robin',
    });
    onTestFinished(() => client.close({ timeout: 0 }));
    for (let i = 0; i < 4; i++) expect(await client.call('add', [i, 1])).toBe(i + 1);
    expect([a.runs.get('add'), b.runs.get('add')]).toEqual([2, 2]);
    expect(client.stats().endpoints?.map((e) => e.calls)).toEqual([2, 2]);
  });

  it('takes every setting at its edge: ejectAfter 0, resolveInterval 0, healthMethod null', async () => {
    const client = createClient({
      endpoints: ONE,
      ejectAfter: 0,
      ejectionTime: 0,
      maxEjectionTime: 0,
      resolveInterval: 0,
      healthMethod: null,
      pick: 'first',
    });
    expect(client.stats().endpoints).toHaveLength(1);
    await client.close();
  });

  it("names the endpoints (or 'resolver') in its errors", async () => {
    const [a, b] = [await freePort(), await freePort()];
    const listed = createClient(
      { endpoints: [`tcp://127.0.0.1:${a}`, { host: '127.0.0.1', port: b }] },
      { maxRetries: 0 },
    );
    onTestFinished(() => listed.close({ timeout: 0 }));
    expect((await rejection(listed.call('x'))).message).toContain(`127.0.0.1:${a},127.0.0.1:${b}`);
    const found = createClient(
      { resolver: async () => [{ host: '127.0.0.1', port: a }] },
      { maxRetries: 0 },
    );
    onTestFinished(() => found.close({ timeout: 0 }));
    expect((await rejection(found.call('x'))).message).toMatch(/\bresolver\b/);
  });

  it('a one-server client has no endpoints in its stats', async () => {
    const client = createClient({ host: '127.0.0.1', port: 1 });
    expect(client.stats().endpoints).toBeNull();
    await client.close();
  });
});

describe('dns() validation', () => {
  const cases: [string, () => unknown, string | RegExp][] = [
    ['an empty name', () => dns('', { port: 1 }), 'dns() name must be a non-empty string, got ""'],
    [
      'no port without srv',
      () => dns('a.test'),
      'port must be an integer between 1 and 65535, got undefined',
    ],
    [
      'a bad port',
      () => dns('a.test', { port: 0 }),
      'port must be an integer between 1 and 65535, got 0',
    ],
    ['srv not a boolean', () => dns('a.test', { srv: 'yes' as never }), /^srv must be a boolean/],
    [
      'a bad family',
      () => dns('a.test', { port: 1, family: 5 as never }),
      'family must be 0, 4 or 6, got 5',
    ],
    [
      'servers not strings',
      () => dns('a.test', { port: 1, servers: [1] as never }),
      /^servers must be an array of addresses/,
    ],
    [
      'servers with one address not a string',
      () => dns('a.test', { port: 1, servers: ['127.0.0.1', 1] as never }),
      'servers must be an array of addresses, got an array',
    ],
    [
      'an unknown option',
      () => dns('a.test', { port: 1, sevrers: [] } as never),
      'dns() options has no option "sevrers"; did you mean "servers"?',
    ],
  ];
  for (const [name, make, message] of cases) {
    it(`rejects ${name}`, () => {
      expect(make).toThrow(optionErrorLike(message));
    });
  }
  it('uses the system resolvers when servers is left out', () => {
    expect(typeof dns('a.test', { port: 1 })).toBe('function');
    expect(typeof dns('a.test', { port: 1, servers: undefined })).toBe('function');
  });
});
