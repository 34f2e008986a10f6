import { errorFromAnotherCopy } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { AbortError, PoolClosedError, QueueFullError } from '../src/index.js';

describe('errors', () => {
  const errors = [
    [new QueueFullError(10), 'QueueFullError', 'RERPC_ERR_QUEUE_FULL'],
    [new PoolClosedError(), 'PoolClosedError', 'RERPC_ERR_POOL_CLOSED'],
    [new AbortError('why'), 'AbortError', 'RERPC_ERR_ABORTED'],
  ] as const;

  for (const [error, name, code] of errors) {
    it(`${name} has name ${name}, code ${code}, and is an Error`, () => {
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error).toBeInstanceOf(Error);
      expect(error.message.length).toBeGreaterThan(20);
    });

    it(`${name} is recognised by instanceof across copies through its Symbol.for brand`, () => {
      expect(errorFromAnotherCopy(code)).toBeInstanceOf(error.constructor);
      expect(new Error('plain')).not.toBeInstanceOf(error.constructor);
    });
  }

  it('AbortError keeps the signal reason as cause', () => {
    const reason = new Error('because');
    expect(new AbortError(reason).cause).toBe(reason);
  });

  it('QueueFullError says when there is no queue at all', () => {
    expect(new QueueFullError(0).message).toContain('maxQueue is 0');
  });
});
