// Option and argument validation of every factory: each rule once, each error a TypeError coded
// RERPC_ERR_INVALID_OPTION (issue 11: plain-JS mistakes fail loudly, naming option, rule and value).
import { readFileSync } from 'node:fs';
import { optionErrorLike } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import {
  compileRequestEncoder,
  compileResponseEncoder,
  createContentLengthDecoder,
  createDecoder,
  createNdjsonDecoder,
  DEFAULTS,
  type DecoderHandlers,
  type DecoderOptions,
  frame,
} from '../src/index.js';

const noop = () => {};
const handlers = { onMessage: noop, onParseError: noop, onOversize: noop };
/** Every decoder factory, as `(handlers, options)`. */
const factories = [
  createNdjsonDecoder,
  createContentLengthDecoder,
  (h: DecoderHandlers, o?: DecoderOptions) => createDecoder('ndjson', h, o),
] as const;

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

  it.each(
    ['maxMessageBytes', 'maxDepth'].flatMap((name) =>
      [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10', null].map((value) => [name, value]),
    ),
  )('rejects %s %s, naming the rule', (name, value) => {
    for (const create of factories) {
      expect(() => create(handlers, { [name as string]: value })).toThrow(
        optionErrorLike(new RegExp(`^${name} must be an integer >= 1, got `)),
      );
    }
  });

  it('accepts maxMessageBytes 1 and uses it', () => {
    const seen: unknown[] = [];
    const d = createNdjsonDecoder(
      { ...handlers, onMessage: (v) => seen.push(v) },
      { maxMessageBytes: 1 },
    );
    d.push(Buffer.from('1\n22\n3\n'));
    expect(seen).toEqual([1, 3]);
  });

  it('every decoder factory rejects an unknown option, with a did-you-mean', () => {
    expect(() => createDecoder('ndjson', handlers, { maxDept: 3 } as never)).toThrow(
      optionErrorLike('createDecoder() options has no option "maxDept"; did you mean "maxDepth"?'),
    );
    expect(() => createNdjsonDecoder(handlers, { maxMessageSize: 3 } as never)).toThrow(
      optionErrorLike('createNdjsonDecoder() options has no option "maxMessageSize"'),
    );
    expect(() => createContentLengthDecoder(handlers, { maxdepth: 3 } as never)).toThrow(
      optionErrorLike(
        'createContentLengthDecoder() options has no option "maxdepth"; did you mean "maxDepth"?',
      ),
    );
  });

  it('rejects options that are not an object', () => {
    for (const create of factories) {
      expect(() => create(handlers, 5 as never)).toThrow(
        optionErrorLike('options must be an object, got 5'),
      );
    }
  });

  it.each(['onMessage', 'onParseError', 'onOversize'] as const)(
    'rejects handlers without %s, or with a %s that is not a function',
    (name) => {
      for (const create of factories) {
        expect(() => create({ ...handlers, [name]: undefined } as never)).toThrow(
          optionErrorLike(`handlers.${name} must be a function, got undefined`),
        );
        expect(() => create({ ...handlers, [name]: 1 } as never)).toThrow(
          optionErrorLike(`handlers.${name} must be a function, got 1`),
        );
      }
    },
  );

  it('rejects an onFramingError that is not a function', () => {
    expect(() => createContentLengthDecoder({ ...handlers, onFramingError: 1 as never })).toThrow(
      optionErrorLike('handlers.onFramingError must be a function when present, got 1'),
    );
  });

  it('rejects handlers that are not an object', () => {
    expect(() => createNdjsonDecoder(null as never)).toThrow(
      optionErrorLike('handlers must be an object, got null'),
    );
    expect(() => createContentLengthDecoder(5 as never)).toThrow(
      optionErrorLike('handlers must be an object, got 5'),
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
    const unknown = optionErrorLike(`framing must be 'ndjson' or 'content-length', got "lines"`);
    expect(() => createDecoder('lines' as never, handlers)).toThrow(unknown);
    expect(() => frame('lines' as never, '1')).toThrow(unknown);
  });
});

describe('encoder options', () => {
  it('rejects options that are not an object', () => {
    expect(() => compileResponseEncoder(null as never)).toThrow(
      optionErrorLike('options must be an object, got null'),
    );
    expect(() => compileRequestEncoder(1 as never)).toThrow(
      optionErrorLike('options must be an object, got 1'),
    );
  });

  it('rejects unknown options, with a did-you-mean', () => {
    expect(() => compileResponseEncoder({ results: {} } as never)).toThrow(
      optionErrorLike(
        'compileResponseEncoder() options has no option "results"; did you mean "result"?',
      ),
    );
    expect(() => compileRequestEncoder({ param: {} } as never)).toThrow(
      optionErrorLike('did you mean "params"?'),
    );
  });

  it('rejects a params schema that is not an object', () => {
    expect(() => compileRequestEncoder({ params: [] as never })).toThrow(
      optionErrorLike('params must be a JSON Schema object, got an array'),
    );
  });
});
