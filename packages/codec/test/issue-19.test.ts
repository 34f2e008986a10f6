// Issue 19: NDJSON behaviour that mutation testing (pnpm mutation codec src/ndjson.ts) found
// unpinned: stop() from a handler on every path, and invalid UTF-8 away from a chunk's start.
import { describe, expect, it } from 'vitest';
import { record, stopping as stoppingAt } from './helpers.js';

const b = (s: string) => Buffer.from(s, 'utf8');
const BAD = Buffer.from([0xff]);

const stopping = (stopAt: string, options?: { maxMessageBytes: number }) =>
  stoppingAt('ndjson', stopAt, options);

describe('stop() from a handler ends decoding on every path', () => {
  it('in a chunk with invalid UTF-8 (decoded line by line on the bytes)', () => {
    const { decoder, seen } = stopping('utf8');
    decoder.push(Buffer.concat([b('1\n'), BAD, b('\n2\n3\n')]));
    decoder.push(b('4\n'));
    expect(seen).toEqual(['1', 'utf8']);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('when a line split across chunks completes', () => {
    const { decoder, seen } = stopping('12');
    decoder.push(b('1'));
    decoder.push(b('2\n3\n4'));
    decoder.end();
    expect(seen).toEqual(['12']);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('at an oversize line inside a chunk', () => {
    const { decoder, seen } = stopping('oversize', { maxMessageBytes: 3 });
    decoder.push(b('1\n"abcd"\n2\n'));
    expect(seen).toEqual(['1', 'oversize']);
    expect(decoder.bufferedBytes).toBe(0);
  });
});

describe('invalid UTF-8 is found wherever it is in the chunk', () => {
  it('after a completed split line, with valid lines before and after it', () => {
    const r = record('ndjson');
    r.push(b('[1'));
    r.push(Buffer.concat([b(']\n2\n"'), BAD, b('"\n3\n"x')]));
    r.push(b('"\n'));
    expect(r.kinds()).toEqual(['message', 'message', 'utf8', 'message', 'message']);
    expect(r.messages()).toEqual([[1], 2, 3, 'x']);
  });

  it('with CRLF line ends and blank lines around the bad line', () => {
    const r = record('ndjson');
    r.push(Buffer.concat([b('1\r\n\r\n'), BAD, b('\r\n\n2\r\n')]));
    expect(r.kinds()).toEqual(['message', 'utf8', 'message']);
    expect(r.messages()).toEqual([1, 2]);
  });

  it('an oversize line in a chunk with invalid UTF-8 is reported as oversize, with its size', () => {
    const r = record('ndjson', { maxMessageBytes: 3 });
    r.push(Buffer.concat([b('"abcd"\r\n'), BAD, b('\n1\n')]));
    expect(r.kinds()).toEqual(['oversize', 'utf8', 'message']);
    expect(r.events[0]).toMatchObject({ kind: 'oversize', size: 6, limit: 3 });
  });
});

describe('oversize lines: exact sizes on every path, said to be seen (not declared)', () => {
  const oversize = (r: ReturnType<typeof record>) =>
    r.events.flatMap((e) => {
      if (e.kind !== 'oversize') return [];
      expect(e.error.message).toContain('bytes seen before it was rejected');
      return [e.size];
    });

  it('inside one chunk, on the text and on the byte path', () => {
    const r = record('ndjson', { maxMessageBytes: 3 });
    r.push(b('"abcd"\n'));
    r.push(Buffer.concat([BAD, b('\n"abcde"\n')]));
    expect(r.kinds()).toEqual(['oversize', 'utf8', 'oversize']);
    expect(oversize(r)).toEqual([6, 7]);
  });

  it('while held, and when a held line is completed by a chunk carrying more of it', () => {
    const r = record('ndjson', { maxMessageBytes: 5 });
    r.push(b('"abcdefg'));
    r.push(b('"\n"ab'));
    r.push(b('cde"\n[1]\n'));
    expect(r.kinds()).toEqual(['oversize', 'oversize', 'message']);
    expect(oversize(r)).toEqual([8, 7]);
  });

  it('a CR just before the newline of the completing chunk is not counted', () => {
    const fits = record('ndjson', { maxMessageBytes: 6 });
    fits.push(b('"abc'));
    fits.push(b('d"\r\n'));
    expect(fits.messages()).toEqual(['abcd']);
    const over = record('ndjson', { maxMessageBytes: 5 });
    over.push(b('"abc'));
    over.push(b('d"\r\n'));
    expect(oversize(over)).toEqual([6]);
  });

  it('a line of exactly the limit after a bad line in the same chunk is decoded', () => {
    const r = record('ndjson', { maxMessageBytes: 5 });
    r.push(Buffer.concat([BAD, b('\n"abc"\n')]));
    expect(r.kinds()).toEqual(['utf8', 'message']);
  });
});

describe('newlines alone', () => {
  it('a chunk that is only newlines leaves nothing buffered, before or after a held line', () => {
    const r = record('ndjson', { maxMessageBytes: 1 });
    r.push(b('\n'));
    expect(r.decoder.bufferedBytes).toBe(0);
    r.push(b('1'));
    r.push(b('\n\n'));
    expect(r.decoder.bufferedBytes).toBe(0);
    r.push(b('2\n'));
    expect(r.messages()).toEqual([1, 2]);
  });
});
