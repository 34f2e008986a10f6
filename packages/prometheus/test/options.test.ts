import { optionErrorLike } from '@rerpc/internal/testing';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, type MetricsOptions } from '../src/index.js';

const create = (options: unknown) => () => createMetrics(options as MetricsOptions).close();

describe('createMetrics() options', () => {
  it('rejects a non-object options argument', () => {
    expect(create(1)).toThrow(optionErrorLike('createMetrics() options must be an object, got 1'));
  });

  it('rejects an unknown option, naming the closest one', () => {
    expect(create({ prefx: 'a_' })).toThrow(optionErrorLike('did you mean "prefix"?'));
  });

  it.each(['server', 'client'])('rejects a non-boolean %s', (name) => {
    expect(create({ [name]: 'yes' })).toThrow(
      optionErrorLike(`${name} must be a boolean, got "yes"`),
    );
  });

  it('rejects a registry that is not a prom-client Registry', () => {
    expect(create({ registry: {} })).toThrow(
      optionErrorLike(/^registry must be a prom-client Registry or null, got /),
    );
  });

  it.each([5, '1abc', 'a-b_', 'a b'])('rejects the prefix %j', (prefix) => {
    expect(create({ registry: new Registry(), prefix })).toThrow(
      optionErrorLike(/^prefix must be a metric name prefix/),
    );
  });

  it.each([[[]], [[1, 1]], [[2, 1]], [[0, 1]], [[1, Infinity]], [['1']], ['1']])(
    'rejects the buckets %j',
    (buckets) => {
      expect(create({ registry: new Registry(), buckets })).toThrow(
        optionErrorLike(/^buckets must be a non-empty array of increasing finite numbers > 0/),
      );
    },
  );

  it("accepts the prefix '' and a null registry (the global one)", () => {
    create({ registry: new Registry(), prefix: '' })();
    create({ registry: null })();
  });
});
