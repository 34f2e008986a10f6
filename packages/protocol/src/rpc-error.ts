import { describe, optionError } from '@rerpc/internal';
import { standardMessage } from './error-codes.js';
import type { ErrorObject } from './types.js';

const BRAND = Symbol.for('rerpc.error.RpcError');
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A JSON-RPC error: what a handler throws to answer with a chosen code, and what a client
 * rejects with when the server answered with an error. Carries the wire's integer `code`.
 */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  /** The JSON-RPC error code (an integer, e.g. -32601). */
  readonly code: number;
  /** Extra information sent with the error; `undefined` sends no `data` member. */
  readonly data: unknown;

  constructor(code: number, message?: string, data?: unknown, options?: { cause?: unknown }) {
    if (!Number.isInteger(code)) {
      throw optionError(`RpcError code must be an integer, got ${describe(code)}`);
    }
    super(message ?? standardMessage(code) ?? 'Error', options);
    this.code = code;
    this.data = data;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      // Stryker disable next-line ConditionalExpression: the brand is on RpcError.prototype; a primitive never has it
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }

  /** The wire's error object: `{ code, message, data? }`. */
  toJSON(): ErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }

  /** Builds an RpcError from a received error object; a malformed one becomes -32603. */
  static fromObject(value: unknown): RpcError {
    // Stryker disable next-line ConditionalExpression: a primitive or an array has no own code and message, so it ends at -32603 below anyway
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const obj = value as Record<string, unknown>;
      const code = hasOwn.call(obj, 'code') ? obj['code'] : undefined;
      const message = hasOwn.call(obj, 'message') ? obj['message'] : undefined;
      const data = hasOwn.call(obj, 'data') ? obj['data'] : undefined;
      // Stryker disable next-line ConditionalExpression: Number.isInteger() is false for any non-number; the typeof narrows for TypeScript
      if (typeof code === 'number' && Number.isInteger(code) && typeof message === 'string') {
        return new RpcError(code, message, data);
      }
    }
    return new RpcError(-32603, 'Internal error', { malformedError: value });
  }

  static parseError(data?: unknown): RpcError {
    return new RpcError(-32700, 'Parse error', data);
  }
  static invalidRequest(data?: unknown): RpcError {
    return new RpcError(-32600, 'Invalid Request', data);
  }
  static methodNotFound(data?: unknown): RpcError {
    return new RpcError(-32601, 'Method not found', data);
  }
  static invalidParams(data?: unknown): RpcError {
    return new RpcError(-32602, 'Invalid params', data);
  }
  static internalError(data?: unknown): RpcError {
    return new RpcError(-32603, 'Internal error', data);
  }
}
// On the prototype, not each instance: a handler may throw one per call.
Object.defineProperty(RpcError.prototype, BRAND, { value: true });
