// Every error carries a stable `code` and a `Symbol.for` brand on its prototype, so `instanceof`
// works across two installed copies of this package (undici: lib/core/errors.js).

const DOUBLE_RELEASE = Symbol.for('rerpc.error.RERPC_ERR_DOUBLE_RELEASE');
const FOREIGN_OBJECT = Symbol.for('rerpc.error.RERPC_ERR_FOREIGN_OBJECT');

function branded(value: unknown, brand: symbol): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

/** `checked` pools only: an object was released while it was already free in the pool. */
export class DoubleReleaseError extends Error {
  override readonly name = 'DoubleReleaseError';
  readonly code = 'RERPC_ERR_DOUBLE_RELEASE';

  constructor(options?: { cause?: unknown }) {
    super(
      'This object was released twice: it is already free in the pool; release each acquired object exactly once and stop using it after release',
      options,
    );
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, DOUBLE_RELEASE);
  }
}
Object.defineProperty(DoubleReleaseError.prototype, DOUBLE_RELEASE, { value: true });

/** `checked` pools only: an object was released to a pool that never handed it out. */
export class ForeignObjectError extends Error {
  override readonly name = 'ForeignObjectError';
  readonly code = 'RERPC_ERR_FOREIGN_OBJECT';

  constructor(options?: { cause?: unknown }) {
    super(
      'This object was not acquired from this pool; release objects only to the pool that handed them out',
      options,
    );
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, FOREIGN_OBJECT);
  }
}
Object.defineProperty(ForeignObjectError.prototype, FOREIGN_OBJECT, { value: true });
