import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compileRequestEncoder,
  compileResponseEncoder,
  createContentLengthDecoder,
  createDecoder,
  createNdjsonDecoder,
  DEFAULTS,
  frame,
} from '../src/index.js';

const noop = () => {};
const handlers = { onMessage: noop, onParseError: noop, onOversize: noop };
const factories = [createNdjsonDecoder, createContentLengthDecoder] as const;

describe('decoder options', () => {
  it('DEFAULTS is frozen and holds maxMessageBytes = 1 MiB, maxDepth = 128', () => {
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
    expect(DEFAULTS).toEqual({ maxMessageBytes: 1_048_576, maxDepth: 128 });
  });

  it('the README options table states the values in DEFAULTS', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [name, value] of Object.entries(DEFAULTS)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\``));
      expect(row, `README row for ${name}`).toBeDefined();
      expect(row!.split('|')[3]!.replace(/[`_\s]/g, '')).toContain(String(value));
    }
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10', null])(
    'rejects maxMessageBytes %s with a message naming the rule',
    (value) => {
      for (const create of factories) {
        expect(() => create(handlers, { maxMessageBytes: value as number })).toThrow(
          /^maxMessageBytes must be an integer >= 1, got /,
        );
      }
    },
  );

  it('accepts maxMessageBytes 1 and uses it', () => {
    const seen: unknown[] = [];
    const d = createNdjsonDecoder(
      { ...handlers, onMessage: (v) => seen.push(v) },
      { maxMessageBytes: 1 },
    );
    d.push(Buffer.from('1\n22\n3\n'));
    expect(seen).toEqual([1, 3]);
  });

  it('rejects options that are not an object', () => {
    expect(() => createNdjsonDecoder(handlers, 5 as never)).toThrow(
      'options must be an object, got 5',
    );
  });

  it.each(['onMessage', 'onParseError', 'onOversize'] as const)(
    'rejects handlers without %s',
    (name) => {
      const partial = { ...handlers, [name]: undefined };
      for (const create of factories) {
        expect(() => create(partial as never)).toThrow(
          `handlers.${name} must be a function, got undefined`,
        );
      }
    },
  );

  it('rejects an onFramingError that is not a function', () => {
    expect(() => createContentLengthDecoder({ ...handlers, onFramingError: 1 as never })).toThrow(
      'handlers.onFramingError must be a function when present, got 1',
    );
  });

  it('rejects handlers that are not an object', () => {
    expect(() => createNdjsonDecoder(null as never)).toThrow(
      'handlers must be an object, got null',
    );
  });
});

describe('createDecoder and frame', () => {
  it('creates the decoder of the named framing', () => {
    const seen: unknown[] = [];
    const h = { ...handlers, onMessage: (v: unknown) => seen.push(v) };
    createDecoder('ndjson', h).push(Buffer.from(frame('ndjson', '[1]')));
    createDecoder('content-length', h).push(Buffer.from(frame('content-length', '[2]')));
    expect(seen).toEqual([[1], [2]]);
  });

  it('rejects an unknown framing', () => {
    expect(() => createDecoder('lines' as never, handlers)).toThrow(
      `framing must be 'ndjson' or 'content-length', got "lines"`,
    );
    expect(() => frame('lines' as never, '1')).toThrow(
      `framing must be 'ndjson' or 'content-length', got "lines"`,
    );
  });
});

describe('encoder options', () => {
  it('rejects options that are not an object', () => {
    expect(() => compileResponseEncoder(null as never)).toThrow(
      'options must be an object, got null',
    );
    expect(() => compileRequestEncoder(1 as never)).toThrow('options must be an object, got 1');
  });

  it('rejects a params schema that is not an object', () => {
    expect(() => compileRequestEncoder({ params: [] as never })).toThrow(
      'params must be a JSON Schema object, got an array',
    );
  });
});
