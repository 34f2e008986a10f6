import { readFileSync } from 'node:fs';
import { expectReadmeDefaults } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { createServer, DEFAULTS, type ServerOptions } from '../src/index.js';
import { makeServer } from './helpers.js';

describe('createServer option validation', () => {
  const cases: Array<[ServerOptions, string]> = [
    [{ framing: 'lines' as never }, `framing must be 'ndjson' or 'content-length', got "lines"`],
    [{ maxMessageBytes: 0 }, 'maxMessageBytes must be an integer >= 1, got 0'],
    [{ maxMessageBytes: 1.5 }, 'maxMessageBytes must be an integer >= 1, got 1.5'],
    [{ maxBatchLength: 0 }, 'maxBatchLength must be an integer >= 1, got 0'],
    [{ maxConnections: -1 }, 'maxConnections must be an integer >= 1, got -1'],
    [
      { maxInFlightPerConnection: Number.NaN },
      'maxInFlightPerConnection must be an integer >= 1, got NaN',
    ],
    [
      { idleTimeout: -1 },
      'idleTimeout must be an integer number of milliseconds from 0 to 2147483647, got -1',
    ],
    [
      { idleTimeout: 2 ** 31 },
      'idleTimeout must be an integer number of milliseconds from 0 to 2147483647, got 2147483648',
    ],
    [
      { handlerTimeout: 0.5 },
      'handlerTimeout must be an integer number of milliseconds from 0 to 2147483647, got 0.5',
    ],
    [
      { handlerTimeout: Number.POSITIVE_INFINITY },
      'handlerTimeout must be an integer number of milliseconds from 0 to 2147483647, got Infinity',
    ],
    [{ maxWriteBufferBytes: 0 }, 'maxWriteBufferBytes must be an integer >= 1, got 0'],
    [{ concurrency: 0 }, 'concurrency must be an integer >= 1, got 0'],
    [{ concurrency: '4' as never }, 'concurrency must be an integer >= 1, got "4"'],
    [{ maxQueue: -1 }, 'maxQueue must be an integer >= 0, got -1'],
    [{ allowHalfOpen: 1 as never }, 'allowHalfOpen must be a boolean, got 1'],
    [
      { closeTimeout: -5 },
      'closeTimeout must be an integer number of milliseconds from 0 to 2147483647, or Infinity to wait forever, got -5',
    ],
    [
      { closeTimeout: Number.NaN },
      'closeTimeout must be an integer number of milliseconds from 0 to 2147483647, or Infinity to wait forever, got NaN',
    ],
    [{ exposeErrors: 'yes' as never }, 'exposeErrors must be a boolean, got "yes"'],
    [{ onHandlerError: 5 as never }, `onHandlerError must be a function, 'log' or null, got 5`],
    [{ maxDepth: 0 }, 'maxDepth must be an integer >= 1, got 0'],
    [{ maxRunningPerConnection: 0 }, 'maxRunningPerConnection must be an integer >= 1, got 0'],
    [
      { maxRunningPerConnection: 101 },
      'maxRunningPerConnection must be <= concurrency (100, the default), got 101; raise concurrency too',
    ],
    [
      { concurrency: 4, maxRunningPerConnection: 5 },
      'maxRunningPerConnection must be <= concurrency (4), got 5; raise concurrency too',
    ],
    [
      { closeGrace: -1 },
      'closeGrace must be an integer number of milliseconds from 0 to 2147483647, got -1',
    ],
    [
      { peerCallTimeout: -1 },
      'peerCallTimeout must be an integer number of milliseconds from 0 to 2147483647, got -1',
    ],
    [{ maxPeerCalls: 0 }, 'maxPeerCalls must be an integer >= 1, got 0'],
    [
      { cancelMethod: '' },
      'cancelMethod must be a non-empty string, { method, idParam?, answer? } or null, got ""',
    ],
    [
      { cancelMethod: 1 as never },
      'cancelMethod must be a non-empty string, { method, idParam?, answer? } or null, got 1',
    ],
    [
      { cancelMethod: ['x'] as never },
      'cancelMethod must be a non-empty string, { method, idParam?, answer? } or null, got an array',
    ],
    [
      { cancelMethod: {} as never },
      'cancelMethod.method must be a non-empty string, got undefined',
    ],
    [
      { cancelMethod: { method: 'c', idParam: '' } },
      'cancelMethod.idParam must be a non-empty string, got ""',
    ],
    [
      { cancelMethod: { method: 'c', answer: 0 as never } },
      'cancelMethod.answer must be a boolean, got 0',
    ],
    [
      { cancelMethod: { method: 'c', idparam: 'requestId' } as never },
      'cancelMethod has no option "idparam"; did you mean "idParam"?',
    ],
    [
      { maxSubscriptionsPerConnection: 0 },
      'maxSubscriptionsPerConnection must be an integer >= 1, got 0',
    ],
    [{ onConnection: 'yes' as never }, 'onConnection must be a function, got "yes"'],
    [{ maxSubscriptionBuffer: 0 }, 'maxSubscriptionBuffer must be an integer >= 1, got 0'],
    [
      { maxSubscriptionBufferBytes: 1.5 },
      'maxSubscriptionBufferBytes must be an integer >= 1, got 1.5',
    ],
  ];
  for (const [options, message] of cases) {
    it(`throws "${message}"`, () => {
      expect(() => createServer(options)).toThrow(message);
      expect(() => createServer(options)).toThrow(TypeError);
    });
  }

  it('throws when options is not an object', () => {
    expect(() => createServer(5 as never)).toThrow('options must be an object, got 5');
    expect(() => createServer([] as never)).toThrow('options must be an object, got an array');
  });

  it('resolves omitted options to DEFAULTS and freezes the result', () => {
    expect(makeServer(undefined, false).options).toBe(DEFAULTS);
    const server = makeServer({ maxQueue: 0, closeTimeout: Number.POSITIVE_INFINITY }, false);
    expect(server.options).toEqual({
      ...DEFAULTS,
      maxQueue: 0,
      closeTimeout: Number.POSITIVE_INFINITY,
    });
    expect(Object.isFrozen(server.options)).toBe(true);
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
  });

  it('derives maxRunningPerConnection from concurrency when not given', () => {
    expect(makeServer({ concurrency: 10 }, false).options.maxRunningPerConnection).toBe(5);
    expect(makeServer({ concurrency: 1 }, false).options.maxRunningPerConnection).toBe(1);
    expect(makeServer({ concurrency: 3 }, false).options.maxRunningPerConnection).toBe(1);
  });

  it('rejects unknown option names with a coded TypeError and a did-you-mean', () => {
    const attempt = (options: object) => {
      try {
        createServer(options as never);
      } catch (error) {
        return error as TypeError & { code: string };
      }
      throw new Error('no error');
    };
    const port = attempt({ port: 4000 });
    expect(port).toBeInstanceOf(TypeError);
    expect(port.code).toBe('RERPC_ERR_INVALID_OPTION');
    expect(port.message).toMatch(
      /^createServer\(\) options has no option "port" \(known: framing, /,
    );
    expect(attempt({ handlerTimeOut: 5 }).message).toMatch(
      /has no option "handlerTimeOut"; did you mean "handlerTimeout"\?/,
    );
    expect(attempt({ maxBatchLength: 0 }).code).toBe('RERPC_ERR_INVALID_OPTION');
  });
});

describe('openChannel validation', () => {
  it('throws for a transport without its functions', () => {
    const server = makeServer(undefined, false);
    expect(() => server.openChannel(null as never)).toThrow(
      'transport must be an object, got null',
    );
    expect(() => server.openChannel('socket' as never)).toThrow(
      'transport must be an object, got "socket"',
    );
    expect(() => server.openChannel({ send: 1 } as never)).toThrow(
      'transport.send must be a function, got 1',
    );
    expect(() =>
      server.openChannel({ remoteAddress: null, send() {}, pause() {}, resume() {} } as never),
    ).toThrow('transport.end must be a function, got undefined');
    const base = { remoteAddress: null, send() {}, pause() {}, resume() {}, end() {} };
    expect(() => server.openChannel({ ...base, destroyed: 1 } as never)).toThrow(
      'transport.destroyed must be a function when present, got 1',
    );
    expect(server.openChannel({ ...base, destroyed() {} }).inFlight).toBe(0);
  });
});

describe('README options table', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const format = (value: unknown) =>
    typeof value === 'string'
      ? `'${value}'`
      : typeof value === 'object' && value !== null
        ? JSON.stringify(value)
        : String(value);

  it('lists every option with the default DEFAULTS holds', () => {
    expectReadmeDefaults(readme, '## Options', DEFAULTS, format);
  });
});
