import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Framing, frame } from '../src/index.js';
import { bytewise, record, split, viaJson } from './helpers.js';

// Strings of any code unit (lone surrogates included) and characters of 1 to 4 UTF-8 bytes.
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom('a', '"', '\\', '\n', '\r', '\u0000', 'é', '€', '😀', '\u2028'),
    maxLength: 12,
  }),
);
const json = fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' });
const messages = fc.array(fc.oneof(json, text), { minLength: 1, maxLength: 8 });
const cuts = fc.array(fc.nat({ max: 4096 }), { maxLength: 24 });
const FRAMINGS: Framing[] = ['ndjson', 'content-length'];

/** NDJSON with a random line end (LF or CRLF) and random blank lines before each message. */
function ndjsonStream(values: unknown[], seps: boolean[], blanks: number[]): Buffer {
  let out = '';
  values.forEach((v, i) => {
    out += ['\n', '\r\n', '  \n'][(blanks[i] ?? 0) % 3]!.repeat(Math.floor((blanks[i] ?? 0) / 3));
    out += JSON.stringify(v) + (seps[i] ? '\r\n' : '\n');
  });
  return Buffer.from(out, 'utf8');
}

function stream(framing: Framing, values: unknown[]): Buffer {
  return Buffer.from(values.map((v) => frame(framing, JSON.stringify(v))).join(''), 'utf8');
}

describe.each(FRAMINGS)('%s framing properties', (framing) => {
  it('decodes the same messages however the stream is split', () => {
    fc.assert(
      fc.property(messages, cuts, (values, at) => {
        const bytes = stream(framing, values);
        const r = record(framing);
        r.pushSplit(bytes, at);
        expect(r.events.every((e) => e.kind === 'message')).toBe(true);
        expect(r.messages()).toEqual(values.map(viaJson));
        expect(r.decoder.bufferedBytes).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('decodes the same messages when fed one byte at a time', () => {
    fc.assert(
      fc.property(messages, (values) => {
        const r = record(framing);
        for (const chunk of bytewise(stream(framing, values))) r.push(chunk);
        expect(r.messages()).toEqual(values.map(viaJson));
        expect(r.decoder.bufferedBytes).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it('decodes the same messages when large pieces (kept as views) and small ones (copied) mix', () => {
    // Each piece is copied into a Buffer of its own, as socket reads arrive, so a piece of 4 KiB or
    // more fills its ArrayBuffer and is held as a view; smaller ones are copied into owned blocks.
    const big = fc.array(fc.oneof(json, fc.string({ minLength: 3000, maxLength: 20_000 })), {
      minLength: 1,
      maxLength: 6,
    });
    const wide = fc.array(fc.nat({ max: 120_000 }), { maxLength: 24 });
    fc.assert(
      fc.property(big, wide, (values, at) => {
        const bytes = stream(framing, values);
        const r = record(framing);
        for (const piece of split(bytes, at)) r.push(Buffer.from(piece));
        expect(r.messages()).toEqual(values.map(viaJson));
        expect(r.decoder.bufferedBytes).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('skips every frame over the limit, keeps the others, and never holds more than the limit', () => {
    const limit = 40;
    const sized = fc.array(fc.oneof(json, fc.string({ minLength: 41, maxLength: 120 })), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(sized, cuts, (values, at) => {
        const bytes = stream(framing, values);
        const r = record(framing, { maxMessageBytes: limit });
        r.pushSplit(bytes, at);
        const expected = values.map((v) =>
          Buffer.byteLength(JSON.stringify(v)) > limit ? 'oversize' : 'message',
        );
        expect(r.events.map((e) => e.kind)).toEqual(expected);
        for (const e of r.events) if (e.kind === 'oversize') expect(e.size).toBeGreaterThan(limit);
        expect(r.messages()).toEqual(
          values.filter((v) => Buffer.byteLength(JSON.stringify(v)) <= limit).map(viaJson),
        );
        // Content-Length may also hold up to a header's bytes.
        expect(r.maxBuffered).toBeLessThanOrEqual(limit + (framing === 'ndjson' ? 1 : 30));
      }),
      { numRuns: 150 },
    );
  });
});

describe('ndjson framing properties', () => {
  it('accepts LF and CRLF line ends and blank lines anywhere, however split', () => {
    fc.assert(
      fc.property(
        messages,
        fc.array(fc.boolean(), { maxLength: 8 }),
        fc.array(fc.nat({ max: 9 }), { maxLength: 8 }),
        cuts,
        (values, seps, blanks, at) => {
          const bytes = ndjsonStream(values, seps, blanks);
          const r = record('ndjson');
          r.pushSplit(bytes, at);
          expect(r.events.every((e) => e.kind === 'message')).toBe(true);
          expect(r.messages()).toEqual(values.map(viaJson));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports garbage lines between valid frames one by one and decodes the rest', () => {
    const invalidJson = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
      .map((s) => s.replace(/[\r\n]/g, ' '))
      .filter((s) => s.trim() !== '' && !parses(s));
    // Byte sequences no UTF-8 decoder may accept: stray continuation, truncated sequences,
    // overlong encodings, encoded surrogates, bytes above U+10FFFF.
    const badUtf8 = fc.constantFrom(
      [0x80],
      [0xc3],
      [0xe2, 0x82],
      [0xf0, 0x9f, 0x98],
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xff],
    );
    type Item =
      | { kind: 'message'; value: unknown }
      | { kind: 'json'; text: string }
      | { kind: 'utf8'; bytes: readonly number[] };
    const item: fc.Arbitrary<Item> = fc.oneof(
      json.map((value) => ({ kind: 'message' as const, value })),
      invalidJson.map((text) => ({ kind: 'json' as const, text })),
      badUtf8.map((bytes) => ({ kind: 'utf8' as const, bytes })),
    );
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 10 }), cuts, (items, at) => {
        const bytes = Buffer.concat(
          items.map((it) =>
            it.kind === 'message'
              ? Buffer.from(`${JSON.stringify(it.value)}\n`)
              : it.kind === 'json'
                ? Buffer.from(`${it.text}\n`)
                : Buffer.concat([
                    Buffer.from('{"s":"'),
                    Buffer.from(it.bytes),
                    Buffer.from('"}\n'),
                  ]),
          ),
        );
        const r = record('ndjson');
        r.pushSplit(bytes, at);
        expect(r.kinds()).toEqual(items.map((it) => it.kind));
        expect(r.messages()).toEqual(
          items.flatMap((it) => (it.kind === 'message' ? [viaJson(it.value)] : [])),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('decodes a final line without a newline at end(), however split', () => {
    fc.assert(
      fc.property(messages, cuts, (values, at) => {
        const bytes = Buffer.from(values.map((v) => JSON.stringify(v)).join('\n'), 'utf8');
        const r = record('ndjson');
        r.pushSplit(bytes, at);
        r.decoder.end();
        expect(r.messages()).toEqual(values.map(viaJson));
      }),
      { numRuns: 100 },
    );
  });
});

function parses(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
