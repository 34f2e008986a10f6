// Issue 11 (codec part): drip-fed frames must not pin the peer's read buffers, frames nested
// deeper than maxDepth are refused before JSON.parse. Its option mistakes are in options.test.ts.
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { optionErrorLike } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, exceedsDepth, type FrameDecoder, type Framing, frame } from '../src/index.js';
import { record } from './helpers.js';

const FRAMINGS: Framing[] = ['ndjson', 'content-length'];
const noop = () => {};
const _handlers = { onMessage: noop, onParseError: noop, onOversize: noop };

/** `globalThis.gc`, which vitest.config.ts exposes with `--expose-gc`. */
function gc(): () => void {
  const fn = (globalThis as { gc?: () => void }).gc;
  if (typeof fn !== 'function') throw new Error('run the codec tests with --expose-gc');
  return fn;
}

/**
 * Pushes each byte of `bytes` as a one-byte view of its own `sourceBytes`-byte Buffer (as a socket
 * read hands out) and returns weak references to those sources. A plain function, so that no
 * suspended async frame of the test keeps the last source alive.
 */
function dripFrom(push: (chunk: Buffer) => void, bytes: Buffer, sourceBytes: number) {
  const refs: WeakRef<ArrayBuffer>[] = [];
  const at = sourceBytes - 1;
  for (const byte of bytes) {
    const source = Buffer.allocUnsafeSlow(sourceBytes);
    source[at] = byte;
    refs.push(new WeakRef(source.buffer));
    push(source.subarray(at, at + 1));
  }
  return refs;
}

/** Pushes a copy of `bytes` in a Buffer of its own; returns a weak reference to it. */
function pushOwned(push: (chunk: Buffer) => void, bytes: Buffer) {
  const chunk = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(chunk);
  push(chunk);
  return new WeakRef(chunk.buffer);
}

/** How many of `refs` are still alive after a full collection (WeakRefs hold until the job ends). */
async function alive(refs: WeakRef<object>[]): Promise<number> {
  await nextMacrotask();
  gc()();
  return refs.filter((r) => r.deref() !== undefined).length;
}

describe('drip-fed frames (issue 11): held bytes do not pin the buffers they came from', () => {
  // 1-byte sources (one per read, as net gives) and 64 KiB ones (a 1-byte view of a large read
  // buffer): the frame's 200 'a's arrive one byte per source.
  const dripped = {
    ndjson: { head: '{"jsonrpc":"2.0","params":"', held: 227, tail: '"}\n' },
    'content-length': { head: 'Content-Length: 202\r\n\r\n"', held: 201, tail: '"' },
  } as const;
  const message = (framing: Framing) =>
    framing === 'ndjson' ? { jsonrpc: '2.0', params: 'a'.repeat(200) } : 'a'.repeat(200);

  it.each(FRAMINGS.flatMap((framing) => [1, 65_536].map((size) => [framing, size] as const)))(
    '%s: a split frame fed from %i-byte buffers keeps none of them',
    async (framing, size) => {
      const { head, held, tail } = dripped[framing];
      const r = record(framing);
      r.push(Buffer.from(head));
      const refs = dripFrom((c) => r.push(c), Buffer.alloc(200, 'a'), size);
      expect(r.decoder.bufferedBytes).toBe(held);
      expect(await alive(refs)).toBe(0);
      r.push(Buffer.from(tail));
      expect(r.messages()).toEqual([message(framing)]);
      expect(r.decoder.bufferedBytes).toBe(0);
    },
  );

  it('Content-Length: a header fed byte by byte keeps none of the buffers it came from', async () => {
    const r = record('content-length');
    const refs = dripFrom((c) => r.push(c), Buffer.from('Content-Length: 2\r\n\r'), 65_536);
    expect(r.decoder.bufferedBytes).toBe(20);
    expect(await alive(refs)).toBe(0);
    r.push(Buffer.from('\n42'));
    expect(r.messages()).toEqual([42]);
  });

  it.each(FRAMINGS)(
    '%s: the small tail after complete frames does not keep its chunk',
    async (framing) => {
      const r = record(framing);
      const line = frame(framing, JSON.stringify({ jsonrpc: '2.0', method: 'm', id: 1 }));
      const whole = Buffer.from(line.repeat(2000) + frame(framing, '[1,2,3]').slice(0, -2));
      const ref = pushOwned((c) => r.push(c), whole);
      expect(r.messages()).toHaveLength(2000);
      expect(r.decoder.bufferedBytes).toBeGreaterThan(0);
      expect(await alive([ref])).toBe(0);
      r.push(Buffer.from(framing === 'ndjson' ? ']\n' : '3]'));
      expect(r.messages()).toHaveLength(2001);
    },
  );

  it.each(FRAMINGS)(
    '%s: a 16 KiB tail filling a quarter of its 64 KiB chunk is copied, not kept with the chunk',
    async (framing) => {
      // Kept as a view, 16 KiB held would pin 64 KiB: four times the bytes, over the promised bound.
      const r = record(framing);
      const first = frame(framing, JSON.stringify('x'.repeat(49_000)));
      const second = frame(framing, JSON.stringify('y'.repeat(30_000)));
      const cut = 65_536 - first.length;
      const ref = pushOwned((c) => r.push(c), Buffer.from(first + second.slice(0, cut)));
      expect(r.decoder.bufferedBytes).toBeGreaterThanOrEqual(16_000);
      expect(await alive([ref])).toBe(0);
      r.push(Buffer.from(second.slice(cut)));
      expect(r.messages()).toEqual(['x'.repeat(49_000), 'y'.repeat(30_000)]);
    },
  );

  it.each(FRAMINGS)(
    '%s: an unfinished frame fed in small pieces holds memory about its size, not the limit',
    (framing) => {
      // 200 connections each 5000 bytes into a frame that may grow to 1 MiB: owned blocks grow
      // with the bytes held (under ~1.5x plus 64), never to what the frame may still need.
      const head = framing === 'ndjson' ? '"' : `Content-Length: ${1 << 20}\r\n\r\n"`;
      const body = Buffer.alloc(5000, 'a');
      const pieces = [Buffer.from(head)];
      // Pieces of 10 and 90 bytes in turn: some fill a block and start the next one.
      for (let at = 0; at < body.length; at += 100) {
        pieces.push(body.subarray(at, at + 10), body.subarray(at + 10, at + 100));
      }
      const held: FrameDecoder[] = [];
      const before = process.memoryUsage().arrayBuffers;
      for (let i = 0; i < 200; i++) {
        const r = record(framing, { maxMessageBytes: 1 << 20 });
        for (const piece of pieces) r.push(piece);
        held.push(r.decoder);
      }
      const grown = process.memoryUsage().arrayBuffers - before;
      expect(held.every((d) => d.bufferedBytes === 5001)).toBe(true);
      // 1 MB held; 1 MiB per connection would be 200 MiB.
      expect(grown).toBeLessThan(4 * 1024 * 1024);
    },
  );

  it.each(FRAMINGS)(
    '%s: a large frame split across socket-sized chunks is still decoded once',
    (framing) => {
      const value = { jsonrpc: '2.0', result: 'x'.repeat(300_000), id: 1 };
      const bytes = Buffer.from(frame(framing, JSON.stringify(value)));
      const r = record(framing);
      for (let at = 0; at < bytes.length; at += 65_536) {
        r.push(Buffer.from(bytes.subarray(at, at + 65_536)));
      }
      expect(r.messages()).toEqual([value]);
      expect(r.decoder.bufferedBytes).toBe(0);
    },
  );
});

/** `[[[…]]]`: `levels` nested arrays around 0. */
const nested = (levels: number) => `${'['.repeat(levels)}0${']'.repeat(levels)}`;

describe('maxDepth (issue 11): frames nested too deep are refused before JSON.parse', () => {
  it('defaults to 128', () => {
    expect(DEFAULTS.maxDepth).toBe(128);
  });

  it.each(FRAMINGS)(
    '%s: a frame at the default depth decodes; one level more is a depth error, and decoding goes on',
    (framing) => {
      const r = record(framing);
      r.push(
        Buffer.from([nested(128), nested(129), '{"id":2}'].map((t) => frame(framing, t)).join('')),
      );
      expect(r.events.map((e) => (e.kind === 'parse' ? `parse:${e.reason}` : e.kind))).toEqual([
        'message',
        'parse:depth',
        'message',
      ]);
      const error = r.events[1]!.kind === 'parse' ? r.events[1]!.error : null;
      expect(error).toMatchObject({ code: 'RERPC_ERR_FRAME_PARSE', reason: 'depth', size: 259 });
      expect(error!.message).toContain('deeper than maxDepth (128)');
      expect(error!.message).toContain('-32600');
    },
  );

  it.each(FRAMINGS)(
    '%s: a 1 MB frame of 520,000 nested arrays is refused (split or whole)',
    (framing) => {
      const deep = Buffer.from(frame(framing, nested(520_000)) + frame(framing, '"next"'));
      for (const size of [deep.length, 65_536]) {
        const r = record(framing, { maxMessageBytes: 2_000_000 });
        for (let at = 0; at < deep.length; at += size) r.push(deep.subarray(at, at + size));
        expect(r.kinds()).toEqual(['depth', 'message']);
        expect(r.messages()).toEqual(['next']);
      }
    },
  );

  it('counts objects and arrays alike: {"jsonrpc":..,"params":[..]} is depth 2', () => {
    const request = '{"jsonrpc":"2.0","method":"m","params":[1,{"a":[]}],"id":1}';
    expect(exceedsDepth(request, 4)).toBe(false);
    expect(exceedsDepth(request, 3)).toBe(true);
    const r = record('ndjson', { maxDepth: 2 });
    r.push(Buffer.from(`{"jsonrpc":"2.0","params":[1,2],"id":1}\n${request}\n`));
    expect(r.kinds()).toEqual(['message', 'depth']);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const tricky = JSON.stringify(['[[[[{{{{', 'a\\"[[[[', '\\\\', `${'x'.repeat(40)}\\"[[[[`]);
    expect(exceedsDepth(tricky, 1)).toBe(false);
    expect(exceedsDepth(Buffer.from(tricky), 1)).toBe(false);
    expect(exceedsDepth(`["\\\\",[[0]]]`, 2)).toBe(true);
    const r = record('ndjson', { maxDepth: 1 });
    r.push(Buffer.from(`${tricky}\n`));
    expect(r.messages()).toEqual([JSON.parse(tricky)]);
  });

  it('a text cut off inside a string is not deep: the decoders report it as invalid JSON', () => {
    // Issue 19: brackets before the cut count, the unfinished string does not.
    const cut = ['"abc', `"${'a'.repeat(50)}`, `"${'a'.repeat(50)}\\"[[[`, '"abc\\'].map(
      (tail) => `[[],[],${tail}`,
    );
    for (const text of cut) {
      expect(exceedsDepth(text, 2), text).toBe(false);
      expect(exceedsDepth(Buffer.from(text), 2), text).toBe(false);
      expect(exceedsDepth(text, 1), text).toBe(true);
    }
    for (const framing of FRAMINGS) {
      const r = record(framing, { maxDepth: 2 });
      r.push(Buffer.from(cut.map((text) => frame(framing, text)).join('')));
      expect(r.kinds()).toEqual(['json', 'json', 'json', 'json']);
    }
  });

  it('a decoder passed options equal to the defaults, or none, behaves the same', () => {
    const r = record('ndjson', { maxDepth: 128, maxMessageBytes: 1_048_576 });
    r.push(Buffer.from(`${nested(129)}\n1\n`));
    expect(r.kinds()).toEqual(['depth', 'message']);
  });

  it('exceedsDepth takes a string or UTF-8 bytes and checks its arguments', () => {
    expect(exceedsDepth(nested(3), 3)).toBe(false);
    expect(exceedsDepth(new TextEncoder().encode(nested(4)), 3)).toBe(true);
    expect(exceedsDepth('', 1)).toBe(false);
    for (const bad of [0, 1.5, -1, Number.NaN, '2', undefined]) {
      expect(() => exceedsDepth('[]', bad as number)).toThrow(
        optionErrorLike(/^maxDepth must be an integer >= 1, got /),
      );
    }
    expect(() => exceedsDepth(42 as never, 1)).toThrow(
      optionErrorLike('input must be a string or a Uint8Array, got 42'),
    );
  });
});
