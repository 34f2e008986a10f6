import { errorFromAnotherCopy } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { DoubleReleaseError, ForeignObjectError } from '../src/index.js';

describe('errors', () => {
  const errors = [
    [new DoubleReleaseError(), 'DoubleReleaseError', 'RERPC_ERR_DOUBLE_RELEASE'],
    [new ForeignObjectError(), 'ForeignObjectError', 'RERPC_ERR_FOREIGN_OBJECT'],
  ] as const;

  for (const [error, name, code] of errors) {
    it(`${name} has name ${name}, code ${code}, and is an Error`, () => {
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error).toBeInstanceOf(Error);
    });

    it(`${name} is recognised by instanceof across copies through its Symbol.for brand`, () => {
      expect(errorFromAnotherCopy(code)).toBeInstanceOf(error.constructor);
      expect(new Error('plain')).not.toBeInstanceOf(error.constructor);
    });
  }
});
