import { describe } from './describe.js';
import { brandInstance } from './errors.js';

/** The `code` of every error about an option: a bad value, a wrong type or an unknown name. */
export const INVALID_OPTION = 'RERPC_ERR_INVALID_OPTION';

/** An option error: a `TypeError` (what Node throws for bad arguments) carrying a stable `code`. */
export interface OptionError extends TypeError {
  readonly code: typeof INVALID_OPTION;
}

/** Makes an option error; the message names the option, the rule and the value. */
export function optionError(message: string): OptionError {
  const error = new TypeError(message) as TypeError & { code: string };
  error.code = INVALID_OPTION;
  // A TypeError (what Node throws for bad arguments), yet isRerpcError() knows it by its code.
  brandInstance(error, INVALID_OPTION);
  return error as OptionError;
}

/**
 * Throws an option error for the first own key of `options` that is not in `known`, with a
 * did-you-mean where a known name is close: plain-JavaScript callers get no compiler to catch
 * `{ timeOut: 5 }`, and a silently ignored option is a bug found in production.
 * @param what how the message names the object, e.g. `'createClient() options'`
 */
export function rejectUnknownOptions(
  options: object,
  known: readonly string[],
  what: string,
): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = didYouMean(key, known);
    throw optionError(
      `${what} has no option ${describe(key)}${near === null ? '' : `; did you mean ${describe(near)}?`} (known: ${known.join(', ')})`,
    );
  }
}

/**
 * The known name closest to `name`: equal but for case, within about a third of its length in
 * edits (at most 3), or containing it (`retries` → `maxRetries`); else null.
 */
export function didYouMean(name: string, known: readonly string[]): string | null {
  const lower = name.toLowerCase();
  let best: string | null = null;
  let bestDistance = Math.min(4, Math.ceil(name.length / 3) + 1);
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    if (c === lower) return candidate;
    const d = distance(lower, c, bestDistance);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  if (best !== null || lower.length < 4) return best;
  for (const candidate of known) {
    if (candidate.toLowerCase().includes(lower)) return candidate;
  }
  return null;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length]!, limit);
}
