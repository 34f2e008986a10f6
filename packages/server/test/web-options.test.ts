import { readFileSync } from 'node:fs';
import { expectReadmeDefaults } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { type ListenOptions, WEB_DEFAULTS, type WebOptions } from '../src/index.js';
import { makeServer } from './helpers.js';

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

describe('README web options table', () => {
  it('lists every web option with the default WEB_DEFAULTS holds', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expectReadmeDefaults(readme, '### Web options', WEB_DEFAULTS, (value) =>
      typeof value === 'string' ? `'${value}'` : String(value),
    );
  });
});
