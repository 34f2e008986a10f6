/**
 * The brand every rerpc error carries (on its prototype), whatever its code: `isRerpcError()`
 * and `instanceof RerpcError` test it, across copies of the packages.
 */
const ANY = Symbol.for('rerpc.error');
/** Where `brand()` keeps a class's own brand symbol (a static, non-enumerable property). */
const CLASS_BRAND = Symbol('rerpc.classBrand');
/** Where `brand()` keeps a class's default message, if it gave one. */
const DEFAULT_MESSAGE = Symbol('rerpc.defaultMessage');

// A package declares each error class once with errorClass(), which sets `name` and `code`,
// brands the class and gives it a default message; the class adds only its own fields and the
// constructor that words its message:
//
//   /** The pool's queue is full. */
//   export class QueueFullError extends errorClass('QueueFullError', 'RERPC_ERR_QUEUE_FULL') {
//     /** The `maxQueue` in force. */
//     declare readonly maxQueue: number;
//
//     constructor(maxQueue: number, options?: { cause?: unknown }) {
//       super(`The queue is full (${maxQueue} tasks waiting); retry later`, options);
//       Object.assign(this, { maxQueue });
//     }
//   }
//
// Fields are `declare`d and set in one Object.assign: a plain `readonly maxQueue: number` would
// emit a class field, and then one `this.x = x` line per field in every class. The .d.ts is the
// same (`readonly maxQueue: number`).
//
// A class whose only constructor logic is a default message needs no body:
// `export class PoolClosedError extends errorClass('PoolClosedError', 'RERPC_ERR_POOL_CLOSED',
// 'The pool is closed; create a new one') {}` takes `(message?, options?)`.

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

/**
 * The base of one rerpc error class (what `errorClass()` returns): branded with `code`; its
 * instances carry `name` and `code` (own properties, set first); it takes `(message?, options?)`.
 */
export interface ErrorClass<N extends string, C extends string> {
  new (
    message?: string,
    options?: { cause?: unknown },
  ): RerpcError & { readonly name: N; readonly code: C };
  readonly prototype: RerpcError & { readonly name: N; readonly code: C };
  /** Whether `value` carries this code's brand, from any copy of the class. */
  [Symbol.hasInstance](value: unknown): boolean;
}

/**
 * The base of one error class: `class X extends errorClass('X', 'RERPC_ERR_X') {}`. Its instances
 * get `name` and `code` as own properties before the subclass's fields, and it is branded with
 * `code` (see {@link brand}), with `defaultMessage` as the message when the constructor gets none.
 * `name` is given, not read from the class, because a minifier may rename the class.
 */
export function errorClass<const N extends string, const C extends string>(
  name: N,
  code: C,
  defaultMessage?: string,
): ErrorClass<N, C> {
  class Coded extends RerpcError {
    override readonly name = name;
    readonly code = code;
  }
  brand(Coded, code, defaultMessage);
  return Coded;
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
