import { describe, expect, it } from 'vitest';
import { createContentLengthDecoder, FramingError, frame } from '../src/index.js';
import { bytewise, record } from './helpers.js';

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
