// The ejection policy and the pickers, without sockets: the clock and the random source are inputs.
import { describe, expect, it } from 'vitest';
import {
  DRAINING,
  draining,
  EJECTED,
  type EjectionSettings,
  failed,
  Health,
  probeFailed,
  succeeded,
  UP,
} from '../src/ejection.js';
import { FirstPicker, P2cPicker, RoundRobinPicker } from '../src/picker.js';

const ENVOY: EjectionSettings = { failures: 5, time: 30_000, maxTime: 300_000 };

describe('ejection policy', () => {
  it('ejects after 5 consecutive failures, for 30 s', () => {
    const h = new Health();
    for (let i = 0; i < 4; i++) expect(failed(h, ENVOY, 2, 1000)).toBe(0);
    expect(h.state).toBe(UP);
    expect(failed(h, ENVOY, 2, 1000)).toBe(30_000);
    expect(h).toMatchObject({ state: EJECTED, ejectedUntil: 31_000, ejections: 1, failures: 5 });
  });

  it('a success ends the run of failures', () => {
    const h = new Health();
    for (let i = 0; i < 4; i++) failed(h, ENVOY, 2, 0);
    succeeded(h);
    for (let i = 0; i < 4; i++) expect(failed(h, ENVOY, 2, 0)).toBe(0);
    expect(h).toMatchObject({ state: UP, consecutive: 4, failures: 8 });
  });

  it('each ejection lasts 30 s more than the last, capped at 300 s', () => {
    const h = new Health();
    for (let i = 0; i < 5; i++) failed(h, ENVOY, 2, 0);
    const times = [30_000];
    let now = 0;
    for (let i = 0; i < 11; i++) {
      now = h.ejectedUntil;
      times.push(probeFailed(h, ENVOY, now));
    }
    expect(times).toEqual([
      30_000, 60_000, 90_000, 120_000, 150_000, 180_000, 210_000, 240_000, 270_000, 300_000,
      300_000, 300_000,
    ]);
    expect(h.ejectedUntil).toBe(now + 300_000);
    expect(h).toMatchObject({ failures: 16, ejections: 12 }); // each failed probe is a failure
  });

  it('a successful probe brings it back; the next ejection still counts the earlier ones', () => {
    const h = new Health();
    for (let i = 0; i < 5; i++) failed(h, ENVOY, 2, 0);
    succeeded(h);
    expect(h).toMatchObject({ state: UP, ejectedUntil: 0 });
    for (let i = 0; i < 5; i++) failed(h, ENVOY, 2, 100);
    expect(h).toMatchObject({ state: EJECTED, ejectedUntil: 60_100, ejections: 2 });
  });

  it('never ejects the last healthy endpoint', () => {
    const h = new Health();
    for (let i = 0; i < 20; i++) expect(failed(h, ENVOY, 0, 0)).toBe(0);
    expect(h.state).toBe(UP);
  });

  it('a failure of an endpoint already out is counted but changes nothing else', () => {
    const h = new Health();
    for (let i = 0; i < 5; i++) failed(h, ENVOY, 2, 0);
    expect(failed(h, ENVOY, 2, 5000)).toBe(0);
    expect(h).toMatchObject({ state: EJECTED, ejectedUntil: 30_000, ejections: 1, failures: 6 });
    const d = new Health();
    draining(d, ENVOY, 0);
    for (let i = 0; i < 6; i++) expect(failed(d, ENVOY, 2, 0)).toBe(0);
    expect(d).toMatchObject({ state: DRAINING, ejectedUntil: 30_000, ejections: 0 });
  });

  it('ejectAfter 0 disables ejection', () => {
    const h = new Health();
    for (let i = 0; i < 20; i++) expect(failed(h, { ...ENVOY, failures: 0 }, 2, 0)).toBe(0);
    expect(h.state).toBe(UP);
  });

  it("a server's graceful close takes it out at once without counting a failure", () => {
    const h = new Health();
    expect(draining(h, ENVOY, 500)).toBe(30_000);
    expect(h).toMatchObject({ state: DRAINING, ejectedUntil: 30_500, failures: 0, ejections: 0 });
    expect(draining(h, ENVOY, 600)).toBe(0);
    succeeded(h);
    expect(h.state).toBe(UP);
  });
});

/** A random source that returns `values` in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

describe('pickers', () => {
  const loads = (...inFlight: number[]) => inFlight.map((n) => ({ inFlight: n }));

  it('p2c takes the one of two random candidates with fewer calls in flight', () => {
    // Draws 0 and then 1 of the remaining two (index 2).
    expect(new P2cPicker(sequence(0, 0.5)).pick(loads(5, 0, 3))).toBe(2);
    expect(new P2cPicker(sequence(0, 0.5)).pick(loads(1, 0, 3))).toBe(0);
    // Never the same candidate twice: the second draw skips the first.
    expect(new P2cPicker(sequence(0.99, 0.99)).pick(loads(9, 9, 0))).toBe(2);
    expect(new P2cPicker(sequence(0.99, 0.99)).pick(loads(9, 0, 9))).toBe(1);
    expect(new P2cPicker(sequence(0.5, 0.5)).pick(loads(4))).toBe(0);
  });

  it('p2c draws two different candidates: a second draw equal to the first takes the next one', () => {
    // Both draws 1 of 3: the second (1 of the two others) is candidate 2, not candidate 1 again.
    expect(new P2cPicker(sequence(0.5, 0.5)).pick(loads(5, 5, 0))).toBe(2);
    expect(new P2cPicker(sequence(0, 0)).pick(loads(5, 0))).toBe(1);
  });

  it('p2c gives a tie to the first drawn', () => {
    expect(new P2cPicker(sequence(0, 0.5)).pick(loads(1, 0, 1))).toBe(0);
    expect(new P2cPicker(sequence(0.99, 0)).pick(loads(2, 9, 2))).toBe(2);
  });

  it('p2c never sends everything to one endpoint: the loaded one of three loses', () => {
    const picker = new P2cPicker();
    const candidates = loads(0, 0, 0);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) {
      const k = picker.pick(candidates);
      counts[k]! += 1;
      candidates[k]!.inFlight += 1;
      if (i % 2 === 1) for (const c of candidates) c.inFlight = Math.max(0, c.inFlight - 1);
    }
    for (const n of counts) expect(n).toBeLessThan(1200);
  });

  it('round-robin takes each in turn; first takes the first', () => {
    const rr = new RoundRobinPicker();
    expect([0, 1, 2, 3].map(() => rr.pick(loads(0, 0, 0)))).toEqual([0, 1, 2, 0]);
    expect(rr.pick(loads(0, 0))).toBe(1);
    expect(new FirstPicker().pick(loads(9, 0))).toBe(0);
  });
});
