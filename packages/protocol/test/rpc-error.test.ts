import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  isReservedCode,
  isServerErrorCode,
  RpcError,
  standardMessage,
} from '../src/index.js';

/** JSON-RPC 2.0 §5.1 as the spec prints it: the name ErrorCode gives it, code and message. */
const SPEC_ERRORS: Array<[keyof typeof ErrorCode, number, string]> = [
  ['ParseError', -32700, 'Parse error'],
  ['InvalidRequest', -32600, 'Invalid Request'],
  ['MethodNotFound', -32601, 'Method not found'],
  ['InvalidParams', -32602, 'Invalid params'],
  ['InternalError', -32603, 'Internal error'],
  ['ServerErrorStart', -32099, 'Server error'],
  ['ServerErrorEnd', -32000, 'Server error'],
];

describe('ErrorCode', () => {
  it.each(SPEC_ERRORS)('%s is %i, "%s"', (name, code, message) => {
    expect(ErrorCode[name]).toBe(code);
    expect(standardMessage(code)).toBe(message);
  });

  it('has no other codes; a code inside the server range is a "Server error", others none', () => {
    expect(Object.keys(ErrorCode).sort()).toEqual(SPEC_ERRORS.map(([name]) => name).sort());
    expect(standardMessage(-32050)).toBe('Server error');
    expect(standardMessage(42)).toBeUndefined();
  });

  it('knows the server and reserved ranges', () => {
    expect(isServerErrorCode(-32000)).toBe(true);
    expect(isServerErrorCode(-32099)).toBe(true);
    expect(isServerErrorCode(-32100)).toBe(false);
    expect(isReservedCode(-32768)).toBe(true);
    expect(isReservedCode(-31999)).toBe(false);
  });
});

describe('RpcError', () => {
  it('keeps code, message and data, and serialises to the wire error object', () => {
    const e = new RpcError(-32001, 'Busy', { retryAfter: 5 });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('RpcError');
    expect(e.toJSON()).toEqual({ code: -32001, message: 'Busy', data: { retryAfter: 5 } });
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      code: -32001,
      message: 'Busy',
      data: { retryAfter: 5 },
    });
  });

  it('omits data when there is none and defaults the message from the code', () => {
    expect(new RpcError(-32601).toJSON()).toEqual({ code: -32601, message: 'Method not found' });
    expect(RpcError.invalidParams('a must be an integer').toJSON()).toEqual({
      code: -32602,
      message: 'Invalid params',
      data: 'a must be an integer',
    });
  });

  it('rejects a non-integer code', () => {
    expect(() => new RpcError(1.5, 'x')).toThrow(/integer/);
  });

  it('fromObject round-trips a wire error and turns garbage into -32603', () => {
    const e = RpcError.fromObject({ code: -32602, message: 'Invalid params', data: [1] });
    expect(e.toJSON()).toEqual({ code: -32602, message: 'Invalid params', data: [1] });
    const bad = RpcError.fromObject('nope');
    expect(bad.code).toBe(-32603);
    expect(bad.data).toEqual({ malformedError: 'nope' });
    expect(RpcError.fromObject(Object.create({ code: 1, message: 'inherited' })).code).toBe(-32603);
  });

  it('instanceof works across copies through the Symbol.for brand', () => {
    const foreign = new RpcError(-32000, 'x');
    // A second copy of the class (as a second installed package would have) recognises it.
    const brand = Symbol.for('rerpc.error.RpcError');
    expect((foreign as unknown as Record<symbol, unknown>)[brand]).toBe(true);
    expect({} instanceof RpcError).toBe(false);
    const lookalike = Object.assign(new Error('y'), { [brand]: true });
    expect(lookalike instanceof RpcError).toBe(true);
  });

  it('passes cause through to Error', () => {
    const cause = new Error('root');
    expect(new RpcError(-32603, 'Internal error', undefined, { cause }).cause).toBe(cause);
  });
});
