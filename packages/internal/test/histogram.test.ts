import fc from 'fast-check';
import { expect, it, describe as suite } from 'vitest';
import { Histogram } from '../src/index.js';

suite('Histogram', () => {
  it('is empty at first', () => {
    const h = new Histogram();
    expect(h.count).toBe(0);
    expect(h.max).toBe(0);
    expect(h.quantile(0.99)).toBe(0);
  });

  it('is exact below 64 µs', () => {
    const h = new Histogram();
    for (let v = 0; v < 64; v++) h.record(v);
    expect(h.quantile(0.5)).toBe(31);
    expect(h.quantile(1)).toBe(63);
    expect(h.quantile(0)).toBe(0);
  });

  it('summary() gives the count and p50, p90 and p99 in milliseconds', () => {
    const h = new Histogram();
    expect(h.summary()).toEqual({ count: 0, p50: 0, p90: 0, p99: 0 });
    for (let ms = 1; ms <= 100; ms++) h.record(ms * 1000);
    const s = h.summary();
    expect(s).toEqual({
      count: 100,
      p50: h.quantile(0.5) / 1000,
      p90: h.quantile(0.9) / 1000,
      p99: h.quantile(0.99) / 1000,
    });
    for (const [value, ms] of [
      [s.p50, 50],
      [s.p90, 90],
      [s.p99, 99],
    ] as const) {
      expect(value).toBeGreaterThanOrEqual(ms);
      expect(value).toBeLessThanOrEqual(ms * (1 + 1 / 32));
    }
  });

  it('records counts, clamps below 1 and above 2^31 - 1, and resets', () => {
    const h = new Histogram();
    h.record(0.4, 3);
    h.record(-5);
    h.record(2 ** 40);
    expect(h.count).toBe(5);
    expect(h.quantile(0.6)).toBe(0);
    expect(h.max).toBe(2 ** 31 - 1);
    expect(h.quantile(1)).toBe(2 ** 31 - 1);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.quantile(1)).toBe(0);
  });

  it('a quantile is never below the true one and at most 1/32 above it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const h = new Histogram();
          for (const v of values) h.record(v);
          const sorted = [...values].sort((a, b) => a - b);
          const truth = sorted[Math.max(1, Math.ceil(q * values.length)) - 1]!;
          const got = h.quantile(q);
          expect(got).toBeGreaterThanOrEqual(truth);
          expect(got).toBeLessThanOrEqual(truth * (1 + 1 / 32));
          expect(got).toBeLessThanOrEqual(h.max);
        },
      ),
      { numRuns: 300 },
    );
  });
});
