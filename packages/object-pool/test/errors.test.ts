import { errorClassProblems } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { DoubleReleaseError, ForeignObjectError } from '../src/index.js';

describe('errors', () => {
  const cause = new Error('underlying');
  const errors = [
    [DoubleReleaseError, new DoubleReleaseError({ cause }), 'RERPC_ERR_DOUBLE_RELEASE'],
    [ForeignObjectError, new ForeignObjectError({ cause }), 'RERPC_ERR_FOREIGN_OBJECT'],
  ] as const;

  it.each(errors)(
    '%o: name, code, cause, message, stack, instanceof across copies',
    (Class, error, code) => {
      expect(errorClassProblems(Class, error, code, cause)).toEqual([]);
    },
  );
});
