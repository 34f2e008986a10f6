import { describe } from '@rerpc/internal';
import type { Id } from '@rerpc/protocol';

// The request encoder without a schema, apart from fast-json-stringify (encode.ts): what a client
// needs, so a browser bundle of one carries no schema compiler.

export interface RequestEncoder {
  /**
   * `{"jsonrpc":"2.0","method":<method>,"params":<params>,"id":<id>}`; `params` undefined → member
   * omitted.
   * @throws TypeError for a non-string method or params that cannot be serialised.
   */
  request(method: string, params: unknown, id: Id): string;
  /** `{"jsonrpc":"2.0","method":<method>,"params":<params>}`, with no `id`. @throws as `request`. */
  notification(method: string, params: unknown): string;
}

/**
 * JSON text of an id: a finite number via `String(n)` (what `JSON.stringify` gives), a non-finite
 * number as `null` (as `JSON.stringify` does), a string via `JSON.stringify`, anything else `null`.
 */
export function encodeId(id: Id): string {
  if (typeof id === 'number') return Number.isFinite(id) ? String(id) : 'null';
  if (typeof id === 'string') return JSON.stringify(id);
  return 'null';
}

/** `JSON.stringify` for a payload; `undefined` (for a function or symbol) means "no value". */
export const plainStringify = JSON.stringify as (value: unknown) => string | undefined;

/**
 * Most methods a process keeps encoded request prefixes for; past it the cache starts over, so
 * method names from callers cannot grow memory without bound.
 */
const MAX_CACHED_METHODS = 1000;

/**
 * `{"jsonrpc":"2.0","method":<method JSON>` by method, shared by every request encoder: a client
 * sends the same few methods again and again. Measured (apps/bench `codec-request`, --quick, Node
 * 20): one method repeated, 228 ns per request with `JSON.stringify(method)` each time, 185 cached.
 */
const methodPrefixes = new Map<string, string>();

/** Encodes and caches the prefix of a method not in the cache (only strings are ever in it). */
function methodPrefix(method: string): string {
  if (typeof method !== 'string') {
    throw new TypeError(`method must be a string, got ${describe(method)}`);
  }
  const prefix = `{"jsonrpc":"2.0","method":${JSON.stringify(method)}`;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: bounds the cache's memory; the bytes written are the same
  if (methodPrefixes.size >= MAX_CACHED_METHODS) methodPrefixes.clear();
  methodPrefixes.set(method, prefix);
  return prefix;
}

/** Builds a request encoder on `stringify` (for params). */
export function requestEncoder(stringify: (value: unknown) => string | undefined): RequestEncoder {
  const head = (method: string, params: unknown): string => {
    const prefix = methodPrefixes.get(method) ?? methodPrefix(method);
    const p = params === undefined ? undefined : params === null ? 'null' : stringify(params);
    return p === undefined ? prefix : `${prefix},"params":${p}`;
  };
  return {
    request(method: string, params: unknown, id: Id): string {
      return `${head(method, params)},"id":${encodeId(id)}}`;
    },
    notification(method: string, params: unknown): string {
      return `${head(method, params)}}`;
    },
  };
}

/** The request encoder with no params schema (`JSON.stringify`): `compileRequestEncoder()`. */
export const plainRequestEncoder: RequestEncoder = Object.freeze(requestEncoder(plainStringify));

/** Joins already-encoded messages into a batch array text: `'[' + parts.join(',') + ']'`. */
export function encodeBatch(parts: readonly string[]): string {
  return `[${parts.join(',')}]`;
}
