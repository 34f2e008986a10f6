// What an HTTP status without a JSON-RPC answer means for the calls of its POST, and how
// Retry-After is read (http-status.ts), without sockets: the clock is an input.
import { describe, expect, it } from 'vitest';
import { httpStatus, NEVER, retryAfterMs } from '../src/http-status.js';

describe('retryAfterMs()', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads seconds (around spaces) as milliseconds', () => {
    expect(retryAfterMs('0', now)).toBe(0);
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 7 ', now)).toBe(7000);
  });

  it('reads an HTTP date as the milliseconds until then, 0 when it is past', () => {
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  it('takes the first of repeated headers', () => {
    expect(retryAfterMs(['2', '9'], now)).toBe(2000);
  });

  it('is null when absent, empty or unreadable', () => {
    expect(retryAfterMs(undefined, now)).toBeNull();
    expect(retryAfterMs('', now)).toBeNull();
    expect(retryAfterMs([], now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
    // Digits with anything else around them are no number of seconds (nor a date).
    expect(retryAfterMs('5s', now)).toBeNull();
    expect(retryAfterMs('x5', now)).toBeNull();
  });
});

describe('httpStatus()', () => {
  const url = 'http://127.0.0.1:1/rpc';

  it('a retryable refusal (408, 429, 503): not run, retried after Retry-After (0: the policy decides)', () => {
    for (const status of [408, 429, 503]) {
      expect(httpStatus(url, status, 2500)).toMatchObject({ sent: false, retry: 2500 });
      expect(httpStatus(url, status, null)).toMatchObject({ sent: false, retry: 0 });
    }
  });

  it('a refusal retrying cannot fix (any other 4xx): not run, never retried, whatever Retry-After says', () => {
    for (const status of [400, 401, 403, 404, 405, 413, 415, 418, 499]) {
      const outcome = httpStatus(url, status, 1000);
      expect(outcome).toMatchObject({ sent: false, retry: NEVER });
      expect(outcome.error).toMatchObject({ status, sent: false, retryAfter: 1000 });
    }
  });

  it('any other status (5xx, 1xx, 3xx, 600): may have run, left to the policy (retry 0)', () => {
    for (const status of [100, 302, 399, 500, 502, 504, 599, 600]) {
      expect(httpStatus(url, status, 1000)).toMatchObject({ sent: true, retry: 0 });
    }
  });

  it('words the advice by status: known ones their own, other 4xx "refused", the rest "may have run"', () => {
    expect(httpStatus(url, 418, null).error.message).toContain(
      'it refused the request and did not run the call; check the target URL and the headers option',
    );
    expect(httpStatus(url, 500, null).error.message).toContain(
      'the call may have run on the server, so it was not retried (unless idempotent)',
    );
    expect(httpStatus(url, 399, null).error.message).toContain('the call may have run');
    expect(httpStatus(url, 408, null).error.message).toContain(
      'it gave up reading the request and did not run it',
    );
    expect(httpStatus(url, 503, null).error.message).toContain('it is unavailable');
  });
});
