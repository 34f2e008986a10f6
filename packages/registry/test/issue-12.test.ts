// Regressions from issue 12: a method option that was stored and never read.
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../src/index.js';

const noop = () => null;

describe('idempotent is not a method option', () => {
  it('refuses it in method(), system() and register(), saying where retries are decided', () => {
    const r = createRegistry();
    const attempts = [
      () => r.method('m', noop, { idempotent: true } as never),
      () => r.system('rpc.discover', noop, { idempotent: false } as never),
      () => r.register({ m: noop }, { name: 'Svc', methods: { m: { idempotent: true } as never } }),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(
        expect.objectContaining({
          name: 'TypeError',
          code: 'RERPC_ERR_INVALID_OPTION',
          message: expect.stringMatching(
            /idempotent is not a method option: .*client\.call\(method, params, \{ idempotent: true \}\)/,
          ),
        }),
      );
    }
    expect(r.size).toBe(0);
  });

  it('is neither in a method entry nor in list()', () => {
    const r = createRegistry();
    r.method('m', noop);
    expect(r.get('m')).not.toHaveProperty('idempotent');
    expect(r.list()).toEqual([
      {
        name: 'm',
        params: null,
        result: null,
        summary: null,
        description: null,
        deprecated: false,
        examples: [],
        errors: [],
      },
    ]);
  });
});
