import { describe, optionError, rejectUnknownOptions } from '@rerpc/internal';

/**
 * The first check of both pool modes' options: they are an object; and a plain object's unknown
 * key is a misspelt option, while a class instance used as the factory keeps its own state in
 * fields, which are not options.
 * @param what how the unknown-key message names them, e.g. `'createPool() options'`
 */
export function checkFactoryOptions(
  options: unknown,
  known: readonly string[],
  what: string,
): void {
  if (typeof options !== 'object' || options === null) {
    throw optionError(
      `options must be an object with create and destroy, got ${describe(options)}`,
    );
  }
  const proto: unknown = Object.getPrototypeOf(options);
  if (proto === Object.prototype || proto === null) rejectUnknownOptions(options, known, what);
}
