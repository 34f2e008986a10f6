import { HttpStatusError } from './errors.js';

/** {@link httpStatus}'s `retry`: never retry, whatever the policy says. */
export const NEVER = -1;

/** What a status without a JSON-RPC answer means for the calls of its POST. */
export interface StatusOutcome {
  readonly error: HttpStatusError;
  /** The calls may have run. */
  readonly sent: boolean;
  /** {@link NEVER}, or the least delay (ms) before a retry the policy allows (0: its own). */
  readonly retry: number;
}

/**
 * Each status the client tells apart, with what it means and what to do; any other 4xx means
 * "refused, not run", any other 5xx (and 1xx/3xx) "may have run".
 */
const KNOWN: Readonly<
  Record<number, readonly [sent: boolean, retryable: boolean, advice: string]>
> = {
  400: [
    false,
    false,
    'it refused the request as malformed and did not run it; check that the target URL is a JSON-RPC endpoint',
  ],
  401: [
    false,
    false,
    'it wants credentials and did not run the call; send them with the headers option (e.g. { headers: { authorization: "Bearer …" } })',
  ],
  403: [
    false,
    false,
    "it refused this client and did not run the call; check the credentials in the headers option, or the server's allow-lists (Origin, CORS)",
  ],
  404: [
    false,
    false,
    'there is no endpoint at this path and the call did not run; check the path of the target URL',
  ],
  405: [
    false,
    false,
    'this path does not take POST and the call did not run; check the path of the target URL',
  ],
  408: [
    false,
    true,
    "it gave up reading the request and did not run it; it was retried within maxRetries and the call's timeout",
  ],
  413: [
    false,
    false,
    "the request is larger than the server accepts and did not run; send fewer batch items or smaller params, or raise the server's maxMessageBytes",
  ],
  415: [
    false,
    false,
    'it refused the Content-Type application/json and did not run the call; the target is not a JSON-RPC over HTTP endpoint that this client can speak to',
  ],
  429: [
    false,
    true,
    "it is rate-limiting this client and did not run the call; no retry within maxRetries and the call's timeout got through: send fewer calls at once (autoBatch helps), or raise maxRetries / timeout",
  ],
  503: [
    false,
    true,
    "it is unavailable (draining, or over its connection limit) and did not run the call; no retry within maxRetries and the call's timeout found it available: call again later, or raise maxRetries / timeout",
  ],
};

const MAY_HAVE_RUN =
  "this is no JSON-RPC answer, and the call may have run on the server, so it was not retried (unless idempotent); check the server's logs";
const REFUSED =
  'it refused the request and did not run the call; check the target URL and the headers option';

/** `Retry-After` (seconds, or an HTTP date) in milliseconds from now; null when absent or unreadable. */
export function retryAfterMs(
  header: string | string[] | undefined,
  now = Date.now(),
): number | null {
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined) return null;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** What `status` (not 2xx) means for the calls of the POST it answered. */
export function httpStatus(
  address: string,
  status: number,
  retryAfter: number | null,
): StatusOutcome {
  const known = KNOWN[status];
  let sent: boolean;
  let retryable = false;
  let advice: string;
  if (known !== undefined) [sent, retryable, advice] = known;
  else if (
    // Stryker disable next-line EqualityOperator: (> 400) 400 is KNOWN, so it never gets here
    status >= 400 &&
    status < 500
  )
    [sent, advice] = [false, REFUSED];
  else [sent, advice] = [true, MAY_HAVE_RUN];
  const error = new HttpStatusError(address, status, sent, advice, retryAfter);
  // A refusal retrying cannot fix is never retried; one that may have run is left to the policy
  // (retried only when idempotent).
  const retry = retryable ? (retryAfter ?? 0) : sent ? 0 : NEVER;
  return { error, sent, retry };
}
