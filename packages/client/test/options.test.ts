import { readFileSync } from 'node:fs';
import { optionErrorLike, readmeDefaults } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { createClient, DEFAULTS } from '../src/index.js';
import { resolveClientOptions } from '../src/options.js';
import { setup } from './helpers.js';

const CANCEL_RULE = 'non-empty string, { method, idParam?, answer? } or null';

const target = { host: '127.0.0.1', port: 1 };
const make = (options: Record<string, unknown>) => createClient(target, options as never);

/** The one rule of every time option. */
const MS = 'must be an integer number of milliseconds from 0 to 2147483647';
const FOREVER = `${MS}, or Infinity to wait forever`;

describe('option validation', () => {
  it.each([
    [{ maxIdle: -1 }, 'maxIdle must be an integer >= 0, got -1'],
    [{ autoBatch: -1 }, 'autoBatch must be an integer >= 0, got -1'],
    [{ autoBatch: true }, 'autoBatch must be an integer >= 0, got true'],
    [{ headers: 'x' }, 'headers must be an object of strings, got "x"'],
    [{ headers: { a: 1 } }, 'headers.a must be a string, got 1'],
    [{ maxIdle: 1.5 }, 'maxIdle must be an integer >= 0, got 1.5'],
    [{ maxActive: 0 }, 'maxActive must be an integer >= 1, got 0'],
    [{ maxActive: '10' }, 'maxActive must be an integer >= 1, got "10"'],
    [{ pipelineThreshold: 0 }, 'pipelineThreshold must be an integer >= 1, got 0'],
    [{ dialTimeout: -1 }, `dialTimeout ${MS}, got -1`],
    [{ idleTimeout: 2 ** 31 }, `idleTimeout ${MS}, got 2147483648`],
    [{ timeout: Number.NaN }, `timeout ${MS}, got NaN`],
    [{ maxRetries: -1 }, 'maxRetries must be an integer >= 0, got -1'],
    [{ retryDelay: 0.5 }, `retryDelay ${MS}, got 0.5`],
    [{ maxRetryDelay: -2 }, `maxRetryDelay ${MS}, got -2`],
    [{ retryDelay: 100, maxRetryDelay: 50 }, 'maxRetryDelay must be >= retryDelay (100), got 50'],
    [{ framing: 'lsp' }, `framing must be 'ndjson' or 'content-length', got "lsp"`],
    [{ maxMessageBytes: 0 }, 'maxMessageBytes must be an integer >= 1, got 0'],
    [{ closeTimeout: -1 }, `closeTimeout ${FOREVER}, got -1`],
    [{ closeTimeout: 2 ** 31 }, `closeTimeout ${FOREVER}, got 2147483648`],
    [{ closeTimeout: Number.NEGATIVE_INFINITY }, `closeTimeout ${FOREVER}, got -Infinity`],
    [{ timeout: Number.POSITIVE_INFINITY }, `timeout ${MS}, got Infinity`],
    [{ maxHandlersPerLink: 0 }, 'maxHandlersPerLink must be an integer >= 1, got 0'],
    [{ handlerTimeout: -1 }, `handlerTimeout ${MS}, got -1`],
    [{ cancelMethod: '' }, `cancelMethod must be a ${CANCEL_RULE}, got ""`],
    [{ cancelMethod: 3 }, `cancelMethod must be a ${CANCEL_RULE}, got 3`],
    [{ cancelMethod: {} }, 'cancelMethod.method must be a non-empty string, got undefined'],
    [
      { cancelMethod: { method: 'c', idParam: 1 } },
      'cancelMethod.idParam must be a non-empty string, got 1',
    ],
    [
      { cancelMethod: { method: 'c', answer: 'no' } },
      'cancelMethod.answer must be a boolean, got "no"',
    ],
    [
      { cancelMethod: { method: 'c', idparam: 'requestId' } },
      'cancelMethod has no option "idparam"; did you mean "idParam"?',
    ],
    [{ onHandlerError: 'warn' }, `onHandlerError must be a function, 'log' or null, got "warn"`],
  ])('rejects %j with a coded TypeError', (options, message) => {
    expect(() => make(options)).toThrow(optionErrorLike(message));
  });

  it('rejects options that are not an object', () => {
    expect(() => createClient(target, 5 as never)).toThrow(
      optionErrorLike('createClient() options must be an object, got 5'),
    );
  });

  it.each([
    'tcp://127.0.0.1:80',
    { host: '127.0.0.1', port: 80 },
    { path: '/tmp/x.sock' },
  ] as const)(
    'refuses autoBatch for %s (it applies only to http(s):// and ws(s):// targets)',
    (target) => {
      expect(() => createClient(target, { autoBatch: 10 })).toThrow(
        optionErrorLike('autoBatch applies only to http(s):// and ws(s):// targets'),
      );
      expect(() => createClient(target, { autoBatch: 0 })).not.toThrow();
    },
  );

  it.each(['http://127.0.0.1:80/', 'ws://127.0.0.1:80/'])('refuses framing for %s', (target) => {
    expect(() => createClient(target, { framing: 'content-length' })).toThrow(
      optionErrorLike(
        'framing applies only to TCP targets (HTTP and WebSocket messages frame themselves), got "content-length"',
      ),
    );
  });

  it('refuses headers for a TCP target', () => {
    expect(() => createClient('tcp://127.0.0.1:80', { headers: { a: 'b' } })).toThrow(
      optionErrorLike('headers applies only to http(s):// and ws(s):// targets'),
    );
  });

  it('rejects an unknown option name', () => {
    expect(() => make({ maxIdel: 1 })).toThrow(
      optionErrorLike('has no option "maxIdel"; did you mean "maxIdle"?'),
    );
  });

  it.each([
    [
      null,
      "target must be { host, port }, { path }, { stream } or { readable, writable }, or a URL 'http(s)://host:port/path', 'ws(s)://host:port/path' or 'tcp://host:port' / 'tls://host:port', got null",
    ],
    ['127.0.0.1:80', '\'tls://host:port\', got "127.0.0.1:80"'],
    ['ftp://h/x', '\'tls://host:port\', got "ftp://h/x"'],
    ['tcp://h', 'a tcp:// target needs a port, got "tcp://h"'],
    ['http://u:p@h/', 'target must not carry credentials in the URL'],
    [{ port: 0 }, 'port must be an integer between 1 and 65535, got 0'],
    [{ port: '80' }, 'port must be an integer between 1 and 65535, got "80"'],
    [{ host: '', port: 80 }, 'host must be a non-empty string, got ""'],
    [{ path: '' }, 'path must be a non-empty string, got ""'],
    [{ host: 'h', port: 80, hots: 'x' }, 'createClient() target has no option "hots"'],
    [{ path: '/x', host: 'h' }, 'target must be { host, port } or { path }, not both'],
  ])('rejects the target %j', (bad, message) => {
    expect(() => createClient(bad as never)).toThrow(optionErrorLike(message));
  });

  it('accepts the edge values and makes no connection until the first call', async () => {
    const client = make({
      maxIdle: 0,
      maxActive: 1,
      pipelineThreshold: 1,
      dialTimeout: 0,
      idleTimeout: 0,
      timeout: 0,
      maxRetries: 0,
      retryDelay: 0,
      maxRetryDelay: 0,
      closeTimeout: 0,
      framing: 'content-length',
    });
    expect(client.stats().connections.dialled).toBe(0);
    await client.close();
  });

  it("accepts null headers, tls and onHandlerError, and onHandlerError 'log'", () => {
    expect(resolveClientOptions({ headers: null, tls: null, onHandlerError: 'log' })).toMatchObject(
      { headers: null, tls: null, onHandlerError: 'log' },
    );
    expect(resolveClientOptions({ onHandlerError: null }).onHandlerError).toBeNull();
  });

  it('holds DEFAULTS frozen', () => {
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
  });
});

describe('per-call options', () => {
  it.each([
    [{ timeout: -1 }, `timeout ${MS}, got -1`],
    [{ timeout: 'x' }, `timeout ${MS}, got "x"`],
    [{ timeout: 2 ** 31 }, `timeout ${MS}, got 2147483648`],
    [{ signal: {} }, 'signal must be an AbortSignal, got an object'],
    [{ idempotent: 1 }, 'idempotent must be a boolean, got 1'],
    [{ timeout: 5, retries: 1 }, 'call() options has no option "retries"'],
  ])('rejects %j without sending', async (options, message) => {
    const { client, server } = await setup();
    await expect(client.call('A.b', [], options as never)).rejects.toThrow(
      optionErrorLike(message),
    );
    expect(server.lines).toEqual([]);
  });

  it('rejects options that are not an object', async () => {
    const { client } = await setup();
    await expect(client.call('A.b', [], 3 as never)).rejects.toThrow(
      optionErrorLike('call() options must be an object, got 3'),
    );
    await expect(client.close(3 as never)).rejects.toThrow(
      optionErrorLike('close() options must be an object, got 3'),
    );
  });

  it('accepts an options object with inherited or undefined members', async () => {
    const { client } = await setup();
    const options = Object.assign(Object.create({ inherited: true }) as object, {
      timeout: undefined,
    });
    await expect(client.call('ArithService.Add', { a: 1, b: 2 }, options)).resolves.toEqual({
      result: 3,
    });
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it('documents every default as DEFAULTS has it', () => {
    const rows = readmeDefaults(readme, '## Options');
    for (const [key, value] of Object.entries(DEFAULTS)) {
      expect(rows.get(key), key).toBe(typeof value === 'string' ? `'${value}'` : String(value));
    }
    expect([...rows.keys()].sort()).toEqual(Object.keys(DEFAULTS).sort());
  });
});
