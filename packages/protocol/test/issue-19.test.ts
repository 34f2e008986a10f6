// Issue 19: behaviour that mutation testing (pnpm mutation protocol) found unpinned. Exact
// objects with toStrictEqual: toEqual would also accept a key set to `undefined`.
import { describe, expect, it } from 'vitest';
import {
  classify,
  invalidMessage,
  isReservedCode,
  isServerErrorCode,
  messageKind,
  RpcError,
} from '../src/index.js';

const invalid = (data: string, id: string | number | null) => ({
  kind: 'invalid',
  error: { code: -32600, message: 'Invalid Request', data },
  id,
});

describe('an invalid message is answered with the rule it breaks, in error.data', () => {
  it.each<[string, unknown, ReturnType<typeof invalid>]>([
    ['undefined', undefined, invalid('a message must be an object or an array', null)],
    ['a number', 42, invalid('a message must be an object or an array', null)],
    [
      'a request with "jsonrpc":"1.0" (its id echoed)',
      { jsonrpc: '1.0', method: 'm', id: 7 },
      invalid('"jsonrpc" must be exactly "2.0"', 7),
    ],
    [
      'a response with "jsonrpc":"1.0"',
      { jsonrpc: '1.0', result: 1, id: 7 },
      invalid('"jsonrpc" must be exactly "2.0"', 7),
    ],
    [
      'a response without "jsonrpc"',
      { result: 1, id: 7 },
      invalid('"jsonrpc" must be exactly "2.0"', 7),
    ],
    [
      'neither a method nor a result or an error',
      { jsonrpc: '2.0', id: 7 },
      invalid('"method" must be a string', 7),
    ],
    [
      'params that are a string',
      { jsonrpc: '2.0', method: 'm', params: 'x', id: 'a' },
      invalid('"params" must be an array or an object when present', 'a'),
    ],
    [
      'a request whose id is true',
      { jsonrpc: '2.0', method: 'm', id: true },
      invalid('"id" must be a string, a number or null', null),
    ],
    [
      'a response whose id is true',
      { jsonrpc: '2.0', result: 1, id: true },
      invalid('a response must carry an "id" that is a string, a number or null', null),
    ],
    [
      'a response without an id',
      { jsonrpc: '2.0', result: 1 },
      invalid('a response must carry an "id" that is a string, a number or null', null),
    ],
    [
      'a response with both result and error',
      { jsonrpc: '2.0', result: 1, error: { code: 1, message: 'x' }, id: 7 },
      invalid('a response must not carry both "result" and "error"', 7),
    ],
    [
      '"error": null',
      { jsonrpc: '2.0', error: null, id: 7 },
      invalid('"error" must be an object', 7),
    ],
    ['"error": 5', { jsonrpc: '2.0', error: 5, id: 7 }, invalid('"error" must be an object', 7)],
    ['"error": []', { jsonrpc: '2.0', error: [], id: 7 }, invalid('"error" must be an object', 7)],
    [
      'an error with a fractional code',
      { jsonrpc: '2.0', error: { code: 1.5, message: 'x' }, id: 7 },
      invalid('"error" must have an integer "code" and a string "message"', 7),
    ],
  ])('%s', (_, value, expected) => {
    expect(classify(value)).toStrictEqual(expected);
    expect(invalidMessage(value, false)).toStrictEqual(expected);
    expect(messageKind(value)).toBe('invalid');
  });

  it('a batch member that is not an object says so', () => {
    expect(classify([1])).toStrictEqual({
      kind: 'batch',
      items: [invalid('a batch member must be an object', null)],
    });
  });
});

describe('well-formed messages carry exactly their members', () => {
  it('a request or notification without params has no params key', () => {
    expect(classify({ jsonrpc: '2.0', method: 'm', id: 1 })).toStrictEqual({
      kind: 'request',
      message: { jsonrpc: '2.0', method: 'm', id: 1 },
    });
    expect(classify({ jsonrpc: '2.0', method: 'm' })).toStrictEqual({
      kind: 'notification',
      message: { jsonrpc: '2.0', method: 'm' },
    });
  });

  it('a message with both method and result is a request: the method decides', () => {
    const value = { jsonrpc: '2.0', method: 'm', result: 1, id: 1 };
    expect(classify(value)).toStrictEqual({
      kind: 'request',
      message: { jsonrpc: '2.0', method: 'm', id: 1 },
    });
    expect(messageKind(value)).toBe('request');
  });
});

describe('RpcError', () => {
  it('is not matched by null, primitives, plain objects or other errors', () => {
    for (const value of [null, undefined, 42, 'RpcError', {}, new Error('x'), []]) {
      expect(value instanceof RpcError).toBe(false);
    }
  });

  it('a code with no standard message and no message given says "Error"', () => {
    expect(new RpcError(42).message).toBe('Error');
    expect(new RpcError(-32601).message).toBe('Method not found');
  });

  it('toJSON() has no data key when there is no data', () => {
    expect(new RpcError(1, 'x').toJSON()).toStrictEqual({ code: 1, message: 'x' });
  });

  it.each([
    ['parseError', RpcError.parseError, -32700, 'Parse error'],
    ['invalidRequest', RpcError.invalidRequest, -32600, 'Invalid Request'],
    ['methodNotFound', RpcError.methodNotFound, -32601, 'Method not found'],
    ['invalidParams', RpcError.invalidParams, -32602, 'Invalid params'],
    ['internalError', RpcError.internalError, -32603, 'Internal error'],
  ])('%s(data) is %i "%s" with that data', (_, make, code, message) => {
    const e = make({ why: 1 });
    expect(e).toBeInstanceOf(RpcError);
    expect(e.toJSON()).toStrictEqual({ code, message, data: { why: 1 } });
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a fractional code', { code: 1.5, message: 'x' }],
    ['a string code', { code: '1', message: 'x' }],
    ['no message', { code: 1 }],
    ['a number as message', { code: 1, message: 5 }],
  ])('fromObject() turns %s into -32603 carrying the received value', (_, value) => {
    expect(RpcError.fromObject(value).toJSON()).toStrictEqual({
      code: -32603,
      message: 'Internal error',
      data: { malformedError: value },
    });
  });
});

describe('code ranges', () => {
  it('the reserved range is -32768..-32000, both ends included, integers only', () => {
    expect([-32769, -32768, -32000, -31999, -32000.5].map(isReservedCode)).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
  });

  it('the server range is -32099..-32000, integers only', () => {
    expect([-32100, -32099, -32000, -31999, -32050.5].map(isServerErrorCode)).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('inherited members are never read', () => {
  it('a request or notification whose prototype has params: null is still one', () => {
    const proto = { params: null };
    const request = Object.assign(Object.create(proto) as object, {
      jsonrpc: '2.0',
      method: 'm',
      id: 1,
    });
    const notification = Object.assign(Object.create(proto) as object, {
      jsonrpc: '2.0',
      method: 'm',
    });
    expect(messageKind(request)).toBe('request');
    expect(messageKind(notification)).toBe('notification');
    expect(classify(request)).toStrictEqual({
      kind: 'request',
      message: { jsonrpc: '2.0', method: 'm', id: 1 },
    });
  });
});
