import { describe, expect, it } from 'vitest';
import { createNdjsonDecoder, FrameParseError, FrameTooLargeError } from '../src/index.js';
import { bytewise, record } from './helpers.js';

const b = (s: string) => Buffer.from(s, 'utf8');

describe('NDJSON decoder', () => {
  it('decodes one message per line, in order', () => {
    const r = record('ndjson');
    r.push(b('{"a":1}\n[2]\n"three"\n4\nnull\n'));
    expect(r.messages()).toEqual([{ a: 1 }, [2], 'three', 4, null]);
    expect(r.decoder.bufferedBytes).toBe(0);
  });

  it('accepts CRLF line ends and skips empty and whitespace-only lines', () => {
    const r = record('ndjson');
    r.push(b('\n\r\n{"a":1}\r\n  \t \n\r\n[2]\n\n'));
    expect(r.events).toEqual([
      { kind: 'message', value: { a: 1 } },
      { kind: 'message', value: [2] },
    ]);
  });

  it('joins a line split across chunks and holds only its unfinished bytes', () => {
    const r = record('ndjson');
    r.push(b('{"a":1}\n{"b":'));
    expect(r.decoder.bufferedBytes).toBe(5);
    r.push(b('"x'));
    expect(r.decoder.bufferedBytes).toBe(7);
    r.push(b('y"}\n'));
    expect(r.messages()).toEqual([{ a: 1 }, { b: 'xy' }]);
    expect(r.decoder.bufferedBytes).toBe(0);
  });

  it('takes a CR at the end of one chunk and the LF at the start of the next as one line end', () => {
    const r = record('ndjson');
    r.push(b('[1]\r'));
    r.push(b('\n[2]\r\n'));
    expect(r.messages()).toEqual([[1], [2]]);
    expect(r.events).toHaveLength(2);
  });

  it('decodes a multi-byte character split at every byte', () => {
    const text = '{"s":"é€😀"}\n';
    const r = record('ndjson');
    for (const chunk of bytewise(b(text))) r.push(chunk);
    expect(r.messages()).toEqual([{ s: 'é€😀' }]);
  });

  it('reports invalid JSON as a json parse error with the SyntaxError as cause, and goes on', () => {
    const r = record('ndjson');
    r.push(b('{bad json\n[1]\n'));
    expect(r.events[0]).toMatchObject({ kind: 'parse', reason: 'json' });
    const error = (r.events[0] as { error: FrameParseError }).error;
    expect(error).toBeInstanceOf(FrameParseError);
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(error.size).toBe(9);
    expect(r.messages()).toEqual([[1]]);
  });

  it('reports invalid UTF-8 as a utf8 parse error, even inside a JSON string, and goes on', () => {
    const r = record('ndjson');
    r.push(Buffer.concat([b('"a'), Buffer.from([0xc3]), b('b"\n'), b('[1]\n')]));
    r.push(Buffer.concat([Buffer.from([0xed, 0xa0, 0x80]), b('\n[2]\n')]));
    expect(r.kinds()).toEqual(['utf8', 'message', 'utf8', 'message']);
  });

  it('passes a real U+FFFD character through as data, not as a UTF-8 error', () => {
    const r = record('ndjson');
    r.push(b('"\uFFFD"\n[1]\n"a\uFFFDb"\n'));
    expect(r.events.map((e) => e.kind)).toEqual(['message', 'message', 'message']);
    expect(r.messages()).toEqual(['\uFFFD', [1], 'a\uFFFDb']);
  });

  it('tells a bad line from a real U+FFFD on the next line of the same chunk', () => {
    const r = record('ndjson');
    r.push(Buffer.concat([b('"\uFFFD"\n"'), Buffer.from([0xfe]), b('"\n{bad\n[2]\n')]));
    expect(r.kinds()).toEqual(['message', 'utf8', 'json', 'message']);
  });

  it('decodes an unterminated final line at end()', () => {
    const r = record('ndjson');
    r.push(b('[1]\n{"a"'));
    r.push(b(':2}\r'));
    r.decoder.end();
    expect(r.messages()).toEqual([[1], { a: 2 }]);
    expect(r.decoder.bufferedBytes).toBe(0);
  });

  it('ignores pushes after end()', () => {
    const r = record('ndjson');
    r.decoder.end();
    r.push(b('[1]\n'));
    expect(r.events).toEqual([]);
  });

  it('stop() from a handler drops the rest of the chunk and every later push', () => {
    const seen: unknown[] = [];
    const decoder = createNdjsonDecoder({
      onMessage(value) {
        seen.push(value);
        if (value === 2) decoder.stop();
      },
      onParseError: () => {},
      onOversize: () => {},
    });
    decoder.push(b('1\n2\n3\n4'));
    decoder.push(b('\n5\n'));
    decoder.end();
    expect(seen).toEqual([1, 2]);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('lets an exception from onMessage propagate out of push()', () => {
    const decoder = createNdjsonDecoder({
      onMessage() {
        throw new Error('handler failed');
      },
      onParseError: () => {},
      onOversize: () => {},
    });
    expect(() => decoder.push(b('1\n'))).toThrow('handler failed');
  });

  describe('maxMessageBytes', () => {
    it('accepts a line of exactly maxMessageBytes, with LF or CRLF, whole or split', () => {
      const r = record('ndjson', { maxMessageBytes: 5 });
      r.push(b('"abc"\n"def"\r\n"gh'));
      r.push(b('i"\r'));
      r.push(b('\n'));
      expect(r.messages()).toEqual(['abc', 'def', 'ghi']);
    });

    it('accepts a line of exactly maxMessageBytes whose CR ends a large chunk, the LF next', () => {
      // The 5,001 bytes fill their own Buffer, so the decoder keeps them as they are (no copy).
      const r = record('ndjson', { maxMessageBytes: 5000 });
      const line = JSON.stringify('x'.repeat(4998));
      r.push(b(`${line}\r`));
      r.push(b('\n'));
      expect(r.kinds()).toEqual(['message']);
      expect(r.messages()).toEqual(['x'.repeat(4998)]);
    });

    it('reports a too-long line inside one chunk with its size, and goes on', () => {
      const r = record('ndjson', { maxMessageBytes: 5 });
      r.push(b('"abcd"\n[1]\n'));
      expect(r.events[0]).toMatchObject({ kind: 'oversize', size: 6, limit: 5 });
      expect((r.events[0] as { error: unknown }).error).toBeInstanceOf(FrameTooLargeError);
      expect(r.messages()).toEqual([[1]]);
    });

    it('reports a too-long line once, as soon as it is known, holding no more than the limit', () => {
      const r = record('ndjson', { maxMessageBytes: 10 });
      r.push(b('[1]\n"'));
      for (let i = 0; i < 50; i++) r.push(b('xxxxx'));
      expect(r.events.filter((e) => e.kind === 'oversize')).toHaveLength(1);
      expect(r.decoder.bufferedBytes).toBe(0);
      expect(r.maxBuffered).toBeLessThanOrEqual(11);
      r.push(b('xx"\n[2]\n'));
      expect(r.events.map((e) => e.kind)).toEqual(['message', 'oversize', 'message']);
      expect(r.messages()).toEqual([[1], [2]]);
    });

    it('reports a line whose last held byte proved not to be a CR', () => {
      const r = record('ndjson', { maxMessageBytes: 3 });
      r.push(b('"ab'));
      r.push(b('c'));
      expect(r.decoder.bufferedBytes).toBe(4);
      r.push(b('\n[1]\n'));
      expect(r.events[0]).toMatchObject({ kind: 'oversize', size: 4 });
      expect(r.messages()).toEqual([[1]]);
    });

    it('counts the limit in UTF-8 bytes, not characters', () => {
      const r = record('ndjson', { maxMessageBytes: 10 });
      r.push(b('"éééé"\n"ééééé"\n"abcdefgh"\n"abcdefghi"\n[1]\n'));
      expect(r.events.map((e) => (e.kind === 'oversize' ? e.size : e.kind))).toEqual([
        'message',
        12,
        'message',
        11,
        'message',
      ]);
    });

    it('checks the final unterminated line at end()', () => {
      const r = record('ndjson', { maxMessageBytes: 3 });
      r.push(b('[1]\n"abc'));
      r.decoder.end();
      expect(r.events.map((e) => e.kind)).toEqual(['message', 'oversize']);
    });
  });
});
