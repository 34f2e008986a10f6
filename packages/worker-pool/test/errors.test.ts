import { errorClassProblems } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { AbortError, PoolClosedError, QueueFullError } from '../src/index.js';

describe('errors', () => {
  const cause = new Error('underlying');
  const errors = [
    [QueueFullError, new QueueFullError(10, { cause }), 'RERPC_ERR_QUEUE_FULL'],
    [PoolClosedError, new PoolClosedError(undefined, { cause }), 'RERPC_ERR_POOL_CLOSED'],
    [AbortError, new AbortError(cause), 'RERPC_ERR_ABORTED'],
  ] as const;

  it.each(errors)(
    '%o: name, code, cause, message, stack, instanceof across copies',
    (Class, error, code) => {
      expect(errorClassProblems(Class, error, code, cause)).toEqual([]);
    },
  );

  it('AbortError keeps the signal reason as cause', () => {
    const reason = new Error('because');
    expect(new AbortError(reason).cause).toBe(reason);
  });

  it('QueueFullError says when there is no queue at all', () => {
    expect(new QueueFullError(0).message).toContain('maxQueue is 0');
  });
});
