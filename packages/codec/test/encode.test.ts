import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileRequestEncoder,
  compileResponseEncoder,
  encodeBatch,
  encodeError,
  encodeId,
  frame,
} from '../src/index.js';
import { record } from './helpers.js';

// Ids a peer may send: strings full of quotes, backslashes, control characters, line
// separators, lone surrogates and astral characters; any number (non-finite ones included); null.
const nastyString = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      '"',
      '\\',
      '\n',
      '\r',
      '\t',
      '\b',
      '\u0000',
      '\u001f',
      '\u007f',
      '\u2028',
      '\u2029',
      '\ud800',
      '\udfff',
      '😀',
      'é',
      '/',
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 16,
});
const id = fc.oneof(
  nastyString,
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    1e21,
    5e-324,
    Number.MAX_SAFE_INTEGER + 2,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ),
  fc.constant(null),
);
const json = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });
const RUNS = { numRuns: 300 };

describe('encodeId', () => {
  it('writes what JSON.stringify writes for any string or finite number, null otherwise', () => {
    fc.assert(
      fc.property(id, (value) => {
        expect(encodeId(value)).toBe(JSON.stringify(value));
      }),
      RUNS,
    );
  });

  it('writes null for an id that is not a string, a number or null (a peer bug)', () => {
    for (const bad of [undefined, true, {}, [1], 1n]) expect(encodeId(bad as never)).toBe('null');
  });
});

describe('compileResponseEncoder() without a schema', () => {
  const encoder = compileResponseEncoder();

  it('writes exactly JSON.stringify of the whole envelope for any id and result', () => {
    fc.assert(
      fc.property(id, json, (i, result) => {
        const out = encoder.success(i, result);
        expect(out).toBe(JSON.stringify({ jsonrpc: '2.0', result, id: i }));
        expect(JSON.parse(out)).toEqual(
          JSON.parse(JSON.stringify({ jsonrpc: '2.0', result, id: i })),
        );
      }),
      RUNS,
    );
  });

  it('writes the bytes the Go rerpc client expects', () => {
    expect(encoder.success(1, { result: 30 })).toBe(
      '{"jsonrpc":"2.0","result":{"result":30},"id":1}',
    );
  });

  it('writes an undefined, function or symbol result as null', () => {
    expect(encoder.success(1, undefined)).toBe('{"jsonrpc":"2.0","result":null,"id":1}');
    expect(encoder.success(1, () => 1)).toBe('{"jsonrpc":"2.0","result":null,"id":1}');
    expect(encoder.success(1, Symbol('s'))).toBe('{"jsonrpc":"2.0","result":null,"id":1}');
  });

  it('throws TypeError for a BigInt or a cycle', () => {
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(() => encoder.success(1, 1n)).toThrow(TypeError);
    expect(() => encoder.success(1, cycle)).toThrow(TypeError);
  });
});

describe('compileResponseEncoder() with a result schema', () => {
  const schema = {
    type: 'object',
    properties: {
      result: { type: 'integer' },
      name: { type: 'string' },
      ratio: { type: 'number' },
      ok: { type: 'boolean' },
      tags: { type: 'array', items: { type: 'string' } },
      nested: { type: 'object', properties: { x: { type: 'integer' } }, required: ['x'] },
      any: {},
    },
    required: ['result'],
  } as const;
  const value = fc.record(
    {
      result: fc.integer(),
      name: nastyString,
      ratio: fc.double({ noNaN: true, noDefaultInfinity: true }),
      ok: fc.boolean(),
      tags: fc.array(nastyString, { maxLength: 4 }),
      nested: fc.record({ x: fc.integer() }),
      any: json,
    },
    { requiredKeys: ['result'] },
  );
  const encoder = compileResponseEncoder({ result: schema });

  it('writes JSON that parses to what JSON.stringify of the envelope parses to', () => {
    fc.assert(
      fc.property(id, value, (i, result) => {
        const out = encoder.success(i, result);
        expect(JSON.parse(out)).toEqual(
          JSON.parse(JSON.stringify({ jsonrpc: '2.0', result, id: i })),
        );
      }),
      RUNS,
    );
  });

  it('writes the bytes the Go rerpc client expects', () => {
    const typed = compileResponseEncoder({
      result: { type: 'object', properties: { result: { type: 'integer' } } },
    });
    expect(typed.success(2, { result: 42 })).toBe(
      '{"jsonrpc":"2.0","result":{"result":42},"id":2}',
    );
  });

  it('writes only the properties the schema declares', () => {
    expect(JSON.parse(encoder.success(1, { result: 1, secret: 'x' }))).toEqual({
      jsonrpc: '2.0',
      result: { result: 1 },
      id: 1,
    });
  });

  it('writes null and undefined results as null', () => {
    expect(encoder.success(1, null)).toBe('{"jsonrpc":"2.0","result":null,"id":1}');
    expect(encoder.success(1, undefined)).toBe('{"jsonrpc":"2.0","result":null,"id":1}');
  });

  it('throws TypeError for a result the schema cannot encode', () => {
    expect(() => encoder.success(1, { name: 'no result' })).toThrow(TypeError);
    expect(() => encoder.success(1, { name: 'no result' })).toThrow(/result schema/);
  });

  it("wraps the schema's complaint in a TypeError saying so, with it as cause", () => {
    const error = (() => {
      try {
        encoder.success(1, { name: 'no result' });
      } catch (caught) {
        return caught as TypeError;
      }
      throw new Error('did not throw');
    })();
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('the value does not fit the result schema: "result" is required!');
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).message).toBe('"result" is required!');
  });

  it('lets a TypeError from the serialiser (a cycle) through as it is', () => {
    const open = compileResponseEncoder({ result: { type: 'object', additionalProperties: true } });
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    const error = (() => {
      try {
        open.success(1, cycle);
      } catch (caught) {
        return caught as TypeError;
      }
      throw new Error('did not throw');
    })();
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/^Converting circular structure to JSON/);
    expect(error.cause).toBeUndefined();
  });

  it('rejects a schema that is not an object', () => {
    expect(() => compileResponseEncoder({ result: 'string' as never })).toThrow(
      'result must be a JSON Schema object, got "string"',
    );
    expect(() => compileResponseEncoder({ result: null as never })).toThrow(
      'result must be a JSON Schema object, got null',
    );
  });
});

describe('encodeError', () => {
  it('writes exactly JSON.stringify of the error envelope for any code, message, data and id', () => {
    fc.assert(
      fc.property(
        id,
        fc.integer({ min: -40000, max: 40000 }),
        nastyString,
        fc.option(json, { nil: undefined }),
        (i, code, message, data) => {
          const error = data === undefined ? { code, message } : { code, message, data };
          const out = encodeError(i, error);
          expect(out).toBe(JSON.stringify({ jsonrpc: '2.0', error, id: i }));
        },
      ),
      RUNS,
    );
  });

  it('writes the bytes the Go rerpc client expects', () => {
    expect(
      encodeError(3, { code: -32603, message: 'Internal error', data: 'division by zero' }),
    ).toBe(
      '{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error","data":"division by zero"},"id":3}',
    );
    expect(encodeError(null, { code: -32700, message: 'Parse error' })).toBe(
      '{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}',
    );
  });

  it('replaces data that cannot be serialised by a string saying so, instead of throwing', () => {
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    for (const data of [1n, cycle]) {
      const parsed = JSON.parse(encodeError(1, { code: -32603, message: 'Internal error', data }));
      expect(parsed.error.data).toMatch(/^\[data dropped: not serialisable as JSON/);
      expect(parsed.error.code).toBe(-32603);
    }
  });

  it('writes -32603 for a code that is not a finite number, and a message that is not a string as one', () => {
    for (const code of [Number.NaN, Number.POSITIVE_INFINITY, '5', null]) {
      expect(encodeError(1, { code, message: 'm' } as never)).toBe(
        '{"jsonrpc":"2.0","error":{"code":-32603,"message":"m"},"id":1}',
      );
    }
    expect(encodeError(1, { code: 1, message: 5 } as never)).toBe(
      '{"jsonrpc":"2.0","error":{"code":1,"message":"5"},"id":1}',
    );
  });

  it('says why data was dropped, also when what was thrown is not an Error', () => {
    const data = {
      toJSON() {
        throw 'nope';
      },
    };
    expect(JSON.parse(encodeError(1, { code: 1, message: 'm', data })).error.data).toBe(
      '[data dropped: not serialisable as JSON (unknown error)]',
    );
    expect(JSON.parse(encodeError(1, { code: 1, message: 'm', data: 1n })).error.data).toBe(
      '[data dropped: not serialisable as JSON (Do not know how to serialize a BigInt)]',
    );
  });

  it('omits function data', () => {
    expect(encodeError(1, { code: 1, message: 'm', data: () => 1 })).toBe(
      '{"jsonrpc":"2.0","error":{"code":1,"message":"m"},"id":1}',
    );
  });
});

describe('compileRequestEncoder()', () => {
  const params = fc.option(
    fc.oneof(fc.array(json, { maxLength: 4 }), fc.dictionary(nastyString, json, { maxKeys: 4 })),
    {
      nil: undefined,
    },
  );

  it('writes exactly JSON.stringify of requests and notifications', () => {
    const encoder = compileRequestEncoder();
    fc.assert(
      fc.property(nastyString, params, id, (method, p, i) => {
        expect(encoder.request(method, p, i)).toBe(
          JSON.stringify({ jsonrpc: '2.0', method, params: p, id: i }),
        );
        expect(encoder.notification(method, p)).toBe(
          JSON.stringify({ jsonrpc: '2.0', method, params: p }),
        );
      }),
      RUNS,
    );
  });

  it('writes the bytes the Go rerpc server expects, with a params schema too', () => {
    const expected =
      '{"jsonrpc":"2.0","method":"ArithService.Add","params":{"a":10,"b":20},"id":1}';
    expect(compileRequestEncoder().request('ArithService.Add', { a: 10, b: 20 }, 1)).toBe(expected);
    const typed = compileRequestEncoder({
      params: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' } } },
    });
    expect(typed.request('ArithService.Add', { a: 10, b: 20 }, 1)).toBe(expected);
    expect(typed.notification('ArithService.Add', undefined)).toBe(
      '{"jsonrpc":"2.0","method":"ArithService.Add"}',
    );
  });

  it('writes null params as null, with or without a params schema', () => {
    const typed = compileRequestEncoder({
      params: { type: 'object', properties: { a: { type: 'integer' } } },
    });
    for (const encoder of [typed, compileRequestEncoder()]) {
      expect(encoder.request('m', null, 1)).toBe(
        '{"jsonrpc":"2.0","method":"m","params":null,"id":1}',
      );
      expect(encoder.notification('m', null)).toBe('{"jsonrpc":"2.0","method":"m","params":null}');
    }
  });

  it('throws TypeError for a non-string method or unserialisable params', () => {
    const encoder = compileRequestEncoder();
    expect(() => encoder.request(1 as never, [], 1)).toThrow('method must be a string, got 1');
    expect(() => encoder.notification('m', [1n])).toThrow(TypeError);
  });

  it('writes the same bytes for a method seen before, past 1,000 distinct methods too', () => {
    const encoder = compileRequestEncoder();
    const expected = (method: string, i: number) =>
      JSON.stringify({ jsonrpc: '2.0', method, params: [i], id: i });
    // 2,500 distinct methods fill the bounded method cache twice over; each is then sent again.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2500; i++) {
        const method = `S.m${i}"\u2028`;
        expect(encoder.request(method, [i], i)).toBe(expected(method, i));
      }
    }
    // The string '1' is cached now; the number 1 still is not a method.
    expect(encoder.request('1', [1], 1)).toBe(expected('1', 1));
    expect(() => encoder.request(1 as never, [1], 1)).toThrow('method must be a string, got 1');
  });
});

describe('encodeBatch', () => {
  it('joins encoded messages into one JSON array', () => {
    const encoder = compileResponseEncoder();
    fc.assert(
      fc.property(fc.array(fc.tuple(id, json), { minLength: 1, maxLength: 6 }), (pairs) => {
        const out = encodeBatch(pairs.map(([i, r]) => encoder.success(i, r)));
        expect(out).toBe(
          JSON.stringify(pairs.map(([i, r]) => ({ jsonrpc: '2.0', result: r, id: i }))),
        );
      }),
      { numRuns: 100 },
    );
  });
});

describe('encoders and decoders together', () => {
  it.each(['ndjson', 'content-length'] as const)(
    'a %s stream of encoded messages decodes to the same messages however split',
    (framing) => {
      const encoder = compileResponseEncoder();
      fc.assert(
        fc.property(
          fc.array(fc.tuple(id, json), { minLength: 1, maxLength: 6 }),
          fc.array(fc.nat({ max: 2000 }), { maxLength: 16 }),
          (pairs, cuts) => {
            const wire = pairs
              .map(([i, r], n) =>
                frame(
                  framing,
                  n % 2 === 0
                    ? encoder.success(i, r)
                    : encodeError(i, { code: -32000, message: 'x', data: r }),
                ),
              )
              .join('');
            const bytes = Buffer.from(wire, 'utf8');
            const r = record(framing);
            r.pushSplit(bytes, cuts);
            expect(r.messages()).toEqual(
              pairs.map(([i, res], n) =>
                JSON.parse(
                  JSON.stringify(
                    n % 2 === 0
                      ? { jsonrpc: '2.0', result: res, id: i }
                      : { jsonrpc: '2.0', error: { code: -32000, message: 'x', data: res }, id: i },
                  ),
                ),
              ),
            );
          },
        ),
        { numRuns: 100 },
      );
    },
  );
});
