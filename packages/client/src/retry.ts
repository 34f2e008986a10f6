/** @rerpc/server's "Server is shutting down": the request was read after close() began and not run. */
export const SHUTTING_DOWN = -32002;

/** {@link retryDelay}'s answer when the attempt is not to be retried. */
export const GIVE_UP = -1;

/** The options the retry policy reads (the client's resolved options fit). */
export interface RetryOptions {
  readonly maxRetries: number;
  readonly retryDelay: number;
  readonly maxRetryDelay: number;
}

/** What the policy reads of a call (a client's call record fits). */
export interface RetryState {
  /** Retries already made (0 when the first attempt failed). */
  readonly attempts: number;
  /** The caller marked the method safe to run twice. */
  readonly idempotent: boolean;
  /** When the call's deadline passes (`performance.now()` scale); `Infinity` for none. */
  readonly deadline: number;
}

/**
 * The retry policy: whether a call's failed attempt is tried again, and after how many
 * milliseconds. Returns the delay, or {@link GIVE_UP}. Pure: the clock and the random source
 * are inputs. `sent`: the request may have run (it was written and nothing says the server did
 * not run it); `answered`: the JSON-RPC error code the server answered with, null for none.
 *
 * 1. An error the server answered ran the method (a JSON-RPC error is never retried), except
 *    -32002 ("shutting down"), which says the request was not run.
 * 2. A request that may have run is retried only when idempotent.
 * 3. At most `maxRetries` retries.
 * 4. The backoff doubles from `retryDelay` up to `maxRetryDelay`, with jitter: the delay is drawn
 *    from [d/2, d) by `random` (a value in [0, 1), like `Math.random`).
 * 5. A retry whose backoff would end at or after the deadline is not made: the call fails now
 *    with what went wrong, rather than later with a timeout.
 * 6. `atLeast` (an HTTP 429/503's `Retry-After`, in ms) raises the delay to it; a negative
 *    `atLeast` forbids the retry (an HTTP status that retrying cannot fix).
 */
export function retryDelay(
  options: RetryOptions,
  call: RetryState,
  sent: boolean,
  answered: number | null,
  now: number,
  random: () => number,
  atLeast = 0,
): number {
  if (atLeast < 0) return GIVE_UP;
  if (answered !== null && answered !== SHUTTING_DOWN) return GIVE_UP;
  if (answered === null && sent && !call.idempotent) return GIVE_UP;
  if (call.attempts >= options.maxRetries) return GIVE_UP;
  const full = Math.min(options.maxRetryDelay, options.retryDelay * 2 ** call.attempts);
  const delay = Math.max(atLeast, full / 2 + random() * (full / 2));
  return now + delay < call.deadline ? delay : GIVE_UP;
}
