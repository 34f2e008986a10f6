import { checkOptions, checkSignal } from './checks.js';

/**
 * The `signal` of per-call options such as `acquire({ signal })` or `submit(fn, { signal })`: the
 * signal, or `null` when there are no options or no signal. Any key not in `known` is refused as
 * `checkOptions` does. Allocation-free on success, since it runs per call.
 * @param what how messages name the options, e.g. `'acquire() options'`
 */
export function signalOption(
  options: unknown,
  known: readonly string[],
  what: string,
): AbortSignal | null {
  const o = checkOptions(options as object | undefined, known, what);
  return o === undefined ? null : checkSignal((o as { signal?: unknown }).signal);
}
