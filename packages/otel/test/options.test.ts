import { describe, expect, it } from 'vitest';
import { createInstrumentation } from '../src/index.js';

function thrown(options: unknown): { code?: string; message: string } {
  try {
    createInstrumentation(options as never).close();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected createInstrumentation() to throw');
}

describe('createInstrumentation() options', () => {
  it('rejects a non-object options argument', () => {
    expect(thrown(1)).toMatchObject({
      code: 'RERPC_ERR_INVALID_OPTION',
      message: 'createInstrumentation() options must be an object, got 1',
    });
  });

  it('rejects an unknown option, naming the closest one', () => {
    expect(thrown({ propagation: true }).message).toMatch(/did you mean "propagate"\?/);
  });

  it.each(['server', 'client', 'propagate'])('rejects a non-boolean %s', (name) => {
    expect(thrown({ [name]: 'yes' })).toMatchObject({
      code: 'RERPC_ERR_INVALID_OPTION',
      message: `${name} must be a boolean, got "yes"`,
    });
  });

  it('rejects a tracerProvider without getTracer() and a meterProvider without getMeter()', () => {
    const error = thrown({ tracerProvider: {} });
    expect(error.code).toBe('RERPC_ERR_INVALID_OPTION');
    expect(error.message).toMatch(
      /^tracerProvider must be an object with getTracer\(\) or null, got /,
    );
    expect(thrown({ meterProvider: 5 }).message).toBe(
      'meterProvider must be an object with getMeter() or null, got 5',
    );
  });

  it('accepts no options and null providers (the global ones)', () => {
    createInstrumentation().close();
    createInstrumentation({ tracerProvider: null, meterProvider: null }).close();
  });
});
