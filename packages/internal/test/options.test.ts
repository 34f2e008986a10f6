import { expect, it, describe as suite } from 'vitest';
import {
  describe,
  didYouMean,
  INVALID_OPTION,
  optionError,
  rejectUnknownOptions,
} from '../src/index.js';

suite('rejectUnknownOptions', () => {
  const known = ['timeout', 'signal', 'maxRetries', 'retryDelay'];

  it('accepts known names and an empty object', () => {
    expect(() => rejectUnknownOptions({ timeout: 1, signal: null }, known, 'call()')).not.toThrow();
    expect(() => rejectUnknownOptions({}, known, 'call()')).not.toThrow();
  });

  it('throws a TypeError with the code, the name, a did-you-mean and the known names', () => {
    let error: unknown;
    try {
      rejectUnknownOptions({ timeOut: 5 }, known, 'call() options');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { code: string }).code).toBe(INVALID_OPTION);
    expect((error as Error).message).toBe(
      'call() options has no option "timeOut"; did you mean "timeout"? (known: timeout, signal, maxRetries, retryDelay)',
    );
  });

  it('offers no suggestion when nothing is close', () => {
    expect(() => rejectUnknownOptions({ port: 4000 }, known, 'x')).toThrow(
      /^x has no option "port" \(known: /,
    );
  });
});

suite('didYouMean', () => {
  it('finds case-insensitive matches, typos and transpositions within two edits', () => {
    expect(didYouMean('timeOut', ['timeout'])).toBe('timeout');
    expect(didYouMean('retries', ['maxRetries', 'retryDelay'])).toBe('maxRetries');
    expect(didYouMean('port', ['maxIdle', 'timeout'])).toBe(null);
    expect(didYouMean('maxRetry', ['maxRetries', 'retryDelay'])).toBe('maxRetries');
    expect(didYouMean('maxIdel', ['maxIdle', 'maxActive'])).toBe('maxIdle');
    expect(didYouMean('ab', ['xy'])).toBe(null);
  });
});

suite('describe and optionError', () => {
  it('describes values without calling user code', () => {
    expect(describe('a')).toBe('"a"');
    expect(describe(1n)).toBe('1n');
    expect(describe(() => 1)).toBe('a function');
    expect(describe(Symbol('s'))).toBe('a symbol');
    expect(describe([1])).toBe('an array');
    expect(
      describe({
        toString: () => {
          throw new Error('no');
        },
      }),
    ).toBe('an object');
    expect(describe(null)).toBe('null');
    expect(describe(Number.NaN)).toBe('NaN');
  });

  it('makes a coded TypeError', () => {
    const e = optionError('x must be 1');
    expect(e).toBeInstanceOf(TypeError);
    expect(e.code).toBe('RERPC_ERR_INVALID_OPTION');
    expect(e.message).toBe('x must be 1');
  });
});
