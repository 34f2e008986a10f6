import { describe, expect, it } from 'vitest';
import { createContentLengthDecoder, FramingError, frame } from '../src/index.js';
import { bytewise, record, stopping as stoppingAt } from './helpers.js';

const b = (s: string) => Buffer.from(s, 'utf8');
const cl = (json: string) => frame('content-length', json);
const noop = () => {};

describe('Content-Length decoder', () => {
  it('decodes consecutive frames in one chunk', () => {
    const r = record('content-length');
    r.push(b(cl('{"a":1}') + cl('[2]') + cl('"é"')));
    expect(r.messages()).toEqual([{ a: 1 }, [2], 'é']);
    expect(r.decoder.bufferedBytes).toBe(0);
  });

  it('decodes many frames of one all-ASCII chunk, reporting a bad one with its size', () => {
    const r = record('content-length');
    r.push(b(cl('[1]') + cl('{bad}') + cl('"\\u00e9"') + cl('[4]')));
    expect(r.events.map((e) => (e.kind === 'parse' ? `parse ${e.error.size}` : e.kind))).toEqual([
      'message',
      'parse 5',
      'message',
      'message',
    ]);
    expect(r.messages()).toEqual([[1], 'é', [4]]);
  });

  it('counts the body in bytes, not characters', () => {
    expect(cl('"é😀"')).toBe('Content-Length: 8\r\n\r\n"é😀"');
  });

  it('decodes frames fed one byte at a time, holding only the unfinished frame', () => {
    const r = record('content-length');
    const bytes = b(cl('{"s":"€😀"}') + cl('[1]'));
    for (const chunk of bytewise(bytes)) r.push(chunk);
    expect(r.messages()).toEqual([{ s: '€😀' }, [1]]);
    expect(r.decoder.bufferedBytes).toBe(0);
    expect(r.maxBuffered).toBeLessThanOrEqual(32);
  });

  it('ignores other headers and reads Content-Length in any letter case', () => {
    const r = record('content-length');
    r.push(
      b(
        'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length:  3 \r\n\r\n[1]' +
          'CONTENT-LENGTH: 3\r\nX-Other: y\r\n\r\n[2]',
      ),
    );
    expect(r.messages()).toEqual([[1], [2]]);
  });

  it('reports invalid JSON and invalid UTF-8 per frame and goes on', () => {
    const r = record('content-length');
    r.push(b(cl('{bad')));
    r.push(Buffer.concat([b('Content-Length: 3\r\n\r\n"'), Buffer.from([0xff]), b('"')]));
    r.push(b(`Content-Length: 0\r\n\r\n${cl('[3]')}`));
    expect(r.kinds()).toEqual(['json', 'utf8', 'json', 'message']);
  });

  it('skips a frame whose declared length is over the limit without holding it', () => {
    const r = record('content-length', { maxMessageBytes: 10 });
    const big = JSON.stringify('x'.repeat(100));
    for (const chunk of bytewise(b(cl('[1]') + cl(big) + cl('[2]')))) r.push(chunk);
    expect(r.events.map((e) => e.kind)).toEqual(['message', 'oversize', 'message']);
    expect(r.events[1]).toMatchObject({ size: 102, limit: 10 });
    expect(r.maxBuffered).toBeLessThanOrEqual(30);
  });

  it('accepts a body of exactly maxMessageBytes', () => {
    const r = record('content-length', { maxMessageBytes: 5 });
    r.push(b(cl('"abc"')));
    expect(r.messages()).toEqual(['abc']);
  });

  it.each([
    ['no Content-Length header', 'Content-Type: x\r\n\r\n[1]'],
    ['a non-numeric length', 'Content-Length: abc\r\n\r\n[1]'],
    ['a negative length', 'Content-Length: -1\r\n\r\n[1]'],
    ['conflicting lengths', 'Content-Length: 3\r\nContent-Length: 4\r\n\r\n[1]'],
    ['a line without a colon', 'Content-Length 3\r\n\r\n[1]'],
    ['garbage instead of a header', '{"jsonrpc":"2.0"}\r\n\r\n'],
  ])('reports %s as a framing error once and ignores later pushes', (_, text) => {
    const r = record('content-length');
    r.push(b(cl('[0]')));
    r.push(b(text));
    r.push(b(cl('[1]')));
    expect(r.events.map((e) => e.kind)).toEqual(['message', 'framing']);
    const error = (r.events[1] as { error: FramingError }).error;
    expect(error).toBeInstanceOf(FramingError);
    expect(error.code).toBe('RERPC_ERR_FRAMING');
    expect(r.decoder.bufferedBytes).toBe(0);
  });

  it('reports a header that does not end within 8 KiB, whole or in pieces', () => {
    const whole = record('content-length');
    whole.push(b(`X: ${'y'.repeat(9000)}`));
    expect(whole.events.map((e) => e.kind)).toEqual(['framing']);

    const pieces = record('content-length');
    for (let i = 0; i < 100; i++) pieces.push(b(`X-${i}: ${'y'.repeat(100)}\r\n`));
    expect(pieces.events.map((e) => e.kind)).toEqual(['framing']);
    expect(pieces.maxBuffered).toBeLessThanOrEqual(8192 + 4);
  });

  it('throws the FramingError from push() when there is no onFramingError handler', () => {
    const decoder = createContentLengthDecoder({
      onMessage: noop,
      onParseError: noop,
      onOversize: noop,
    });
    expect(() => decoder.push(b('Nope\r\n\r\n'))).toThrow(FramingError);
    expect(() => decoder.push(b(cl('[1]')))).not.toThrow();
  });

  it('stop() from a handler drops the rest of the chunk', () => {
    const seen: unknown[] = [];
    const decoder = createContentLengthDecoder({
      onMessage(value) {
        seen.push(value);
        decoder.stop();
      },
      onParseError: noop,
      onOversize: noop,
    });
    decoder.push(b(cl('1') + cl('2')));
    decoder.push(b(cl('3')));
    expect(seen).toEqual([1]);
  });

  it('discards an unfinished frame at end()', () => {
    const r = record('content-length');
    r.push(b(`${cl('[1]')}Content-Length: 10\r\n\r\n[2`));
    expect(r.decoder.bufferedBytes).toBe(2);
    r.decoder.end();
    expect(r.messages()).toEqual([[1]]);
    expect(r.decoder.bufferedBytes).toBe(0);
  });
});

// Issue 19: what mutation testing (pnpm mutation codec src/content-length.ts) found unpinned: the
// reason each framing error gives, both ends of the 8 KiB header limit on every path, and stop()
// from a handler away from the in-chunk body.

/** The detail a FramingError gives between its fixed prefix and its advice. */
function detail(error: FramingError): string {
  const prefix = 'Malformed Content-Length framing: ';
  expect(error.message.startsWith(prefix)).toBe(true);
  return error.message.slice(prefix.length, error.message.indexOf('; the stream cannot'));
}

function framingErrors(r: ReturnType<typeof record>): Array<{ detail: string; header: string }> {
  return r.events.flatMap((e) =>
    e.kind === 'framing' ? [{ detail: detail(e.error), header: e.error.header }] : [],
  );
}

/** A header block (no terminator) of exactly `size` bytes declaring a 2-byte body. */
function headerOf(size: number): string {
  const start = 'Content-Length: 2\r\nX-Pad: ';
  return start + 'y'.repeat(size - start.length);
}

describe('Content-Length framing errors say what is wrong and carry the header', () => {
  it.each([
    ['Content-Type: x', 'no Content-Length header'],
    ['Content-Length: abc', 'Content-Length must be a decimal byte count, got "abc"'],
    ['Content-Length: -1', 'Content-Length must be a decimal byte count, got "-1"'],
    [
      'Content-Length: 1234567890123456',
      'Content-Length must be a decimal byte count, got "1234567890123456"',
    ],
    ['Content-Length: 3\r\nContent-Length: 4', 'conflicting Content-Length headers (3, 4)'],
    ['Content-Length 3', 'malformed header line "Content-Length 3"'],
    ['X: 1\r\n: 2', 'malformed header line ": 2"'],
  ])('%j: %s', (header, reason) => {
    const r = record('content-length');
    r.push(b(`${header}\r\n\r\n[1]`));
    expect(framingErrors(r)).toEqual([{ detail: reason, header }]);
  });

  it('quotes at most 100 characters of a bad line or value', () => {
    const r = record('content-length');
    r.push(b(`Content-Length: ${'9'.repeat(150)}\r\n\r\n`));
    const line = record('content-length');
    line.push(b(`${'x'.repeat(150)}\r\n\r\n`));
    expect(framingErrors(r)[0]!.detail).toBe(
      `Content-Length must be a decimal byte count, got "${'9'.repeat(100)}"`,
    );
    expect(framingErrors(line)[0]!.detail).toBe(`malformed header line "${'x'.repeat(100)}"`);
  });

  it('accepts the same Content-Length twice, 15 digits, and spaces or tabs around the value', () => {
    const r = record('content-length', { maxMessageBytes: 10 });
    r.push(b('Content-Length: 3\r\ncontent-length: 3\r\n\r\n[1]'));
    r.push(b('Content-Length:\t 3\t\r\n\r\n[2]'));
    r.push(b('Content-Length: 000000000000003\r\n\r\n[3]'));
    r.push(b('Content-Length: 100000000000000\r\n\r\n'));
    expect(r.kinds()).toEqual(['message', 'message', 'message', 'oversize']);
    expect(r.messages()).toEqual([[1], [2], [3]]);
    expect(r.events[3]).toMatchObject({ size: 100_000_000_000_000, limit: 10 });
  });

  it('reports an empty body as invalid JSON of 0 bytes, with the SyntaxError, and goes on', () => {
    let parseEmpty: unknown;
    try {
      JSON.parse('');
    } catch (error) {
      parseEmpty = error;
    }
    for (const header of ['Content-Length: 0', 'X: y\r\nContent-Length: 0']) {
      const r = record('content-length');
      r.push(b(`${header}\r\n\r\n${cl('[1]')}`));
      expect(r.kinds()).toEqual(['json', 'message']);
      const error = (r.events[0] as { error: { size: number; cause: unknown } }).error;
      expect(error.size).toBe(0);
      expect(error.cause).toBeInstanceOf(SyntaxError);
      expect((error.cause as Error).message).toBe((parseEmpty as Error).message);
    }
  });

  it('reports an empty body at once, with no further bytes needed', () => {
    const r = record('content-length');
    r.push(b('Content-Length: 0\r\n\r\n'));
    expect(r.kinds()).toEqual(['json']);
    r.push(b('Content-Length: 0\r\n'));
    r.push(b('\r\n'));
    expect(r.kinds()).toEqual(['json', 'json']);
    expect(r.decoder.bufferedBytes).toBe(0);
  });

  it('skips a CRLF before a header block, and takes no other header for Content-Length', () => {
    const r = record('content-length');
    r.push(b(`\r\n${cl('[1]')}`));
    r.push(b('X-Custom-Header:5\r\n\r\n[2,3]'));
    expect(r.kinds()).toEqual(['message', 'framing']);
    expect(r.messages()).toEqual([[1]]);
    expect(framingErrors(r)).toEqual([
      { detail: 'no Content-Length header', header: 'X-Custom-Header:5' },
    ]);
  });

  it('gives each bad frame its own size in a chunk of many frames that is not all ASCII', () => {
    const r = record('content-length', { maxDepth: 1 });
    const badUtf8 = Buffer.concat([b('Content-Length: 4\r\n\r\n"'), Buffer.from([0xff]), b('é')]);
    r.push(Buffer.concat([b(cl('"é"')), badUtf8, b(cl('{bad') + cl('[[1]]') + cl('"ü"'))]));
    expect(
      r.events.map((e) => (e.kind === 'parse' ? `${e.reason} ${e.error.size}` : e.kind)),
    ).toEqual(['message', 'utf8 4', 'json 4', 'depth 5', 'message']);
  });

  it('skips an oversize frame declared among other headers, then decodes the next', () => {
    const r = record('content-length', { maxMessageBytes: 4 });
    r.push(b(`X: y\r\nContent-Length: 5\r\n\r\n[1,2]${cl('[3]')}`));
    expect(r.kinds()).toEqual(['oversize', 'message']);
    expect(r.events[0]).toMatchObject({ size: 5, limit: 4 });
    expect((r.events[0] as { error: Error }).error.message).toContain(
      '5 bytes declared by its Content-Length header',
    );
    expect(r.messages()).toEqual([[3]]);
  });
});

describe('Content-Length header limit: 8192 bytes, on every path', () => {
  const whole = (text: string) => {
    const r = record('content-length');
    r.push(b(text));
    return r;
  };
  const pieces = (text: string, size: number) => {
    const r = record('content-length');
    const bytes = b(text);
    for (let i = 0; i < bytes.length; i += size) r.push(bytes.subarray(i, i + size));
    return r;
  };

  it('a header of exactly 8192 bytes is read, whole or in pieces', () => {
    const text = `${headerOf(8192)}\r\n\r\n[]`;
    for (const r of [whole(text), pieces(text, 1000), pieces(text, 4099)]) {
      expect(r.events).toEqual([{ kind: 'message', value: [] }]);
      expect(r.decoder.bufferedBytes).toBe(0);
    }
  });

  it('a header of 8193 bytes is refused, whole or in pieces, quoting its first 200 bytes', () => {
    const text = `${headerOf(8193)}\r\n\r\n[]`;
    // Held in pieces, the decoder keeps no more than 8196 bytes: the end is never seen.
    const cases = [
      [whole(text), 'header longer than 8192 bytes'],
      [pieces(text, 8197), 'header longer than 8192 bytes'],
      [pieces(text, 1000), 'no header end (\\r\\n\\r\\n) within 8192 bytes'],
    ] as const;
    for (const [r, reason] of cases) {
      expect(framingErrors(r)).toEqual([{ detail: reason, header: headerOf(200) }]);
      expect(r.decoder.bufferedBytes).toBe(0);
    }
  });

  it('holds an unfinished header in memory sized to it, not to the 8 KiB limit', () => {
    // 1000 connections each holding 11 bytes of a header: about 64 bytes each, not 8 KiB each.
    const held: unknown[] = [];
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 1000; i++) held.push(pieces('Content-Len', 11));
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(held).toHaveLength(1000);
    expect(grown).toBeLessThan(1024 * 1024);
  });

  it('waits for the end of a header while it may still fit: 8192 bytes and the first 3 of \\r\\n\\r\\n', () => {
    for (const r of [whole(`${headerOf(8192)}\r\n\r`), pieces(`${headerOf(8192)}\r\n\r`, 1000)]) {
      expect(r.events).toEqual([]);
      expect(r.decoder.bufferedBytes).toBe(8195);
      r.push(b('\n[]'));
      expect(r.events).toEqual([{ kind: 'message', value: [] }]);
    }
  });

  it('gives up on a header with no end once it passes 8195 bytes', () => {
    for (const r of [whole(headerOf(8196)), pieces(headerOf(8196), 1000)]) {
      expect(framingErrors(r)).toEqual([
        { detail: 'no header end (\\r\\n\\r\\n) within 8192 bytes', header: headerOf(200) },
      ]);
      expect(r.decoder.bufferedBytes).toBe(0);
    }
  });

  it('finds a header end split across chunks at any point, then the body in the same chunk', () => {
    const text = `Content-Length: 3\r\nX: y\r\n\r\n[1]${cl('[2]')}`;
    const end = text.indexOf('\r\n\r\n');
    for (let cut = 1; cut < end + 4; cut++) {
      const r = record('content-length');
      r.push(b(text.slice(0, cut)));
      r.push(b(text.slice(cut)));
      expect(r.messages(), `cut at ${cut}`).toEqual([[1], [2]]);
      expect(r.decoder.bufferedBytes).toBe(0);
    }
  });
  it("counts a header's 8192 bytes from its own start, not from the chunk's", () => {
    // The second header starts 9,000 bytes into the chunk, whole or cut before its end.
    const first = cl(JSON.stringify('x'.repeat(9000)));
    const second = `X: y\r\n${cl('[1]')}`;
    for (const cut of [second.length, 12]) {
      const r = record('content-length');
      r.push(b(first + second.slice(0, cut)));
      r.push(b(second.slice(cut)));
      expect(r.messages(), `cut at ${cut}`).toEqual(['x'.repeat(9000), [1]]);
    }
  });
});

describe('Content-Length: stop() from a handler ends decoding on every path', () => {
  const stopping = (stopAt: string, options?: { maxMessageBytes: number }) =>
    stoppingAt('content-length', stopAt, options);

  it('when a body split across chunks completes', () => {
    const { decoder, seen } = stopping('[1]');
    decoder.push(b('Content-Length: 3\r\n\r\n[1'));
    decoder.push(b(`]${cl('[2]')}`));
    decoder.push(b(cl('[3]')));
    expect(seen).toEqual(['[1]']);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('at a bad frame, and at an oversize one', () => {
    const bad = stopping('json');
    bad.decoder.push(b(cl('{') + cl('[2]')));
    expect(bad.seen).toEqual(['json']);
    const big = stopping('oversize', { maxMessageBytes: 2 });
    big.decoder.push(b(cl('[1]') + cl('2')));
    big.decoder.push(b(cl('3')));
    expect(big.seen).toEqual(['oversize']);
  });

  it('end() drops a held header too, and later pushes are ignored', () => {
    const r = record('content-length');
    r.push(b('Content-Len'));
    expect(r.decoder.bufferedBytes).toBe(11);
    r.decoder.end();
    expect(r.decoder.bufferedBytes).toBe(0);
    r.push(b(cl('[1]')));
    expect(r.events).toEqual([]);
  });
});

describe('Content-Length: the usual header, read in one step, means what it means on the general path', () => {
  // `Content-Length: <digits>\r\n\r\n` is read byte by byte; anything else in that spot must get
  // the general parser's answer, not a length misread from it.
  it.each([
    ['Content-Length: \r\n\r\n[1]', 'Content-Length must be a decimal byte count, got ""'],
    ['Content-Length: +3\r\n\r\n[1]', 'Content-Length must be a decimal byte count, got "+3"'],
  ])('refuses %j as the general parser does', (text, reason) => {
    const r = record('content-length');
    r.push(b(text));
    expect(framingErrors(r).map((e) => e.detail)).toEqual([reason]);
  });

  it.each(['Content-Length: 2\n\n\n\n[]', 'Content-Length: 2\n\n\r\n[]'])(
    'takes no LF-only line ends for the end of a header: %j waits for \\r\\n\\r\\n',
    (text) => {
      const r = record('content-length');
      r.push(b(text));
      expect(r.events).toEqual([]);
      expect(r.decoder.bufferedBytes).toBe(text.length);
    },
  );

  it.each([
    [0, 'Content-Length: 2X\n'],
    [1, 'Content-Length: 2\rX'],
    [2, 'X\n[]Content-Length: 3'],
    [3, '\rX[]Content-Length: 3'],
  ])(
    'refuses a header whose \\r\\n\\r\\n has byte %i changed, whole or byte by byte',
    (k, line) => {
      const bytes = b(`Content-Length: 2\r\n\r\n[]${cl('[1]')}`);
      bytes[17 + k] = 0x58; // 'X'
      const whole = record('content-length');
      whole.push(bytes);
      const pieces = record('content-length');
      for (const chunk of bytewise(bytes)) pieces.push(chunk);
      for (const r of [whole, pieces]) {
        expect(framingErrors(r).map((e) => e.detail)).toEqual([
          `malformed header line ${JSON.stringify(line)}`,
        ]);
        expect(r.events).toHaveLength(1);
      }
    },
  );

  it('reports a whitespace-only body as invalid JSON (it is no blank line) wherever it lies', () => {
    const r = record('content-length');
    // In an all-ASCII chunk before another frame, at the end of a chunk, and split across two.
    r.push(b(`Content-Length: 2\r\n\r\n  ${cl('[1]')}`));
    r.push(b('Content-Length: 2\r\n\r\n\r\n'));
    r.push(b('Content-Length: 2\r\n\r\n\t'));
    r.push(b(' '));
    expect(
      r.events.map((e) => (e.kind === 'parse' ? `${e.reason} ${e.error.size}` : e.kind)),
    ).toEqual(['json 2', 'message', 'json 2', 'json 2']);
  });
});
