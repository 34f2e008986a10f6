/**
 * A fixed-bucket log-linear latency histogram in microseconds: exact below 32 µs, then 16 buckets
 * per power of two (at most 1/16 relative error) up to 2^31 µs (~36 min; larger values count in
 * the last bucket). Recording is a `Math.clz32` and an array increment: 1.9 ns against 16 ns for
 * hdr-histogram-js's `recordValue` (apps/bench `server` suite, Node 20), and it never allocates.
 */
export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private maxValue = 0;

  /** Records `count` samples of `micros` microseconds. */
  record(micros: number, count: number): void {
    const v = micros < 1 ? 0 : micros >= LIMIT ? LIMIT - 1 : micros | 0;
    this.counts[indexOf(v)]! += count;
    this.total += count;
    if (v > this.maxValue) this.maxValue = v;
  }

  get count(): number {
    return this.total;
  }

  /** The largest recorded value, µs. */
  get max(): number {
    return this.maxValue;
  }

  /** The value at quantile `q` (0..1), µs: the midpoint of the bucket holding it; 0 when empty. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    const counts = this.counts;
    for (let i = 0; i < BUCKETS; i++) {
      seen += counts[i]!;
      if (seen >= rank) return Math.min(midpoint(i), this.maxValue);
    }
    return this.maxValue;
  }
}

const SUB = 16;
const EXACT = 32;
const LIMIT = 2 ** 31;
// Values 0..31 map to themselves; v >= 32 with e = floor(log2 v) maps to (e - 4) * 16 + 16 + sub.
const BUCKETS = (31 - 4) * SUB + EXACT;

function indexOf(v: number): number {
  if (v < EXACT) return v;
  const e = 31 - Math.clz32(v);
  return (e - 4) * SUB + EXACT - SUB + ((v >>> (e - 4)) & (SUB - 1));
}

function midpoint(index: number): number {
  if (index < EXACT) return index;
  const e = ((index - (EXACT - SUB)) >>> 4) + 4;
  const sub = (index - (EXACT - SUB)) & (SUB - 1);
  const width = 2 ** (e - 4);
  return (SUB + sub) * width + width / 2;
}
