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

/** What one message (or one batch member) is; see {@link messageKind}. */
export type MessageKind = 'request' | 'notification' | 'response' | 'invalid';

/** True for a value the spec allows as an id: a string, a finite number, or null. */
export function isValidId(value: unknown): value is Id {
  return (
    value === null ||
    typeof value === 'string' ||
    // Stryker disable next-line ConditionalExpression: Number.isFinite() is false for any non-number
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/**
 * What one message or batch member is, without allocating: `'request'`, `'notification'`,
 * `'response'` (a well-formed one), or `'invalid'` ({@link invalidMessage} gives the error to
 * answer with). The usual well-formed request is settled by a short inline check; a kind returned
 * here is the kind {@link classify} gives. An array is `'invalid'`: a batch is the caller's to
 * split (`Array.isArray` first), and a batch member may not be an array.
 *
 * Once it says `'request'` or `'notification'`, the value's own `method` is a string, its own
 * `params` (if any) an array or an object, and its own `id` (requests) a valid id.
 * @example
 * if (messageKind(value) === 'request') run(value.method, value.params, value.id);
 */
export function messageKind(value: unknown): MessageKind {
  // The fast path only has to be sound (never a wrong kind): whatever it does not settle, the
  // full verdict does. Kept small so that a dispatcher can inline it.
  const m = value as Record<string, unknown>;
  // Stryker disable ConditionalExpression,StringLiteral,BooleanLiteral,BlockStatement: a fast path that settles less only falls through to verdict(), same kind, slower
  if (
    typeof m === 'object' &&
    m !== null &&
    m['jsonrpc'] === '2.0' &&
    typeof m['method'] === 'string' &&
    hasOwn.call(m, 'jsonrpc') &&
    hasOwn.call(m, 'method') &&
    !Array.isArray(m)
  ) {
    // Params absent, or an array or an object (an inherited value is not read for its type).
    const params = m['params'];
    if (typeof params === 'object' ? params !== null : !hasOwn.call(m, 'params')) {
      if (!hasOwn.call(m, 'id')) return 'notification';
      if (isValidId(m['id'])) return 'request';
    }
  }
  // Stryker restore ConditionalExpression,StringLiteral,BooleanLiteral,BlockStatement
  return KINDS[verdict(value)]!;
}

/**
 * The -32600 error to answer an invalid message or batch member with (its reason in `data`), and
 * the id to echo (`null` where the id could not be read); `null` for a valid message or a
 * non-empty batch. `inBatch` words the error for a batch member.
 */
export function invalidMessage(value: unknown, inBatch: boolean): ClassifiedInvalid | null {
  if (!inBatch && Array.isArray(value)) {
    return value.length === 0 ? invalid('a batch must not be empty', null) : null;
  }
  const v = verdict(value);
  return v < INVALID ? null : invalidOf(value, v, inBatch);
}

/**
 * Classifies an already-parsed JSON value without throwing: a request, a notification, a
 * response, a batch (each member classified), or the exact spec error to answer with.
 * An empty array is one -32600 error, as the spec says.
 */
export function classify(value: unknown): Classified {
  if (Array.isArray(value)) {
    if (value.length === 0) return invalid('a batch must not be empty', null);
    // Stryker disable next-line ArrayDeclaration: presizing only; every item is assigned below
    const items = new Array<ClassifiedSingle>(value.length);
    for (let i = 0; i < value.length; i++) items[i] = classifySingle(value[i], true);
    return { kind: 'batch', items };
  }
  return classifySingle(value, false);
}

// The verdict on one member: its kind, or why it is invalid. One decision procedure serves
// `messageKind` (no allocation), `invalidMessage` and `classify`, so they cannot disagree.
const REQUEST = 0;
const NOTIFICATION = 1;
const RESPONSE = 2;
/** Verdicts from here on are invalid messages; each indexes REASONS. */
const INVALID = 3;
const NOT_OBJECT = 3;
const BAD_VERSION = 4;
const BAD_METHOD = 5;
const BAD_PARAMS = 6;
const BAD_ID = 7;
const RESPONSE_ID = 8;
const RESPONSE_BOTH = 9;
const ERROR_NOT_OBJECT = 10;
const ERROR_FIELDS = 11;

const KINDS: readonly MessageKind[] = [
  'request',
  'notification',
  'response',
  // Stryker disable next-line ArithmeticOperator: a longer tail of 'invalid' is never indexed
  ...new Array<MessageKind>(ERROR_FIELDS - INVALID + 1).fill('invalid'),
];

const REASONS: readonly string[] = [
  // Stryker disable next-line StringLiteral: the reasons of valid verdicts are never read
  '',
  // Stryker disable next-line StringLiteral: as above
  '',
  // Stryker disable next-line StringLiteral: as above
  '',
  'a message must be an object or an array',
  '"jsonrpc" must be exactly "2.0"',
  '"method" must be a string',
  '"params" must be an array or an object when present',
  '"id" must be a string, a number or null',
  'a response must carry an "id" that is a string, a number or null',
  'a response must not carry both "result" and "error"',
  '"error" must be an object',
  '"error" must have an integer "code" and a string "message"',
];

function verdict(value: unknown): number {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return NOT_OBJECT;
  const obj = value as Record<string, unknown>;
  const hasId = hasOwn.call(obj, 'id');
  if (!hasOwn.call(obj, 'method') && (hasOwn.call(obj, 'result') || hasOwn.call(obj, 'error'))) {
    return responseVerdict(obj, hasId);
  }
  if (!hasOwn.call(obj, 'jsonrpc') || obj['jsonrpc'] !== '2.0') return BAD_VERSION;
  if (!hasOwn.call(obj, 'method') || typeof obj['method'] !== 'string') return BAD_METHOD;
  if (hasOwn.call(obj, 'params')) {
    const p = obj['params'];
    if (typeof p !== 'object' || p === null) return BAD_PARAMS;
  }
  if (!hasId) return NOTIFICATION;
  return isValidId(obj['id']) ? REQUEST : BAD_ID;
}

function responseVerdict(obj: Record<string, unknown>, hasId: boolean): number {
  if (!hasOwn.call(obj, 'jsonrpc') || obj['jsonrpc'] !== '2.0') return BAD_VERSION;
  if (!hasId || !isValidId(obj['id'])) return RESPONSE_ID;
  const hasResult = hasOwn.call(obj, 'result');
  if (hasResult && hasOwn.call(obj, 'error')) return RESPONSE_BOTH;
  if (hasResult) return RESPONSE;
  const error = obj['error'];
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return ERROR_NOT_OBJECT;
  const e = error as Record<string, unknown>;
  const code = hasOwn.call(e, 'code') ? e['code'] : undefined;
  const msg = hasOwn.call(e, 'message') ? e['message'] : undefined;
  // Stryker disable next-line ConditionalExpression: Number.isInteger() is false for any non-number
  if (typeof code !== 'number' || !Number.isInteger(code) || typeof msg !== 'string') {
    return ERROR_FIELDS;
  }
  return RESPONSE;
}

function invalid(reason: string, id: Id): ClassifiedInvalid {
  return {
    kind: 'invalid',
    error: { code: ErrorCode.InvalidRequest, message: 'Invalid Request', data: reason },
    id,
  };
}

/** The error for an invalid verdict `v`: the id is echoed only when it is itself valid. */
function invalidOf(value: unknown, v: number, inBatch: boolean): ClassifiedInvalid {
  if (v === NOT_OBJECT) {
    return invalid(inBatch ? 'a batch member must be an object' : REASONS[NOT_OBJECT]!, null);
  }
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a shortcut; for these verdicts the id is absent or invalid, and the path below answers null too
  if (v === BAD_ID || v === RESPONSE_ID) return invalid(REASONS[v]!, null);
  const obj = value as Record<string, unknown>;
  const id = hasOwn.call(obj, 'id') ? obj['id'] : null;
  return invalid(REASONS[v]!, isValidId(id) ? id : null);
}

function classifySingle(value: unknown, inBatch: boolean): ClassifiedSingle {
  const v = verdict(value);
  if (v >= INVALID) return invalidOf(value, v, inBatch);
  const obj = value as Record<string, unknown>;
  const id = obj['id'] as Id;
  if (v === RESPONSE) {
    if (hasOwn.call(obj, 'result')) {
      return { kind: 'response', message: { jsonrpc: '2.0', result: obj['result'], id } };
    }
    const e = obj['error'] as Record<string, unknown>;
    const code = e['code'] as number;
    const message = e['message'] as string;
    const error: ErrorObject = hasOwn.call(e, 'data')
      ? { code, message, data: e['data'] }
      : { code, message };
    return { kind: 'response', message: { jsonrpc: '2.0', error, id } };
  }
  const method = obj['method'] as string;
  const params = hasOwn.call(obj, 'params') ? (obj['params'] as Params) : undefined;
  if (v === NOTIFICATION) {
    const message: Notification =
      params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };
    return { kind: 'notification', message };
  }
  const message: Request =
    params === undefined ? { jsonrpc: '2.0', method, id } : { jsonrpc: '2.0', method, params, id };
  return { kind: 'request', message };
}
