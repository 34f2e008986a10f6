import { describe, expect, it } from 'vitest';
import { INVALID_OPTION, signalOption } from '../src/index.js';
import { thrown } from '../src/testing.js';

const KNOWN = ['signal', 'transferList'];

describe('signalOption', () => {
  it('returns the signal, or null without options or without a signal', () => {
    const signal = new AbortController().signal;
    expect(signalOption({ signal }, KNOWN, 'submit() options')).toBe(signal);
    expect(signalOption(undefined, KNOWN, 'submit() options')).toBe(null);
    expect(signalOption({}, KNOWN, 'submit() options')).toBe(null);
    expect(signalOption({ signal: null, transferList: [] }, KNOWN, 'submit() options')).toBe(null);
  });

  it.each([
    [{ signal: 'x' }, 'signal must be an AbortSignal, got "x"'],
    [
      { signl: null },
      'submit() options has no option "signl"; did you mean "signal"? (known: signal, transferList)',
    ],
    [42, 'submit() options must be an object, got 42'],
  ])('refuses %j with a coded TypeError', (options, message) => {
    const error = thrown(() => signalOption(options, KNOWN, 'submit() options'));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe(INVALID_OPTION);
    expect(error.message).toBe(message);
  });
});
