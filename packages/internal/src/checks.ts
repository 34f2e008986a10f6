import { describe } from './describe.js';
import { optionError, rejectUnknownOptions } from './options.js';

// One rule per kind of option, one message shape: "<name> must be <rule>, got <value>" (an
// option error: a TypeError coded RERPC_ERR_INVALID_OPTION). Setup code calls these once; the
// per-call ones (checkTime, checkSignal, checkOptions) allocate nothing on success.

/** The longest delay Node's timers honour, in ms (2^31 - 1); a longer one fires after 1 ms. */
export const MAX_TIMER = 2_147_483_647;

/**
 * An integer from `min` to `max` (or `Infinity` where `infinity` is true: "no limit"). The rule
 * reads ">= min" when `max` is `Number.MAX_SAFE_INTEGER`, else "between min and max".
 */
export function checkInteger(
  name: string,
  value: unknown,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
  infinity = false,
): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) {
    return value;
  }
  if (infinity && value === Number.POSITIVE_INFINITY) return value;
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
  throw optionError(
    `${name} must be an integer ${range}${infinity ? ' or Infinity' : ''}, got ${describe(value)}`,
  );
}

/**
 * The one rule for every time option: an integer number of milliseconds from 0 to 2^31 - 1
 * (what `setTimeout` honours), plus `Infinity` where `forever` is true ("wait forever": close
 * timeouts). What 0 means is the option's to say (usually "disabled" or "at once").
 */
export function checkTime(name: string, value: unknown, forever = false): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TIMER) {
    return value;
  }
  if (forever && value === Number.POSITIVE_INFINITY) return value;
  throw optionError(
    `${name} must be an integer number of milliseconds from 0 to ${MAX_TIMER}${forever ? ', or Infinity to wait forever' : ''}, got ${describe(value)}`,
  );
}

/** A boolean. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw optionError(`${name} must be a boolean, got ${describe(value)}`);
  }
  return value;
}

/** A function. */
export function checkFunction<F extends (...args: never[]) => unknown>(
  name: string,
  value: unknown,
): F {
  if (typeof value !== 'function') {
    throw optionError(`${name} must be a function, got ${describe(value)}`);
  }
  return value as F;
}

/** A function, or `null` when absent (`undefined` or `null`). */
export function checkFunctionOrNull<F extends (...args: never[]) => unknown>(
  name: string,
  value: unknown,
): F | null {
  if (value === undefined || value === null) return null;
  return checkFunction<F>(name, value);
}

/**
 * An optional `AbortSignal`: the signal, or `null` when absent (`undefined` or `null`).
 * Duck-typed (`aborted` and `addEventListener`), as the pools use it, so a signal from another
 * realm or a polyfill works too.
 */
export function checkSignal(value: unknown, name = 'signal'): AbortSignal | null {
  if (value === undefined || value === null) return null;
  if (value instanceof AbortSignal) return value;
  const s = value as Partial<AbortSignal>;
  if (
    typeof value !== 'object' ||
    typeof s.aborted !== 'boolean' ||
    typeof s.addEventListener !== 'function' ||
    typeof s.removeEventListener !== 'function'
  ) {
    throw optionError(`${name} must be an AbortSignal, got ${describe(value)}`);
  }
  return value as AbortSignal;
}

/**
 * An options argument: `undefined` passes; anything but a non-array object is refused
 * ("<what> must be an object"), and so is any own key not in `known` (with a did-you-mean).
 * Allocation-free when every key is known, so per-call options may use it.
 * @param what how the message names it, e.g. `'close() options'`
 */
export function checkOptions<T extends object>(
  options: T | undefined,
  known: readonly string[],
  what: string,
): T | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw optionError(`${what} must be an object, got ${describe(options)}`);
  }
  for (const key in options) {
    if (!known.includes(key)) rejectUnknownOptions(options, known, what);
  }
  return options;
}

const CLOSE_OPTIONS: readonly string[] = ['timeout'];

/**
 * The `timeout` of `close(options)` (or `drain(options)`: `what` names the method), on the time
 * rule with `Infinity` ("wait forever"); `fallback` (the `closeTimeout` option) when not given.
 * Throws an option error for anything else, or an unknown key.
 */
export function closeTimeout(options: unknown, fallback: number, what = 'close()'): number {
  const o = checkOptions(options as object | undefined, CLOSE_OPTIONS, `${what} options`);
  const timeout = (o as { timeout?: unknown } | undefined)?.timeout;
  return timeout === undefined ? fallback : checkTime('timeout', timeout, true);
}
