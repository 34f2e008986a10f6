import { ErrorCode } from './error-codes.js';
import type { ErrorObject, Id, Notification, Params, Request, Response } from './types.js';

// Only own properties count: JSON.parse puts keys like `__proto__` or `constructor` on the object
// itself, and a message must never read anything through the prototype chain.
const hasOwn = Object.prototype.hasOwnProperty;

export interface ClassifiedRequest {
  readonly kind: 'request';
  readonly message: Request;
}
export interface ClassifiedNotification {
  readonly kind: 'notification';
  readonly message: Notification;
}
export interface ClassifiedResponse {
  readonly kind: 'response';
  readonly message: Response;
}
/** Not a valid message: answer with `error` and `id` (null where the id could not be read). */
export interface ClassifiedInvalid {
  readonly kind: 'invalid';
  readonly error: ErrorObject;
  readonly id: Id;
}
/** A non-empty array: each member classified on its own. */
export interface ClassifiedBatch {
  readonly kind: 'batch';
  readonly items: readonly ClassifiedSingle[];
}

export type ClassifiedSingle =
  | ClassifiedRequest
  | ClassifiedNotification
  | ClassifiedResponse
  | ClassifiedInvalid;
export type Classified = ClassifiedSingle | ClassifiedBatch;

/** True for a value the spec allows as an id: a string, a finite number, or null. */
export function isValidId(value: unknown): value is Id {
  return (
    value === null ||
    typeof value === 'string' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function invalid(reason: string, id: Id): ClassifiedInvalid {
  return {
    kind: 'invalid',
    error: { code: ErrorCode.InvalidRequest, message: 'Invalid Request', data: reason },
    id,
  };
}

/**
 * Classifies an already-parsed JSON value without throwing: a request, a notification, a
 * response, a batch (each member classified), or the exact spec error to answer with.
 * An empty array is one -32600 error, as the spec says.
 */
export function classify(value: unknown): Classified {
  if (Array.isArray(value)) {
    if (value.length === 0) return invalid('a batch must not be empty', null);
    const items = new Array<ClassifiedSingle>(value.length);
    for (let i = 0; i < value.length; i++) items[i] = classifySingle(value[i], true);
    return { kind: 'batch', items };
  }
  return classifySingle(value, false);
}

function classifySingle(value: unknown, inBatch: boolean): ClassifiedSingle {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(
      inBatch ? 'a batch member must be an object' : 'a message must be an object or an array',
      null,
    );
  }
  const obj = value as Record<string, unknown>;
  const hasId = hasOwn.call(obj, 'id');
  const rawId = hasId ? obj['id'] : undefined;
  // Echo the id in an error only when it is a valid id; otherwise the spec says null.
  const id: Id = hasId && isValidId(rawId) ? rawId : null;

  if (!hasOwn.call(obj, 'method') && (hasOwn.call(obj, 'result') || hasOwn.call(obj, 'error'))) {
    return classifyResponse(obj, hasId, rawId, id);
  }
  if (!hasOwn.call(obj, 'jsonrpc') || obj['jsonrpc'] !== '2.0') {
    return invalid('"jsonrpc" must be exactly "2.0"', id);
  }
  if (!hasOwn.call(obj, 'method') || typeof obj['method'] !== 'string') {
    return invalid('"method" must be a string', id);
  }
  let params: Params | undefined;
  if (hasOwn.call(obj, 'params')) {
    const p = obj['params'];
    if (typeof p !== 'object' || p === null) {
      return invalid('"params" must be an array or an object when present', id);
    }
    params = p as Params;
  }
  if (hasId && !isValidId(rawId)) {
    return invalid('"id" must be a string, a number or null', null);
  }
  if (!hasId) {
    const message: Notification =
      params === undefined
        ? { jsonrpc: '2.0', method: obj['method'] }
        : { jsonrpc: '2.0', method: obj['method'], params };
    return { kind: 'notification', message };
  }
  const message: Request =
    params === undefined
      ? { jsonrpc: '2.0', method: obj['method'], id }
      : { jsonrpc: '2.0', method: obj['method'], params, id };
  return { kind: 'request', message };
}

function classifyResponse(
  obj: Record<string, unknown>,
  hasId: boolean,
  rawId: unknown,
  id: Id,
): ClassifiedSingle {
  if (!hasOwn.call(obj, 'jsonrpc') || obj['jsonrpc'] !== '2.0') {
    return invalid('"jsonrpc" must be exactly "2.0"', id);
  }
  if (!hasId || !isValidId(rawId)) {
    return invalid('a response must carry an "id" that is a string, a number or null', null);
  }
  const hasResult = hasOwn.call(obj, 'result');
  const hasError = hasOwn.call(obj, 'error');
  if (hasResult && hasError) {
    return invalid('a response must not carry both "result" and "error"', id);
  }
  if (hasResult) {
    return { kind: 'response', message: { jsonrpc: '2.0', result: obj['result'], id } };
  }
  const error = obj['error'];
  if (typeof error !== 'object' || error === null || Array.isArray(error)) {
    return invalid('"error" must be an object', id);
  }
  const e = error as Record<string, unknown>;
  const code = hasOwn.call(e, 'code') ? e['code'] : undefined;
  const msg = hasOwn.call(e, 'message') ? e['message'] : undefined;
  if (typeof code !== 'number' || !Number.isInteger(code) || typeof msg !== 'string') {
    return invalid('"error" must have an integer "code" and a string "message"', id);
  }
  const errorObject: ErrorObject = hasOwn.call(e, 'data')
    ? { code, message: msg, data: e['data'] }
    : { code, message: msg };
  return { kind: 'response', message: { jsonrpc: '2.0', error: errorObject, id } };
}
