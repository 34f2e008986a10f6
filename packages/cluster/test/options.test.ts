import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, runCluster } from '../src/index.js';
import { resolveClusterOptions } from '../src/options.js';

const module = '/srv/app/server.js';

const rejects = (options: Record<string, unknown>, message: string | RegExp) =>
  expect(() => resolveClusterOptions({ module, ...options } as never)).toThrow(
    expect.objectContaining({
      name: 'TypeError',
      code: 'RERPC_ERR_INVALID_OPTION',
      message: expect.stringMatching(message),
    }),
  );

describe('runCluster() options', () => {
  it('fills in the defaults', () => {
    const o = resolveClusterOptions({ module });
    expect(o.module).toBe(pathToFileURL(module).href);
    expect(o.workers).toBe(availableParallelism());
    for (const [key, value] of Object.entries(DEFAULTS)) {
      if (key === 'balancing' || key === 'listen') continue;
      expect(o[key as keyof typeof o], key).toEqual(value);
    }
    expect(o.listen).toEqual({});
    expect(Object.isFrozen(o)).toBe(true);
  });

  it('takes module as a path (absolute or relative to the cwd), a file: URL string or a URL', () => {
    expect(resolveClusterOptions({ module: 'server.js' }).module).toBe(
      pathToFileURL(`${process.cwd()}/server.js`).href,
    );
    expect(resolveClusterOptions({ module: 'file:///srv/a.js' }).module).toBe('file:///srv/a.js');
    expect(resolveClusterOptions({ module: new URL('file:///srv/b.mjs') }).module).toBe(
      'file:///srv/b.mjs',
    );
  });

  it('rejects a call without options, an unknown option (with a did-you-mean), a bad module', () => {
    expect(() => resolveClusterOptions(undefined as never)).toThrow(/needs options/);
    rejects({ worker: 2 }, /unknown|no option.*worker.*workers/i);
    expect(() => resolveClusterOptions({} as never)).toThrow(/module must be a path/);
    rejects({ module: 42 }, /module must be a path or a file: URL/);
    rejects({ module: new URL('https://example.com/a.js') }, /module must be a file: URL/);
  });

  it.each([
    [{ workers: 0 }, /workers must be an integer between 1 and 1024, got 0/],
    [{ workers: 1.5 }, /workers must be an integer/],
    [{ port: 65_536 }, /port must be an integer between 0 and 65535/],
    [{ host: '' }, /host must be a non-empty string/],
    [{ listen: 'tcp' }, /listen must be an object/],
    [{ listen: { port: 1 } }, /listen must not set port/],
    [{ listen: { path: '/tmp/s' } }, /listen must not set path: a cluster serves TCP/],
    [{ exportName: '' }, /exportName must be a non-empty string/],
    [{ balancing: 'random' }, /balancing must be 'auto', 'round-robin' or 'reuse-port'/],
    [{ restartSignal: 'HUP' }, /restartSignal must be a signal name/],
    [{ restartSignal: 'SIGKILL' }, /cannot be caught/],
    [{ shutdownSignals: 'SIGTERM' }, /shutdownSignals must be an array/],
    [{ shutdownSignals: ['SIGSTOP'] }, /shutdownSignals must be a signal name/],
    [{ restartSignal: 'SIGTERM' }, /restartSignal SIGTERM is also in shutdownSignals/],
    [{ closeTimeout: -1 }, /closeTimeout must be an integer number of milliseconds/],
    [{ startTimeout: 0 }, /startTimeout must be an integer between 1/],
    [{ restartDelay: 1.5 }, /restartDelay must be an integer number of milliseconds/],
    [{ maxRestartDelay: 50 }, /maxRestartDelay must be >= restartDelay \(100\), got 50/],
    [{ statsTimeout: 0 }, /statsTimeout must be an integer between 1/],
    [{ onEvent: 'log' }, /onEvent must be a function/],
  ])('rejects %o', (options, message) => rejects(options, message));

  it('takes null restartSignal, [] shutdownSignals and Infinity closeTimeout', () => {
    const o = resolveClusterOptions({
      module,
      restartSignal: null,
      shutdownSignals: [],
      closeTimeout: Infinity,
    });
    expect(o.restartSignal).toBeNull();
    expect(o.shutdownSignals).toEqual([]);
    expect(o.closeTimeout).toBe(Number.POSITIVE_INFINITY);
  });

  it('runCluster() rejects (never throws synchronously) for invalid options', async () => {
    const result = runCluster({ module, workers: 0 });
    await expect(result).rejects.toMatchObject({ code: 'RERPC_ERR_INVALID_OPTION' });
  });
});
