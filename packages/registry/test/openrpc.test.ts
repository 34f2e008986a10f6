import { validateOpenRPCDocument } from '@open-rpc/schema-utils-js';
import { describe, expect, it } from 'vitest';
import {
  createRegistry,
  OPENRPC_VERSION,
  openRpcDocument,
  RegistrationError,
} from '../src/index.js';

const info = { title: 'Test API', version: '1.0.0' };

/** Throws with the validator's list of problems unless `doc` is a valid OpenRPC document. */
function expectValidOpenRpc(doc: unknown): void {
  const result = validateOpenRPCDocument(doc as never);
  if (result !== true) throw result;
}

const arithArgs = {
  type: 'object',
  title: 'ArithArgs',
  description: 'two integers',
  properties: {
    a: { type: 'integer', description: 'the first operand' },
    b: { type: 'integer' },
  },
  required: ['a', 'b'],
  additionalProperties: false,
};

describe('openRpcDocument()', () => {
  it('describes by-name, by-position, whole-schema and schema-less methods, valid by the OpenRPC meta-schema', () => {
    const registry = createRegistry();
    class Arith {
      Add({ a, b }: { a: number; b: number }) {
        return { result: a + b };
      }
    }
    registry.register(new Arith(), {
      methods: {
        Add: {
          params: arithArgs,
          result: { type: 'object', properties: { result: { type: 'integer' } } },
          summary: 'Adds two integers.',
          description: 'Answers `{ result: a + b }`.',
          examples: [
            {
              name: 'one plus two',
              description: 'small numbers',
              params: { a: 1, b: 2 },
              result: { result: 3 },
            },
          ],
          errors: [{ code: 1001, message: 'overflow', data: { limit: 2 ** 53 } }],
        },
      },
    });
    registry.method('subtract', ([a, b]: [number, number]) => a - b, {
      params: {
        type: 'array',
        title: 'Operands',
        description: 'minuend, subtrahend',
        items: [{ type: 'number', title: 'minuend' }, { type: 'number' }],
        minItems: 2,
        maxItems: 2,
        additionalItems: false,
      },
      examples: [{ name: 'forty-two', params: [50, 8], result: 42 }],
      deprecated: true,
    });
    registry.method('sum', (xs: number[]) => xs.length, {
      params: { type: 'array', items: { type: 'number' } },
      examples: [{ name: 'three', params: [1, 2], result: 3 }],
    });
    registry.method('anything', () => null);

    const doc = openRpcDocument(registry.list(), info);
    expectValidOpenRpc(doc);
    expect(doc.openrpc).toBe(OPENRPC_VERSION);
    expect(doc.info).toEqual(info);
    // Strict: no member set to undefined (a document is sent as JSON).
    expect(doc.methods).toStrictEqual([
      {
        name: 'Arith.Add',
        summary: 'Adds two integers.',
        description: 'Answers `{ result: a + b }`.',
        paramStructure: 'by-name',
        params: [
          {
            name: 'a',
            schema: { type: 'integer', description: 'the first operand' },
            required: true,
            description: 'the first operand',
          },
          { name: 'b', schema: { type: 'integer' }, required: true },
        ],
        result: {
          name: 'result',
          schema: { type: 'object', properties: { result: { type: 'integer' } } },
        },
        errors: [{ code: 1001, message: 'overflow', data: { limit: 2 ** 53 } }],
        examples: [
          {
            name: 'one plus two',
            description: 'small numbers',
            params: [
              { name: 'a', value: 1 },
              { name: 'b', value: 2 },
            ],
            result: { name: 'result', value: { result: 3 } },
          },
        ],
      },
      {
        name: 'subtract',
        paramStructure: 'by-position',
        params: [
          { name: 'minuend', schema: { type: 'number', title: 'minuend' }, required: true },
          { name: 'param2', schema: { type: 'number' }, required: true },
        ],
        result: { name: 'result', schema: {} },
        examples: [
          {
            name: 'forty-two',
            params: [
              { name: 'minuend', value: 50 },
              { name: 'param2', value: 8 },
            ],
            result: { name: 'result', value: 42 },
          },
        ],
        deprecated: true,
      },
      {
        name: 'sum',
        params: [],
        'x-params-schema': { type: 'array', items: { type: 'number' } },
        result: { name: 'result', schema: {} },
        examples: [
          {
            name: 'three',
            params: [
              { name: 'param1', value: 1 },
              { name: 'param2', value: 2 },
            ],
            result: { name: 'result', value: 3 },
          },
        ],
      },
      { name: 'anything', params: [], result: { name: 'result', schema: {} } },
    ]);
  });

  it('keeps whole in x-params-schema what one descriptor per param cannot tell', () => {
    const registry = createRegistry();
    const tree = {
      type: 'object',
      properties: {
        label: { default: null },
        child: { anyOf: [{ $ref: '#' }, { type: 'null' }] },
      },
    };
    const shapes: Record<string, Record<string, unknown>> = {
      extraKeyword: { ...arithArgs, minProperties: 2 },
      defs: {
        type: 'object',
        properties: { p: { $ref: '#/$defs/point' } },
        $defs: { point: { type: 'object', properties: { x: { type: 'number' } } } },
      },
      recursive: tree,
      objectWithoutProperties: { type: 'object' },
      tupleExtraKeyword: {
        type: 'array',
        items: [{ type: 'number' }],
        minItems: 1,
        additionalItems: false,
        uniqueItems: true,
      },
    };
    for (const [name, schema] of Object.entries(shapes)) {
      registry.method(name, () => 1, { params: schema });
    }
    const doc = openRpcDocument(registry.list(), info);
    expectValidOpenRpc(doc);
    for (const [i, schema] of Object.values(shapes).entries()) {
      expect(doc.methods[i], doc.methods[i]?.name).toStrictEqual({
        name: Object.keys(shapes)[i],
        params: [],
        'x-params-schema': schema,
        result: { name: 'result', schema: {} },
      });
    }
  });

  it('tells by name a schema whose properties have null defaults and no required list', () => {
    const registry = createRegistry();
    registry.method('m', () => 1, {
      params: { type: 'object', properties: { a: { default: null } } },
    });
    expect(openRpcDocument(registry.list(), info).methods[0]?.params).toStrictEqual([
      { name: 'a', schema: { default: null }, required: false },
    ]);
  });
});

describe('method metadata options', () => {
  const ok = () => null;

  it('refuses an example whose params the params schema refuses, naming the example', () => {
    const registry = createRegistry();
    expect(() =>
      registry.method('Arith.Add', ok, {
        params: arithArgs,
        examples: [{ name: 'bad', params: { a: 1 } }],
      }),
    ).toThrow(
      expect.objectContaining({
        name: 'RegistrationError',
        message: expect.stringContaining('example "bad" has params the params schema refuses'),
      }),
    );
    expect(registry.has('Arith.Add')).toBe(false);
  });

  it.each([
    [{ sumary: 'x' }, 'has no option "sumary"; did you mean "summary"?'],
    [{ summary: 1 }, 'summary must be a string, got 1'],
    [{ description: false }, 'description must be a string, got false'],
    [{ deprecated: 'yes' }, 'deprecated must be a boolean, got "yes"'],
    [{ examples: {} }, 'examples must be an array'],
    [{ examples: [1] }, 'examples[0] must be an object, got 1'],
    [{ examples: [{ name: 'x', params: [], reslt: 1 }] }, 'did you mean "result"?'],
    [{ examples: [{ params: [] }] }, 'examples[0].name must be a non-empty string'],
    [
      { examples: [{ name: '', params: [] }] },
      'examples[0].name must be a non-empty string, got ""',
    ],
    [{ examples: [{ name: 'x', params: null }] }, 'examples[0].params must be the params sent'],
    [{ errors: [null] }, 'errors[0] must be an object, got null'],
    [{ errors: [{ code: 1, message: 2 }] }, 'errors[0].message must be a string, got 2'],
    [
      {
        examples: [
          { name: 'x', params: [] },
          { name: 'x', params: {} },
        ],
      },
      'examples[1].name "x" is used twice',
    ],
    [
      { examples: [{ name: 'x', description: 2, params: [] }] },
      'examples[0].description must be a string',
    ],
    [{ examples: [{ name: 'x', params: 3 }] }, 'examples[0].params must be the params sent'],
    [{ errors: 'x' }, 'errors must be an array'],
    [{ errors: [{ code: 1.5, message: 'm' }] }, 'errors[0].code must be an integer, got 1.5'],
    [{ errors: [{ code: 1 }] }, 'errors[0].message must be a string'],
    [{ errors: [{ code: 1, message: 'm', detail: 1 }] }, 'has no option "detail"'],
  ])('refuses %j with a coded TypeError', (options, message) => {
    const registry = createRegistry();
    let error: unknown;
    try {
      registry.method('m', ok, options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ code: 'RERPC_ERR_INVALID_OPTION' });
    expect((error as Error).message).toContain(message);
  });

  it('lists a method marked only deprecated as deprecated', () => {
    const registry = createRegistry();
    registry.method('old', ok, { deprecated: true });
    registry.method('plain', ok, { deprecated: false });
    expect(registry.list().map((m) => [m.name, m.deprecated])).toEqual([
      ['old', true],
      ['plain', false],
    ]);
  });

  it('takes metadata through register() options.methods and lists it', () => {
    const registry = createRegistry();
    registry.register(
      { ping: () => 'pong' },
      { name: 'Svc', methods: { ping: { summary: 'Answers pong.', deprecated: true } } },
    );
    expect(registry.list()).toEqual([
      {
        name: 'Svc.ping',
        params: null,
        result: null,
        summary: 'Answers pong.',
        description: null,
        deprecated: true,
        examples: [],
        errors: [],
      },
    ]);
    expect(() =>
      registry.register({ x: () => 1 }, { name: 'T', methods: { x: { summary: 3 as never } } }),
    ).toThrow('summary must be a string');
    expect(registry.has('T.x')).toBe(false);
  });

  it('changes version on every registration, so a cached document can tell it is stale', () => {
    const registry = createRegistry();
    const v0 = registry.version;
    registry.method('a', ok);
    const v1 = registry.version;
    expect(v1).not.toBe(v0);
    registry.register({ b: ok, c: ok }, { name: 'S' });
    expect(registry.version).not.toBe(v1);
    const v2 = registry.version;
    expect(() => registry.method('a', ok)).toThrow(RegistrationError);
    expect(registry.version).toBe(v2);
  });
});
