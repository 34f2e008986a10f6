import { encodeBatch, plainRequestEncoder, type RequestEncoder } from '@rerpc/codec';
import {
  checkBoolean,
  checkOptions,
  checkSignal,
  checkTime,
  describe,
  rejectUnknownOptions,
} from '@rerpc/internal';
import type { BatchItem } from './batch.js';
import { BATCH, NOTIFY } from './call.js';
import type { ResolvedCancelMethod } from './options.js';
import type { CallOptions } from './proxy.js';

/** The names a call's options (`call()`, `notify()`, `batch()`, proxy methods) may have. */
const CALL_OPTIONS: readonly string[] = ['timeout', 'signal', 'idempotent'];
/** The names a batch item may have. */
const ITEM_KEYS: readonly string[] = ['method', 'params', 'notify'];
/** How option errors name each kind of call's options, by kind. */
const OPTIONS_OF = ['call() options', 'batch() options', 'notify() options', 'subscribe() options'];

/**
 * One call's settings, read from its options by {@link readCallOptions}. A client reuses one
 * record (read and used within one synchronous `start()`), so reading allocates nothing.
 */
export class CallSettings {
  timeout = 0;
  signal: AbortSignal | null = null;
  // Stryker disable next-line BooleanLiteral: readCallOptions() sets every field before a call reads it
  idempotent = false;
}

/**
 * Reads a call's options of `kind` into `out`, `timeout` being the client's default; throws an
 * option error (coded TypeError) naming the option, the rule and the value.
 */
export function readCallOptions(
  options: CallOptions | undefined,
  kind: number,
  timeout: number,
  out: CallSettings,
): void {
  out.timeout = timeout;
  out.signal = null;
  out.idempotent = false;
  if (options === undefined) return;
  checkOptions(options, CALL_OPTIONS, OPTIONS_OF[kind]!);
  if (options.timeout !== undefined) out.timeout = checkTime('timeout', options.timeout);
  out.signal = checkSignal(options.signal);
  if (options.idempotent !== undefined) {
    out.idempotent = checkBoolean('idempotent', options.idempotent);
  }
}

/**
 * Makes each request's text, once per call: ids count up from 1 per client (like Go rerpc),
 * wrapping before 2^53; a batch's requests take consecutive ids.
 */
export class Requests {
  private readonly encoder: RequestEncoder = plainRequestEncoder;
  /** The `cancelMethod` notification for an id; null when none is sent. */
  readonly cancelNote: ((id: number) => string) | null;
  private nextId = 1;
  /** The id of the request last encoded (a batch's first), 0 for a notification. */
  id = 0;

  /** `cancelNote` texts made, each sent once (stats().cancelsSent). */
  cancelsSent = 0;

  constructor(cancelMethod: ResolvedCancelMethod = null) {
    const note = cancelEncoder(cancelMethod);
    this.cancelNote =
      note === null
        ? null
        : (id) => {
            this.cancelsSent += 1;
            return note(id);
          };
  }

  /**
   * The request's text (a batch's requests numbered in the order of `slots`); throws TypeError
   * for params that cannot be encoded.
   */
  encode(kind: number, method: string, params: unknown, slots: readonly number[] | null): string {
    const count = kind === BATCH ? slots!.length : kind === NOTIFY ? 0 : 1;
    let id = 0;
    if (count > 0) {
      id = this.nextId;
      if (id + count > Number.MAX_SAFE_INTEGER) id = 1;
      this.nextId = id + count;
    }
    this.id = id;
    const encoder = this.encoder;
    if (kind === BATCH) return encodeBatchItems(encoder, params as BatchItem[], slots!, id);
    try {
      return kind !== NOTIFY
        ? encoder.request(method, params, id)
        : encoder.notification(method, params);
    } catch (error) {
      throw unencodable(`the params of ${method}`, error);
    }
  }
}

/**
 * Validates the items of `batch()` and returns the index of each request (not notification),
 * in order; throws TypeError naming the item at fault.
 */
export function batchSlots(items: unknown): number[] {
  if (!Array.isArray(items) || items.length === 0) {
    throw new TypeError(
      `items must be a non-empty array of { method, params?, notify? }, got ${describe(items)}`,
    );
  }
  const slots: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as BatchItem | undefined;
    if (typeof item !== 'object' || item === null) {
      throw new TypeError(`items[${i}] must be an object, got ${describe(item)}`);
    }
    rejectUnknownOptions(item, ITEM_KEYS, `batch() items[${i}]`);
    checkCall(item.method, item.params, `items[${i}].`);
    if (item.notify !== true) slots.push(i);
  }
  return slots;
}

/** The batch's text, its requests numbered from `id`; throws TypeError for unencodable params. */
function encodeBatchItems(
  encoder: RequestEncoder,
  items: readonly BatchItem[],
  slots: readonly number[],
  id: number,
): string {
  // Stryker disable next-line ArrayDeclaration: a presize only; every index is set, in order
  const parts = new Array<string>(items.length);
  let j = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    try {
      if (slots[j] === i) {
        parts[i] = encoder.request(item.method, item.params, id + j);
        j++;
      } else {
        parts[i] = encoder.notification(item.method, item.params);
      }
    } catch (error) {
      throw unencodable(`the params of items[${i}] (${item.method})`, error);
    }
  }
  return encodeBatch(parts);
}

/** Throws TypeError when `method` or `params` are invalid (`at`: where, for a batch item). */
export function checkCall(method: unknown, params: unknown, at = ''): void {
  if (typeof method !== 'string' || method === '') {
    throw new TypeError(`${at}method must be a non-empty string, got ${describe(method)}`);
  }
  if (params !== undefined && (typeof params !== 'object' || params === null)) {
    throw new TypeError(
      `${at}params must be an array, an object or undefined, got ${describe(params)}`,
    );
  }
}

/** The TypeError for params that JSON cannot encode (a BigInt, a cycle), naming what they belong to. */
export function unencodable(what: string, error: unknown): TypeError {
  return new TypeError(
    `${what} cannot be encoded as JSON (${firstLine(error)}); pass only JSON values: convert a BigInt to a string or number, and break cycles`,
    { cause: error },
  );
}

/** The first line of an error's message (V8's cycle message goes on to draw the cycle). */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const end = text.indexOf('\n');
  return end === -1 ? text : text.slice(0, end);
}

/**
 * The notification that tells the server a call was given up on (`cancelMethod`, params
 * `{ id }` as LSP's `$/cancelRequest`, or the object form's `idParam`); null when off.
 */
export function cancelEncoder(option: ResolvedCancelMethod): ((id: number) => string) | null {
  if (option === null) return null;
  const method = typeof option === 'string' ? option : option.method;
  const idParam = typeof option === 'string' ? 'id' : option.idParam;
  const head = `{"jsonrpc":"2.0","method":${JSON.stringify(method)},"params":{${JSON.stringify(idParam)}:`;
  return (id) => `${head}${id}}}`;
}
