import { specRequest } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { type Classified, classify, isValidId } from '../src/index.js';

// Every request-side example of JSON-RPC 2.0 §7, parsed as a server would receive it.
describe('classify: JSON-RPC 2.0 section 7 examples', () => {
  it('positional parameters are a request', () => {
    const c = classify(specRequest('rpc call with positional parameters (1)'));
    expect(c).toEqual({
      kind: 'request',
      message: { jsonrpc: '2.0', method: 'subtract', params: [42, 23], id: 1 },
    });
  });

  it('named parameters are a request', () => {
    const c = classify(specRequest('rpc call with named parameters (1)'));
    expect(c).toEqual({
      kind: 'request',
      message: {
        jsonrpc: '2.0',
        method: 'subtract',
        params: { subtrahend: 23, minuend: 42 },
        id: 3,
      },
    });
  });

  it('a call without id is a notification, with or without params', () => {
    expect(classify(specRequest('a notification (1)'))).toEqual({
      kind: 'notification',
      message: { jsonrpc: '2.0', method: 'update', params: [1, 2, 3, 4, 5] },
    });
    expect(classify(specRequest('a notification (2)'))).toEqual({
      kind: 'notification',
      message: { jsonrpc: '2.0', method: 'foobar' },
    });
  });

  it('a call of a missing method is still a valid request (the registry answers -32601)', () => {
    const c = classify(specRequest('rpc call of non-existent method'));
    expect(c.kind).toBe('request');
  });

  it('invalid JSON is the caller’s -32700; a non-string method is -32600 with id null', () => {
    const c = classify(specRequest('rpc call with invalid Request object'));
    expect(c).toMatchObject({
      kind: 'invalid',
      id: null,
      error: { code: -32600, message: 'Invalid Request' },
    });
  });

  it('an empty array is a single -32600 error', () => {
    expect(classify([])).toMatchObject({ kind: 'invalid', id: null, error: { code: -32600 } });
  });

  it('a non-empty invalid batch yields one -32600 per member', () => {
    const c = classify([1]);
    expect(c).toMatchObject({
      kind: 'batch',
      items: [{ kind: 'invalid', id: null, error: { code: -32600 } }],
    });
    const c3 = classify([1, 2, 3]) as Extract<Classified, { kind: 'batch' }>;
    expect(c3.items).toHaveLength(3);
    for (const item of c3.items)
      expect(item).toMatchObject({ kind: 'invalid', id: null, error: { code: -32600 } });
  });

  it('a mixed batch classifies each member on its own', () => {
    const c = classify(specRequest('rpc call Batch')) as Extract<Classified, { kind: 'batch' }>;
    expect(c.kind).toBe('batch');
    expect(c.items.map((i) => i.kind)).toEqual([
      'request',
      'notification',
      'request',
      'invalid',
      'request',
      'request',
    ]);
    expect(c.items[3]).toMatchObject({ id: null, error: { code: -32600 } });
  });

  it('an all-notification batch is a batch of notifications', () => {
    const c = classify(specRequest('rpc call Batch (all notifications)')) as Extract<
      Classified,
      { kind: 'batch' }
    >;
    expect(c.items.every((i) => i.kind === 'notification')).toBe(true);
  });

  it('the section 7 responses classify as responses', () => {
    expect(classify(JSON.parse('{"jsonrpc": "2.0", "result": 19, "id": 1}'))).toEqual({
      kind: 'response',
      message: { jsonrpc: '2.0', result: 19, id: 1 },
    });
    expect(
      classify(
        JSON.parse(
          '{"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "1"}',
        ),
      ),
    ).toEqual({
      kind: 'response',
      message: { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '1' },
    });
    expect(
      classify(
        JSON.parse(
          '{"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}',
        ),
      ),
    ).toMatchObject({ kind: 'response', message: { id: null } });
  });
});

describe('classify: strictness', () => {
  const invalidCases: Array<[string, unknown, unknown]> = [
    ['jsonrpc missing', { method: 'a', id: 1 }, 1],
    ['jsonrpc "1.0"', { jsonrpc: '1.0', method: 'a', id: 1 }, 1],
    ['jsonrpc as number 2.0', { jsonrpc: 2.0, method: 'a', id: 1 }, 1],
    ['method missing', { jsonrpc: '2.0', id: 1 }, 1],
    ['method null', { jsonrpc: '2.0', method: null, id: 1 }, 1],
    ['method an object', { jsonrpc: '2.0', method: {}, id: 'x' }, 'x'],
    ['params a string', { jsonrpc: '2.0', method: 'a', params: 'bar', id: 1 }, 1],
    ['params a number', { jsonrpc: '2.0', method: 'a', params: 3, id: 1 }, 1],
    ['params null', { jsonrpc: '2.0', method: 'a', params: null, id: 1 }, 1],
    ['id an object', { jsonrpc: '2.0', method: 'a', id: {} }, null],
    ['id an array', { jsonrpc: '2.0', method: 'a', id: [1] }, null],
    ['id a boolean', { jsonrpc: '2.0', method: 'a', id: true }, null],
    ['a string', 'hello', null],
    ['a number', 42, null],
    ['null', null, null],
    ['true', true, null],
  ];
  for (const [name, value, id] of invalidCases) {
    it(`${name} is -32600 with id ${JSON.stringify(id)} and a reason in data`, () => {
      const c = classify(value);
      expect(c.kind).toBe('invalid');
      if (c.kind !== 'invalid') return;
      expect(c.id).toBe(id);
      expect(c.error.code).toBe(-32600);
      expect(c.error.message).toBe('Invalid Request');
      expect(typeof c.error.data).toBe('string');
    });
  }

  it('accepts string, number and null ids, and echoes them unchanged', () => {
    for (const id of ['abc', '', 0, -1, 1.5, 1e21, null]) {
      const c = classify({ jsonrpc: '2.0', method: 'm', id });
      expect(c).toEqual({ kind: 'request', message: { jsonrpc: '2.0', method: 'm', id } });
    }
  });

  it('a nested array inside a batch is an invalid member, not a nested batch', () => {
    const c = classify([[{ jsonrpc: '2.0', method: 'm', id: 1 }]]);
    expect(c).toMatchObject({ kind: 'batch', items: [{ kind: 'invalid', id: null }] });
  });

  it('malformed responses are invalid, not responses', () => {
    expect(
      classify({ jsonrpc: '2.0', result: 1, error: { code: 1, message: 'x' }, id: 1 }).kind,
    ).toBe('invalid');
    expect(classify({ jsonrpc: '2.0', result: 1 }).kind).toBe('invalid');
    expect(classify({ jsonrpc: '2.0', error: 'boom', id: 1 }).kind).toBe('invalid');
    expect(classify({ jsonrpc: '2.0', error: { code: 1.5, message: 'x' }, id: 1 }).kind).toBe(
      'invalid',
    );
    expect(classify({ jsonrpc: '2.0', error: { code: 1 }, id: 1 }).kind).toBe('invalid');
    expect(classify({ result: 1, id: 1 }).kind).toBe('invalid');
  });

  it('keeps error data only when the response carries it', () => {
    const c = classify({
      jsonrpc: '2.0',
      error: { code: -1, message: 'm', data: { x: 1 } },
      id: 2,
    });
    expect(c).toEqual({
      kind: 'response',
      message: { jsonrpc: '2.0', error: { code: -1, message: 'm', data: { x: 1 } }, id: 2 },
    });
  });
});

describe('classify: prototype names are plain data', () => {
  it('reads nothing through the prototype chain', () => {
    const proto = Object.create({ jsonrpc: '2.0', method: 'inherited', id: 1 });
    expect(classify(proto)).toMatchObject({ kind: 'invalid', error: { code: -32600 } });
  });

  it('__proto__ and constructor keys from JSON.parse are kept as own data and pollute nothing', () => {
    const raw =
      '{"jsonrpc":"2.0","method":"m","params":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}},"id":1}';
    const c = classify(JSON.parse(raw));
    expect(c.kind).toBe('request');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    if (c.kind !== 'request') return;
    const params = c.message.params as Record<string, unknown>;
    expect(Object.hasOwn(params, '__proto__')).toBe(true);
    expect(Object.hasOwn(params, 'constructor')).toBe(true);
  });

  it('a message whose only keys are __proto__/constructor is invalid', () => {
    expect(classify(JSON.parse('{"__proto__":{"jsonrpc":"2.0","method":"m","id":1}}')).kind).toBe(
      'invalid',
    );
    expect(classify(JSON.parse('{"constructor":"x","toString":"y"}')).kind).toBe('invalid');
  });

  it('method names such as toString or __proto__ are just strings', () => {
    expect(classify({ jsonrpc: '2.0', method: '__proto__', id: 1 })).toMatchObject({
      kind: 'request',
      message: { method: '__proto__' },
    });
  });
});

describe('isValidId', () => {
  it('accepts strings, finite numbers and null only', () => {
    expect([1, 'a', null, 0].every(isValidId)).toBe(true);
    expect([undefined, {}, [], true, Number.NaN, Number.POSITIVE_INFINITY].some(isValidId)).toBe(
      false,
    );
  });
});
