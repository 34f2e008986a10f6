import { errorClassProblems } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { ClusterClosedError, WorkerStartError } from '../src/index.js';

describe('errors', () => {
  const cause = new Error('underlying');
  const errors = [
    [WorkerStartError, new WorkerStartError(1, 'it exited', { cause }), 'RERPC_ERR_WORKER_START'],
    [ClusterClosedError, new ClusterClosedError(undefined, { cause }), 'RERPC_ERR_CLUSTER_CLOSED'],
  ] as const;

  it.each(errors)(
    '%o: name, code, cause, message, stack, instanceof across copies',
    (Class, error, code) => {
      expect(errorClassProblems(Class, error, code, cause)).toEqual([]);
    },
  );

  it('WorkerStartError names the slot and the reason', () => {
    const error = new WorkerStartError(1, 'it exited (code 1) before listening');
    expect(error.slot).toBe(1);
    expect(error.message).toContain('slot 1');
    expect(error.message).toContain('it exited (code 1) before listening');
  });
});
