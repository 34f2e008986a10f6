// The retry policy alone: a pure function of the attempt, the clock and a random source, so each
// rule is checked exactly, with no socket and no real time (issue 12: the end-to-end test of the
// deadline guard passed 5 runs in 6 with the guard removed).
import { describe, expect, it } from 'vitest';
import { GIVE_UP, type RetryState, retryDelay, SHUTTING_DOWN } from '../src/retry.js';

const options = { maxRetries: 3, retryDelay: 100, maxRetryDelay: 1_000 };
const NOW = 1_000_000;
const half = () => 0.5;

/** A call with no deadline, `attempts` retries made so far. */
function call(attempts = 0, idempotent = false, deadline = Number.POSITIVE_INFINITY): RetryState {
  return { attempts, idempotent, deadline };
}

describe('retry policy', () => {
  it('never retries an error the server answered (it ran), idempotent or not', () => {
    for (const code of [-32603, -32601, -32000, -32001, -32099, 1001, 0]) {
      expect(retryDelay(options, call(0, true), true, code, NOW, half), String(code)).toBe(GIVE_UP);
      expect(retryDelay(options, call(0, false), false, code, NOW, half), String(code)).toBe(
        GIVE_UP,
      );
    }
  });

  it('retries a -32002 answer (shutting down, not run) even when not idempotent', () => {
    expect(retryDelay(options, call(0, false), false, SHUTTING_DOWN, NOW, half)).toBe(75);
    expect(retryDelay(options, call(0, false), true, SHUTTING_DOWN, NOW, half)).toBe(75);
  });

  it('retries a call that provably did not run', () => {
    expect(retryDelay(options, call(0, false), false, null, NOW, half)).toBe(75);
  });

  it('retries a call that may have run only when it is idempotent', () => {
    expect(retryDelay(options, call(0, false), true, null, NOW, half)).toBe(GIVE_UP);
    expect(retryDelay(options, call(0, true), true, null, NOW, half)).toBe(75);
  });

  it('makes at most maxRetries retries', () => {
    expect(retryDelay(options, call(2), false, null, NOW, half)).not.toBe(GIVE_UP);
    expect(retryDelay(options, call(3), false, null, NOW, half)).toBe(GIVE_UP);
    expect(retryDelay(options, call(4), false, null, NOW, half)).toBe(GIVE_UP);
    const none = { ...options, maxRetries: 0 };
    expect(retryDelay(none, call(0, true), false, SHUTTING_DOWN, NOW, half)).toBe(GIVE_UP);
  });

  it('doubles the backoff from retryDelay for each retry, up to maxRetryDelay', () => {
    const top = () => 0.999_999_999;
    const many = { ...options, maxRetries: 100 };
    const full = [0, 1, 2, 3, 4, 5, 10].map((attempts) =>
      Math.round(retryDelay(many, call(attempts), false, null, NOW, top)),
    );
    expect(full).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('draws each delay from [d/2, d) with the injected random source', () => {
    // d = 400 for the third attempt (100 * 2^2).
    expect(retryDelay(options, call(2), false, null, NOW, () => 0)).toBe(200);
    expect(retryDelay(options, call(2), false, null, NOW, () => 0.25)).toBe(250);
    const nearlyOne = 1 - Number.EPSILON;
    const top = retryDelay(options, call(2), false, null, NOW, () => nearlyOne);
    expect(top).toBeLessThan(400);
    expect(top).toBeGreaterThan(399.99);
    for (let i = 0; i < 1_000; i++) {
      const r = i / 1_000;
      const delay = retryDelay(options, call(2), false, null, NOW, () => r);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThan(400);
    }
  });

  it('gives up when the backoff would end at or after the deadline', () => {
    // The delay is 75 ms (d = 100, random 0.5).
    expect(retryDelay(options, call(0, false, NOW + 76), false, null, NOW, half)).toBe(75);
    expect(retryDelay(options, call(0, false, NOW + 75), false, null, NOW, half)).toBe(GIVE_UP);
    expect(retryDelay(options, call(0, false, NOW + 10), false, null, NOW, half)).toBe(GIVE_UP);
    expect(retryDelay(options, call(0, false, NOW - 1), false, null, NOW, half)).toBe(GIVE_UP);
    // The guard reads the delay actually drawn: a short draw fits where a long one does not.
    expect(retryDelay(options, call(0, false, NOW + 60), false, null, NOW, () => 0)).toBe(50);
    expect(retryDelay(options, call(0, false, NOW + 60), false, null, NOW, () => 0.9)).toBe(
      GIVE_UP,
    );
  });

  it('reads time only from its arguments', () => {
    // The same attempt, far from performance.now(), in the past and the future: same answers.
    for (const now of [0, 1e3, 1e12]) {
      expect(retryDelay(options, call(1, false, now + 200), false, null, now, half)).toBe(150);
      expect(retryDelay(options, call(1, false, now + 150), false, null, now, half)).toBe(GIVE_UP);
    }
  });

  it('waits at least atLeast (an HTTP Retry-After) and still gives up past the deadline', () => {
    expect(retryDelay(options, call(), false, null, NOW, half, 500)).toBe(500);
    expect(retryDelay(options, call(), false, null, NOW, half, 10)).toBe(75);
    expect(retryDelay(options, call(0, false, NOW + 500), false, null, NOW, half, 500)).toBe(
      GIVE_UP,
    );
  });

  it('never retries when atLeast is negative (a status retrying cannot fix)', () => {
    expect(retryDelay(options, call(0, true), false, null, NOW, half, -1)).toBe(GIVE_UP);
  });
});
