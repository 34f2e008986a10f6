import { readFileSync } from 'node:fs';
import { expectReadmeDefaults } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { type ListenOptions, WEB_DEFAULTS, type WebOptions } from '../src/index.js';
import { makeServer } from './helpers.js';
import { listenHttp, send } from './web-helpers.js';

const invalid = (message: string) =>
  expect.objectContaining({ name: 'TypeError', code: 'RERPC_ERR_INVALID_OPTION', message });

describe('web option validation (listen, httpHandler, upgradeHandler)', () => {
  const cases: Array<[WebOptions, string]> = [
    [{ healthPath: 'health' }, `healthPath must be a path starting with '/' or null, got "health"`],
    [{ healthPath: 1 as never }, `healthPath must be a path starting with '/' or null, got 1`],
    [{ cors: 'https://a.example' as never }, 'cors must be an array of origins'],
    [{ cors: [''] }, 'cors must be an array of origins'],
    [{ origins: '*' as never }, 'origins must be an array of origins'],
    [{ origins: [1] as never }, 'origins must be an array of origins'],
    [{ websocket: 'yes' as never }, 'websocket must be a boolean, got "yes"'],
    [
      { pingInterval: -1 },
      'pingInterval must be an integer number of milliseconds from 0 to 2147483647, got -1',
    ],
  ];

  it.each(cases)('listen(%o) rejects', async (options, message) => {
    const server = makeServer();
    await expect(server.listen({ transport: 'http', ...options })).rejects.toEqual(
      invalid(expect.stringContaining(message) as never),
    );
  });

  it.each(cases)('httpHandler(%o) throws', (options, message) => {
    const server = makeServer();
    expect(() => server.httpHandler(options)).toThrow(message);
  });

  it('refuses unknown names, and web options on a TCP listener', async () => {
    const server = makeServer();
    expect(() => server.httpHandler({ healthpath: '/x' } as never)).toThrow(
      `httpHandler() options has no option "healthpath"; did you mean "healthPath"?`,
    );
    expect(() => server.upgradeHandler({ healthpath: '/x' } as never)).toThrow(
      `upgradeHandler() options has no option "healthpath"; did you mean "healthPath"?`,
    );
    await expect(server.listen({ healthPath: '/x' } as ListenOptions)).rejects.toEqual(
      invalid(
        "healthPath is an option of the HTTP transport: pass transport: 'http' with it, or drop it",
      ),
    );
  });

  it('refuses an unknown transport and a tls that is not an object', async () => {
    const server = makeServer();
    await expect(server.listen({ transport: 'udp' as never })).rejects.toEqual(
      invalid(`transport must be 'tcp' or 'http', got "udp"`),
    );
    await expect(server.listen({ tls: 'cert.pem' as never })).rejects.toEqual(
      invalid(expect.stringContaining('tls must be an object') as never),
    );
  });
});

describe('web option values', () => {
  it('names the rule of cors and origins in full, for every bad origin in the list', () => {
    const server = makeServer();
    expect(() => server.httpHandler({ cors: ['https://a.example', ''] })).toThrow(
      invalid(
        `cors must be an array of origins (e.g. ['https://app.example']) or '*' or null, got an array`,
      ),
    );
    expect(() => server.upgradeHandler({ origins: ['https://a.example', 5 as never] })).toThrow(
      invalid(
        `origins must be an array of origins (e.g. ['https://app.example']) or null, got an array`,
      ),
    );
  });

  it("keeps its own copy of the cors list: changing the caller's array later changes nothing", async () => {
    const cors = ['https://app.example'];
    const { port } = await listenHttp(undefined, { cors });
    cors.push('https://late.example');
    const preflight = (origin: string) =>
      send(port, { method: 'OPTIONS', headers: { origin } }).then((res) => res.status);
    expect(await preflight('https://app.example')).toBe(204);
    expect(await preflight('https://late.example')).toBe(403);
  });
});

describe('README web options table', () => {
  it('lists every web option with the default WEB_DEFAULTS holds', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expectReadmeDefaults(readme, '### Web options', WEB_DEFAULTS, (value) =>
      typeof value === 'string' ? `'${value}'` : String(value),
    );
  });
});
