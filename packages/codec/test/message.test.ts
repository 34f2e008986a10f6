import { optionErrorLike } from '@rerpc/internal/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createMessageDecoder,
  type FrameParseError,
  type FrameTooLargeError,
  frame,
  type MessageHandlers,
} from '../src/index.js';
import { record } from './helpers.js';

type Event =
  | { kind: 'message'; value: unknown }
  | { kind: 'parse'; reason: string; size: number }
  | { kind: 'oversize'; size: number; limit: number };

function decodeOne(
  message: string | Uint8Array,
  options?: { maxMessageBytes?: number; maxDepth?: number },
): Event[] {
  const events: Event[] = [];
  const handlers: MessageHandlers = {
    onMessage: (value) => events.push({ kind: 'message', value }),
    onParseError: (error: FrameParseError) =>
      events.push({ kind: 'parse', reason: error.reason, size: error.size }),
    onOversize: (error: FrameTooLargeError) =>
      events.push({ kind: 'oversize', size: error.size, limit: error.limit }),
  };
  createMessageDecoder(options).decode(message, handlers);
  return events;
}

describe('createMessageDecoder', () => {
  it('decodes a string or its bytes (a Buffer or a plain Uint8Array view) to one message', () => {
    const text = '{"jsonrpc":"2.0","method":"m","params":["é"],"id":1}';
    const value = JSON.parse(text);
    expect(decodeOne(text)).toEqual([{ kind: 'message', value }]);
    expect(decodeOne(Buffer.from(text))).toEqual([{ kind: 'message', value }]);
    const inside = new Uint8Array(Buffer.from(`xx${text}yy`));
    expect(decodeOne(inside.subarray(2, inside.length - 2))).toEqual([{ kind: 'message', value }]);
  });

  it("reports invalid JSON, a blank message, invalid UTF-8 and depth with the stream decoders' reasons", () => {
    expect(decodeOne('{bad')).toEqual([{ kind: 'parse', reason: 'json', size: 4 }]);
    expect(decodeOne('  ')).toEqual([{ kind: 'parse', reason: 'json', size: 2 }]);
    expect(decodeOne(Buffer.from(' \r\n'))).toEqual([{ kind: 'parse', reason: 'json', size: 3 }]);
    expect(decodeOne(Buffer.from([0x22, 0xff, 0x22]))).toEqual([
      { kind: 'parse', reason: 'utf8', size: 3 },
    ]);
    // A real U+FFFD is valid UTF-8.
    expect(decodeOne(Buffer.from('"\uFFFD"'))).toEqual([{ kind: 'message', value: '\uFFFD' }]);
    expect(decodeOne('[[[1]]]', { maxDepth: 2 })).toEqual([
      { kind: 'parse', reason: 'depth', size: 7 },
    ]);
    expect(decodeOne(Buffer.from('[[[1]]]'), { maxDepth: 3 })).toEqual([
      { kind: 'message', value: [[[1]]] },
    ]);
  });

  it('refuses a message over maxMessageBytes counted in UTF-8 bytes, before decoding it', () => {
    expect(decodeOne('"€€"', { maxMessageBytes: 7 })).toEqual([
      { kind: 'oversize', size: 8, limit: 7 },
    ]);
    expect(decodeOne('"€€"', { maxMessageBytes: 8 })).toEqual([{ kind: 'message', value: '€€' }]);
    expect(decodeOne(Buffer.from('[1,2]'), { maxMessageBytes: 4 })).toEqual([
      { kind: 'oversize', size: 5, limit: 4 },
    ]);
  });

  it('says an oversize message was seen whole (nothing declared its size)', () => {
    const messages: string[] = [];
    const decoder = createMessageDecoder({ maxMessageBytes: 2 });
    const handlers: MessageHandlers = {
      onMessage() {},
      onParseError() {},
      onOversize: (error) => messages.push(error.message),
    };
    decoder.decode('[1,2]', handlers);
    decoder.decode(Buffer.from('[1,2]'), handlers);
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      expect(message).toContain('(2): 5 bytes seen before it was rejected; it was skipped');
    }
  });

  it('throws a coded TypeError for a message that is neither a string nor bytes', () => {
    const decoder = createMessageDecoder();
    const handlers = { onMessage() {}, onParseError() {}, onOversize() {} };
    expect(() => decoder.decode(5 as never, handlers)).toThrow(
      optionErrorLike('message must be a string or a Uint8Array, got 5'),
    );
  });

  it('validates its options like the stream decoders', () => {
    expect(() => createMessageDecoder({ maxDept: 3 } as never)).toThrow(
      /^createMessageDecoder\(\) options has no option "maxDept"; did you mean "maxDepth"\?/,
    );
    expect(() => createMessageDecoder({ maxMessageBytes: 0 })).toThrow(
      'maxMessageBytes must be an integer >= 1, got 0',
    );
    expect(createMessageDecoder({ maxDepth: 7 }).options).toEqual({
      maxMessageBytes: 1_048_576,
      maxDepth: 7,
    });
    expect(Object.isFrozen(createMessageDecoder({ maxDepth: 7 }).options)).toBe(true);
    expect(createMessageDecoder({ maxMessageBytes: 10 }).options).toEqual({
      maxMessageBytes: 10,
      maxDepth: 128,
    });
  });

  it('reports what the NDJSON decoder reports for the same text as one line', () => {
    const text = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.string({
        unit: fc.constantFrom('[', ']', '{', '}', '"', '1', ',', 'é', '\\'),
        maxLength: 12,
      }),
    );
    fc.assert(
      fc.property(
        text,
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 4 }),
        (t, max, depth) => {
          if (t.trim() === '') return;
          const options = { maxMessageBytes: max, maxDepth: depth };
          const stream = record('ndjson', options);
          stream.push(Buffer.from(frame('ndjson', t)));
          const expected = stream.events.map((e) =>
            e.kind === 'message'
              ? e
              : e.kind === 'parse'
                ? { kind: 'parse', reason: e.reason, size: e.error.size }
                : e.kind === 'oversize'
                  ? { kind: 'oversize', size: e.size, limit: e.limit }
                  : e,
          );
          expect(decodeOne(t, options)).toEqual(expected);
          expect(decodeOne(Buffer.from(t), options)).toEqual(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
