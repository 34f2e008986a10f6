/**
 * The brand every rerpc error carries (on its prototype), whatever its code: `isRerpcError()`
 * and `instanceof RerpcError` test it, across copies of the packages.
 */
const ANY = Symbol.for('rerpc.error');
/** Where `brand()` keeps a class's own brand symbol (a static, non-enumerable property). */
const CLASS_BRAND = Symbol('rerpc.classBrand');
/** Where `brand()` keeps a class's default message, if it gave one. */
const DEFAULT_MESSAGE = Symbol('rerpc.defaultMessage');

// A subclass sets `name` and `code` as fields and is branded once, after its declaration:
//
//   export class QueueFullError extends RerpcError {
//     override readonly name = 'QueueFullError';
//     readonly code = 'RERPC_ERR_QUEUE_FULL';
//   }
//   brand(QueueFullError, 'RERPC_ERR_QUEUE_FULL');
//
// A class whose only constructor logic is a default message needs no constructor: give the
// message to brand() and `new PoolClosedError()` / `new PoolClosedError(message, { cause })` work.

/**
 * The base of every rerpc error class: a stable `RERPC_ERR_*` `code`, `{ cause }` passed to
 * `Error`, and `instanceof` that works across two installed copies of a package (undici:
 * lib/core/errors.js).
 */
export abstract class RerpcError extends Error {
  /** A stable `RERPC_ERR_*` code: match on it rather than on the message. */
  abstract readonly code: string;

  /** @param message what happened and what to do; defaults to the class's default message */
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message ?? (new.target as { [DEFAULT_MESSAGE]?: string })[DEFAULT_MESSAGE], options);
  }

  /**
   * `value instanceof SomeError` is true when `value` carries `SomeError`'s brand
   * (`Symbol.for('rerpc.error.<code>')`), from this copy of the class or any other; for
   * `RerpcError` itself, when it carries any rerpc error's brand.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass `instanceof` asks about
    const own = (this as { [CLASS_BRAND]?: symbol })[CLASS_BRAND];
    return hasBrand(value, own === undefined ? ANY : own);
  }
}
Object.defineProperty(RerpcError.prototype, ANY, { value: true });

/**
 * Brands an error class with its code: `Symbol.for('rerpc.error.<code>')` on its prototype, so
 * `instanceof` matches instances made by any copy of a class with the same code (two packages'
 * `AbortError`s with `RERPC_ERR_ABORTED` match each other). The compiler checks that `code` is
 * the class's own. `defaultMessage` is the message when the constructor gets none.
 */
export function brand<K extends string>(
  Class: abstract new (...args: never[]) => RerpcError & { readonly code: NoInfer<K> },
  code: K,
  defaultMessage?: string,
): void {
  const symbol = Symbol.for(`rerpc.error.${code}`);
  Object.defineProperty(Class.prototype, symbol, { value: true });
  Object.defineProperty(Class, CLASS_BRAND, { value: symbol });
  if (defaultMessage !== undefined) {
    Object.defineProperty(Class, DEFAULT_MESSAGE, { value: defaultMessage });
  }
}

/** Whether `value` is an error from any rerpc package (any copy), by its brand. */
export function isRerpcError(value: unknown): value is Error & { readonly code: string } {
  return hasBrand(value, ANY);
}

/** Marks an error that does not extend {@link RerpcError} (a coded `TypeError`) as a rerpc error. */
export function brandInstance(error: Error, code: string): void {
  Object.defineProperty(error, ANY, { value: true });
  Object.defineProperty(error, Symbol.for(`rerpc.error.${code}`), { value: true });
}

function hasBrand(value: unknown, symbol: symbol): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[symbol] === true
  );
}
