import { checkOptions, describe, optionError } from '@rerpc/internal';
import type { ErrorObject, Id } from '@rerpc/protocol';
import build, { type Schema as FastJsonSchema } from 'fast-json-stringify';
import {
  encodeId,
  plainRequestEncoder,
  plainStringify,
  type RequestEncoder,
  requestEncoder,
} from './plain.js';

/**
 * A JSON Schema (draft 7) for fast-json-stringify: either typed with fast-json-stringify's own
 * `Schema` type or a plain object literal (e.g. one declared `as const`). Not ajv's
 * `JSONSchemaType`, whose readonly arrays fast-json-stringify's types reject.
 */
export type JSONSchemaObject = FastJsonSchema | { readonly [key: string]: unknown };

export interface ResponseEncoder {
  /**
   * `{"jsonrpc":"2.0","result":<result>,"id":<id>}`; an `undefined` or `null` result encodes as
   * `null`, with or without a schema.
   * @throws TypeError for a result that cannot be serialised (a BigInt, a cycle, or a value the
   * result schema cannot encode); answer the call with -32603 instead.
   */
  success(id: Id, result: unknown): string;
}

export interface ResponseEncoderOptions {
  /** JSON Schema of the result: compiled once with fast-json-stringify. Without it, `JSON.stringify`. */
  result?: JSONSchemaObject;
}

export interface RequestEncoderOptions {
  /** JSON Schema of the params: compiled once with fast-json-stringify. Without it, `JSON.stringify`. */
  params?: JSONSchemaObject;
}

type Stringify = (value: unknown) => string;

export type { RequestEncoder };

const RESPONSE_OPTIONS: readonly string[] = ['result'];
const REQUEST_OPTIONS: readonly string[] = ['params'];

function compile(schema: JSONSchemaObject, option: string): Stringify {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw optionError(`${option} must be a JSON Schema object, got ${describe(schema)}`);
  }
  const stringify = build(schema as FastJsonSchema) as Stringify;
  return (value) => {
    try {
      return stringify(value);
    } catch (cause) {
      if (cause instanceof TypeError) throw cause;
      throw new TypeError(
        `the value does not fit the ${option} schema: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
  };
}

/**
 * Compiles a response encoder once (per method): with a `result` schema the result is written by
 * fast-json-stringify, otherwise by `JSON.stringify`; the envelope is a string template either way.
 * @throws TypeError (code `RERPC_ERR_INVALID_OPTION`) for an unknown option or a `result` that is
 * not a schema object (fast-json-stringify's own errors for an invalid schema propagate).
 */
export function compileResponseEncoder(options: ResponseEncoderOptions = {}): ResponseEncoder {
  checkOptions(options, RESPONSE_OPTIONS, 'compileResponseEncoder() options');
  if (options.result === undefined) return PLAIN_RESPONSE;
  const stringify = compile(options.result, 'result');
  return {
    success(id: Id, result: unknown): string {
      // null is written as null whatever the schema (fast-json-stringify would coerce it, e.g. to {}).
      return `{"jsonrpc":"2.0","result":${result == null ? 'null' : stringify(result)},"id":${encodeId(id)}}`;
    },
  };
}

const PLAIN_RESPONSE: ResponseEncoder = Object.freeze({
  success(id: Id, result: unknown): string {
    const text = plainStringify(result) ?? 'null';
    return `{"jsonrpc":"2.0","result":${text},"id":${encodeId(id)}}`;
  },
});

/**
 * Compiles a request encoder once (per method): with a `params` schema the params are written by
 * fast-json-stringify, otherwise by `JSON.stringify`.
 * @throws TypeError (code `RERPC_ERR_INVALID_OPTION`) for an unknown option or a `params` that is
 * not a schema object.
 */
export function compileRequestEncoder(options: RequestEncoderOptions = {}): RequestEncoder {
  checkOptions(options, REQUEST_OPTIONS, 'compileRequestEncoder() options');
  if (options.params === undefined) return plainRequestEncoder;
  return requestEncoder(compile(options.params, 'params'));
}

/**
 * `{"jsonrpc":"2.0","error":{"code":..,"message":..,"data"?:..},"id":..}`. `data` is omitted when
 * undefined (or a function); data that cannot be serialised (a BigInt, a cycle) is replaced by a
 * string saying so, so this never throws for a well-formed error object. A string template, not
 * fast-json-stringify: `data` is untyped, and the template measured faster (apps/bench `codec`).
 */
export function encodeError(id: Id, error: ErrorObject): string {
  const code = error.code;
  const message = error.message;
  let out = `{"jsonrpc":"2.0","error":{"code":${Number.isFinite(code) ? String(code) : '-32603'},"message":${JSON.stringify(String(message))}`;
  let text: string | undefined;
  try {
    text = plainStringify(error.data);
  } catch (cause) {
    text = JSON.stringify(
      `[data dropped: not serialisable as JSON (${cause instanceof Error ? cause.message : 'unknown error'})]`,
    );
  }
  if (text !== undefined) out += `,"data":${text}`;
  return `${out}},"id":${encodeId(id)}}`;
}
