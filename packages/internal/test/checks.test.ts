import { expect, it, describe as suite } from 'vitest';
import {
  checkBoolean,
  checkFunction,
  checkFunctionOrNull,
  checkInteger,
  checkOptions,
  checkSignal,
  checkTime,
  closeTimeout,
  INVALID_OPTION,
  MAX_TIMER,
} from '../src/index.js';
import { thrown } from '../src/testing.js';

function message(fn: () => unknown): string {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(TypeError);
  expect(error.code).toBe(INVALID_OPTION);
  return error.message;
}

suite('checkTime: the one rule for time options', () => {
  it('accepts integers from 0 to 2^31 - 1', () => {
    for (const ms of [0, 1, 30_000, MAX_TIMER]) expect(checkTime('t', ms)).toBe(ms);
    expect(MAX_TIMER).toBe(2 ** 31 - 1);
  });

  it('refuses more than 2^31 - 1 (Node would fire it after 1 ms), naming option, rule and value', () => {
    expect(message(() => checkTime('closeTimeout', 2 ** 31))).toBe(
      'closeTimeout must be an integer number of milliseconds from 0 to 2147483647, got 2147483648',
    );
  });

  it('refuses negatives, fractions, NaN, strings and Infinity unless forever', () => {
    for (const bad of [-1, 1.5, Number.NaN, '5', null, Number.POSITIVE_INFINITY, 1e300]) {
      expect(message(() => checkTime('t', bad))).toMatch(/^t must be an integer number/);
    }
  });

  it('accepts Infinity where waiting forever makes sense, and says so when refusing', () => {
    expect(checkTime('closeTimeout', Number.POSITIVE_INFINITY, true)).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(message(() => checkTime('closeTimeout', 2 ** 31, true))).toBe(
      'closeTimeout must be an integer number of milliseconds from 0 to 2147483647, or Infinity to wait forever, got 2147483648',
    );
    expect(message(() => checkTime('closeTimeout', Number.NEGATIVE_INFINITY, true))).toMatch(
      /got -Infinity$/,
    );
  });
});

suite('checkInteger', () => {
  it('accepts integers in range', () => {
    expect(checkInteger('n', 1, 1)).toBe(1);
    expect(checkInteger('n', 5, 0, 10)).toBe(5);
    expect(checkInteger('n', Number.POSITIVE_INFINITY, 1, Number.MAX_SAFE_INTEGER, true)).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('names the rule: >= min, a range, or Infinity', () => {
    expect(message(() => checkInteger('maxActive', 0, 1))).toBe(
      'maxActive must be an integer >= 1, got 0',
    );
    expect(message(() => checkInteger('port', 70_000, 1, 65_535))).toBe(
      'port must be an integer between 1 and 65535, got 70000',
    );
    expect(message(() => checkInteger('maxIdle', -1, 0, Number.MAX_SAFE_INTEGER, true))).toBe(
      'maxIdle must be an integer >= 0 or Infinity, got -1',
    );
    expect(message(() => checkInteger('n', Number.POSITIVE_INFINITY, 0))).toMatch(/Infinity$/);
    expect(message(() => checkInteger('n', '3', 0))).toBe('n must be an integer >= 0, got "3"');
  });
});

suite('checkBoolean, checkFunction, checkFunctionOrNull', () => {
  it('accept their type', () => {
    const fn = () => 1;
    expect(checkBoolean('b', false)).toBe(false);
    expect(checkFunction('f', fn)).toBe(fn);
    expect(checkFunctionOrNull('f', fn)).toBe(fn);
    expect(checkFunctionOrNull('f', undefined)).toBe(null);
    expect(checkFunctionOrNull('f', null)).toBe(null);
  });

  it('refuse anything else', () => {
    expect(message(() => checkBoolean('noDelay', 1))).toBe('noDelay must be a boolean, got 1');
    expect(message(() => checkFunction('create', undefined))).toBe(
      'create must be a function, got undefined',
    );
    expect(message(() => checkFunctionOrNull('validate', {}))).toBe(
      'validate must be a function, got an object',
    );
  });
});

suite('checkSignal', () => {
  it('returns the signal, or null when absent', () => {
    const signal = new AbortController().signal;
    expect(checkSignal(signal)).toBe(signal);
    expect(checkSignal(undefined)).toBe(null);
    expect(checkSignal(null)).toBe(null);
  });

  it('accepts a duck-typed signal (another realm, a polyfill)', () => {
    const like = { aborted: false, addEventListener() {}, removeEventListener() {} };
    expect(checkSignal(like)).toBe(like);
  });

  it('refuses anything else, naming the option', () => {
    expect(message(() => checkSignal({ aborted: false }))).toBe(
      'signal must be an AbortSignal, got an object',
    );
    expect(message(() => checkSignal('x', 'options.signal'))).toBe(
      'options.signal must be an AbortSignal, got "x"',
    );
  });
});

suite('checkOptions', () => {
  it('passes undefined and objects with known keys', () => {
    expect(checkOptions(undefined, ['timeout'], 'close() options')).toBe(undefined);
    const o = { timeout: 1 };
    expect(checkOptions(o, ['timeout'], 'close() options')).toBe(o);
  });

  it('refuses non-objects and unknown keys', () => {
    expect(message(() => checkOptions(5 as never, ['timeout'], 'close() options'))).toBe(
      'close() options must be an object, got 5',
    );
    expect(message(() => checkOptions([] as never, ['timeout'], 'close() options'))).toBe(
      'close() options must be an object, got an array',
    );
    expect(message(() => checkOptions({ timout: 1 }, ['timeout'], 'close() options'))).toMatch(
      /close\(\) options has no option "timout"; did you mean "timeout"\?/,
    );
  });
});

suite('closeTimeout: the timeout of close(options) and drain(options)', () => {
  it('is the fallback when none is given, and takes 0 to 2^31 - 1 or Infinity', () => {
    expect(closeTimeout(undefined, 30_000)).toBe(30_000);
    expect(closeTimeout({}, 30_000)).toBe(30_000);
    for (const ms of [0, 5, MAX_TIMER, Number.POSITIVE_INFINITY]) {
      expect(closeTimeout({ timeout: ms }, 30_000)).toBe(ms);
    }
  });

  it('refuses anything else and unknown keys, naming the method', () => {
    expect(message(() => closeTimeout({ timeout: 2 ** 31 }, 1))).toBe(
      'timeout must be an integer number of milliseconds from 0 to 2147483647, or Infinity to wait forever, got 2147483648',
    );
    expect(message(() => closeTimeout(5, 1))).toBe('close() options must be an object, got 5');
    expect(message(() => closeTimeout({ timout: 1 }, 1, 'drain()'))).toMatch(
      /^drain\(\) options has no option "timout"; did you mean "timeout"\?/,
    );
  });
});
