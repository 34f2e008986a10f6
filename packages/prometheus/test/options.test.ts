import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/index.js';

function thrown(options: unknown): { code?: string; message: string } {
  try {
    createMetrics(options as never).close();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected createMetrics() to throw');
}

describe('createMetrics() options', () => {
  it('rejects a non-object options argument', () => {
    expect(thrown(1)).toMatchObject({
      code: 'RERPC_ERR_INVALID_OPTION',
      message: 'createMetrics() options must be an object, got 1',
    });
  });

  it('rejects an unknown option, naming the closest one', () => {
    expect(thrown({ prefx: 'a_' }).message).toMatch(/did you mean "prefix"\?/);
  });

  it.each(['server', 'client'])('rejects a non-boolean %s', (name) => {
    expect(thrown({ [name]: 'yes' })).toMatchObject({
      code: 'RERPC_ERR_INVALID_OPTION',
      message: `${name} must be a boolean, got "yes"`,
    });
  });

  it('rejects a registry that is not a prom-client Registry', () => {
    expect(thrown({ registry: {} })).toMatchObject({
      code: 'RERPC_ERR_INVALID_OPTION',
      message: expect.stringMatching(/^registry must be a prom-client Registry or null, got /),
    });
  });

  it.each([5, '1abc', 'a-b_', 'a b'])('rejects the prefix %j', (prefix) => {
    expect(thrown({ registry: new Registry(), prefix })).toMatchObject({
      code: 'RERPC_ERR_INVALID_OPTION',
      message: expect.stringMatching(/^prefix must be a metric name prefix/),
    });
  });

  it.each([[[]], [[1, 1]], [[2, 1]], [[0, 1]], [[1, Infinity]], [['1']], ['1']])(
    'rejects the buckets %j',
    (buckets) => {
      expect(thrown({ registry: new Registry(), buckets })).toMatchObject({
        code: 'RERPC_ERR_INVALID_OPTION',
        message: expect.stringMatching(
          /^buckets must be a non-empty array of increasing finite numbers > 0/,
        ),
      });
    },
  );

  it("accepts the prefix '' and a null registry (the global one)", () => {
    createMetrics({ registry: new Registry(), prefix: '' }).close();
    createMetrics({ registry: null }).close();
  });
});
