import { errorClass } from '@rerpc/internal';

// Each error has a stable `code`; `instanceof` works across two installed copies of this package
// (errorClass() brands each class with its code; undici: lib/core/errors.js).

/** `checked` pools only: an object was released while it was already free in the pool. */
export class DoubleReleaseError extends errorClass(
  'DoubleReleaseError',
  'RERPC_ERR_DOUBLE_RELEASE',
) {
  constructor(options?: { cause?: unknown }) {
    super(
      'This object was released twice: it is already free in the pool; release each acquired object exactly once and stop using it after release',
      options,
    );
  }
}

/** `checked` pools only: an object was released to a pool that never handed it out. */
export class ForeignObjectError extends errorClass(
  'ForeignObjectError',
  'RERPC_ERR_FOREIGN_OBJECT',
) {
  constructor(options?: { cause?: unknown }) {
    super(
      'This object was not acquired from this pool; release objects only to the pool that handed them out',
      options,
    );
  }
}
