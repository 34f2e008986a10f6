import { checkBoolean, checkOptions, describe, optionError } from '@rerpc/internal';

/**
 * A cancellation notification shaped other than LSP's `$/cancelRequest` `{ id }`: which method,
 * which params member holds the cancelled call's id, and whether the call is still answered.
 * MCP's is `{ method: 'notifications/cancelled', idParam: 'requestId', answer: false }`.
 */
export interface CancelNotification {
  /** The notification's method name. */
  method: string;
  /**
   * The member of its params (an object) that holds the cancelled call's id.
   * @default 'id'
   */
  idParam?: string;
  /**
   * Answer the cancelled call -32800 "Request cancelled" (LSP requires an answer), or send
   * nothing for it (MCP: the receiver "SHOULD NOT send a response for the cancelled request").
   * @default true
   */
  answer?: boolean;
}

/** The `cancelMethod` option after validation: a name, a full description, or off. */
export type ResolvedCancelMethod = string | Readonly<Required<CancelNotification>> | null;

const KNOWN: readonly string[] = ['method', 'idParam', 'answer'];

function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw optionError(`${name} must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

/**
 * Validates the `cancelMethod` option: a non-empty string (params `{ id }`, answered), a
 * {@link CancelNotification}, or null (off). Throws an option error naming the rule and value.
 */
export function resolveCancelMethod(value: unknown): ResolvedCancelMethod {
  if (value === null) return null;
  if (typeof value === 'string') {
    if (value.length > 0) return value;
  } else if (typeof value === 'object' && !Array.isArray(value)) {
    const o = checkOptions(value as CancelNotification, KNOWN, 'cancelMethod')!;
    return Object.freeze({
      method: nonEmpty('cancelMethod.method', o.method),
      idParam: o.idParam === undefined ? 'id' : nonEmpty('cancelMethod.idParam', o.idParam),
      answer: o.answer === undefined ? true : checkBoolean('cancelMethod.answer', o.answer),
    });
  }
  throw optionError(
    `cancelMethod must be a non-empty string, { method, idParam?, answer? } or null, got ${describe(value)}`,
  );
}

/**
 * How one channel recognises a cancellation, read once per channel from the resolved option:
 * the method name (null: off), the params member naming the call, whether it is answered.
 */
export class CancelRule {
  readonly method: string | null;
  readonly idParam: string;
  readonly answer: boolean;

  constructor(option: ResolvedCancelMethod) {
    if (option === null || typeof option === 'string') {
      this.method = option;
      this.idParam = 'id';
      this.answer = true;
    } else {
      this.method = option.method;
      this.idParam = option.idParam;
      this.answer = option.answer;
    }
  }

  /** The id a cancel notification's `params` names; null when malformed (then it is ignored). */
  idOf(params: unknown): string | number | null {
    if (typeof params !== 'object' || params === null) return null;
    const id = (params as Record<string, unknown>)[this.idParam];
    return typeof id === 'number' || typeof id === 'string' ? id : null;
  }
}
