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

  it('QueueFullError says how many tasks wait, or that there is no queue at all', () => {
    expect(new QueueFullError(0).message).toBe(
      'The pool is running at its concurrency limit and has no queue (maxQueue is 0); retry later, or pause the producer until onDrain fires',
    );
    expect(new QueueFullError(3).message).toBe(
      "The pool's queue is full (3 tasks waiting); retry later, or pause the producer while isSaturated is true and resume on onDrain",
    );
  });

  it('PoolClosedError and AbortError say what happened and what to do', () => {
    expect(new PoolClosedError().message).toBe(
      'The pool is closed and takes no more tasks; submit before close(), or create a new pool',
    );
    expect(new AbortError('why').message).toBe(
      'The task was aborted by its signal; see cause for the reason',
    );
  });
});
