import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceedsDepth, type Framing, frame } from '../src/index.js';
import { record, viaJson } from './helpers.js';

// Strings made to fool a scanner: brackets, quotes, backslashes (so `\"` and `\\` escapes), and
// long enough (up to 80) to take the scanner's jump through long strings.
const tricky = fc.oneof(
  fc.string({
    unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', ' ', ':', ',', 'é', '😀'),
    maxLength: 20,
  }),
  // Mostly opening brackets: counted by mistake, they change the depth found.
  fc.string({ unit: fc.constantFrom('[', '{', '"', '\\', 'a'), minLength: 20, maxLength: 100 }),
);
const { node } = fc.letrec<{ node: unknown; array: unknown[]; object: Record<string, unknown> }>(
  (tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(tricky, fc.integer(), fc.boolean(), fc.constant(null)),
      tie('array'),
      tie('object'),
    ),
    array: fc.array(tie('node'), { maxLength: 4 }),
    object: fc.dictionary(tricky, tie('node'), { maxKeys: 4 }),
  }),
);
/** A random value, sometimes wrapped in a chain of arrays and objects to go deeper. */
const value = fc
  .tuple(node, fc.array(fc.oneof(fc.constant(null), tricky), { maxLength: 12 }))
  .map(([v, chain]) =>
    chain.reduce<unknown>((inner, key) => (key === null ? [inner] : { [key]: inner }), v),
  );
const cuts = fc.array(fc.nat({ max: 4096 }), { maxLength: 24 });
const FRAMINGS: Framing[] = ['ndjson', 'content-length'];

/** The real nesting depth of a JSON value: each array or object is one level. */
function depth(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depth));
  if (typeof v === 'object' && v !== null) return 1 + Math.max(0, ...Object.values(v).map(depth));
  return 0;
}

describe('exceedsDepth properties', () => {
  it('finds the real depth of any JSON text: brackets and escapes in strings do not fool it', () => {
    fc.assert(
      fc.property(value, fc.boolean(), (v, pretty) => {
        const text = pretty ? JSON.stringify(v, null, 2) : JSON.stringify(v);
        const bytes = Buffer.from(text);
        const d = depth(v);
        for (let max = 1; max <= d + 1; max++) {
          expect(exceedsDepth(text, max)).toBe(d > max);
          expect(exceedsDepth(bytes, max)).toBe(d > max);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe.each(FRAMINGS)('%s decoder maxDepth properties', (framing) => {
  it('refuses exactly the frames deeper than maxDepth, however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 8 }),
        cuts,
        (values, maxDepth, at) => {
          const bytes = Buffer.from(values.map((v) => frame(framing, JSON.stringify(v))).join(''));
          const r = record(framing, { maxDepth });
          r.pushSplit(bytes, at);
          expect(r.kinds()).toEqual(values.map((v) => (depth(v) > maxDepth ? 'depth' : 'message')));
          expect(r.messages()).toEqual(values.filter((v) => depth(v) <= maxDepth).map(viaJson));
          expect(r.decoder.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
