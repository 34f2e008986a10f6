import { checkOptions, describe, optionError } from '@rerpc/internal';

/**
 * A custom JSON Schema string format: a `RegExp` a value must match, or a function that says
 * whether a value is valid. Either runs on every call that sends a value for a property of that
 * format, so keep it linear in the length of the value.
 */
export type StringFormat = RegExp | ((value: string) => boolean);

/** Options of {@link createRegistry}. */
export interface RegistryOptions {
  /**
   * More JSON Schema string formats for params schemas, by name, as `{ 'order-id': /^ord_\w+$/ }`;
   * a name of a built-in format (from ajv-formats: `email`, `date-time`, `uuid`, `uri`…)
   * replaces it. A schema naming a format that is neither fails to register.
   * @default {} (the built-in formats only)
   */
  formats?: Record<string, StringFormat>;
}

/** The registry's defaults (the README's options table is tested against them). */
export const DEFAULTS = Object.freeze({
  formats: Object.freeze({}) as Readonly<Record<string, StringFormat>>,
});

const REGISTRY_OPTIONS: readonly string[] = Object.keys(DEFAULTS);
/** The names of `MethodOptions`. */
export const METHOD_OPTIONS: readonly string[] = [
  'params',
  'result',
  'summary',
  'description',
  'deprecated',
  'examples',
  'errors',
];
/** The names of `RegisterOptions`. */
export const REGISTER_OPTIONS: readonly string[] = ['name', 'methods'];

/** True for `{}`-like objects: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates `createRegistry()` options; returns the custom formats to add. */
export function resolveRegistryOptions(options: unknown): ReadonlyMap<string, StringFormat> {
  const formats = new Map<string, StringFormat>();
  if (options === undefined) return formats;
  checkOptions(options as object, REGISTRY_OPTIONS, 'createRegistry() options');
  const given = (options as RegistryOptions).formats ?? DEFAULTS.formats;
  if (!isObject(given)) {
    throw optionError(
      `formats must be an object of format name to RegExp or function, got ${describe(given)}`,
    );
  }
  for (const [name, format] of Object.entries(given)) {
    if (name === '') throw optionError('formats: a format name must be a non-empty string');
    if (format instanceof RegExp) {
      // test() on a global or sticky RegExp starts at lastIndex: every other call would fail.
      if (format.global || format.sticky) {
        throw optionError(
          `formats.${name} must not have the g or y flag (RegExp#test would then depend on the previous call), got /${format.source}/${format.flags}`,
        );
      }
    } else if (typeof format !== 'function') {
      throw optionError(
        `formats.${name} must be a RegExp or a function (value: string) => boolean, got ${describe(format)}`,
      );
    }
    formats.set(name, format as StringFormat);
  }
  return formats;
}

/** Validates one method's options (`what` names them in messages). */
export function checkMethodOptions(options: unknown, what: string): void {
  // Stryker disable next-line ConditionalExpression: a shortcut; checkOptions() accepts undefined too
  if (options === undefined) return;
  if (isObject(options) && Object.hasOwn(options, 'idempotent')) {
    // Issue 12: it was stored and never read, so a method marked idempotent was retried no more
    // than any other. Retrying is the client's decision, made per call.
    throw optionError(
      `${what}: idempotent is not a method option: the server cannot make a client retry; mark the call idempotent where it is made, client.call(method, params, { idempotent: true })`,
    );
  }
  checkOptions(options as object, METHOD_OPTIONS, what);
}
