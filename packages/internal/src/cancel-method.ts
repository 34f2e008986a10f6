import { checkBoolean, checkOptions } from './checks.js';
import { describe } from './describe.js';
import { optionError } from './options.js';

/**
 * The `cancelMethod` option of @rerpc/server and @rerpc/client in its object form: the
 * notification's name, the params member holding the call's id, and whether the cancelled call
 * is still answered -32800 (MCP: `{ method: 'notifications/cancelled', idParam: 'requestId',
 * answer: false }`). Each package declares the public type; this is the resolved shape.
 */
export interface CancelShape {
  readonly method: string;
  readonly idParam: string;
  readonly answer: boolean;
}

const KNOWN: readonly string[] = ['method', 'idParam', 'answer'];

function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw optionError(`${name} must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

/**
 * Validates a `cancelMethod` option: a non-empty string (params `{ id }`, answered), an object
 * `{ method, idParam?, answer? }` (resolved, frozen; `idParam` 'id' and `answer` true when
 * unset), or null (off). Throws an option error naming the rule and the value.
 */
export function resolveCancelMethod(value: unknown): string | CancelShape | null {
  if (value === null) return null;
  if (typeof value === 'string') {
    if (value.length > 0) return value;
  } else if (typeof value === 'object' && !Array.isArray(value)) {
    const o = checkOptions(value, KNOWN, 'cancelMethod') as Record<string, unknown>;
    return Object.freeze({
      method: nonEmpty('cancelMethod.method', o['method']),
      idParam: o['idParam'] === undefined ? 'id' : nonEmpty('cancelMethod.idParam', o['idParam']),
      answer: o['answer'] === undefined ? true : checkBoolean('cancelMethod.answer', o['answer']),
    });
  }
  throw optionError(
    `cancelMethod must be a non-empty string, { method, idParam?, answer? } or null, got ${describe(value)}`,
  );
}

/** The cancelled call's id in a cancel notification's `params`; null when malformed. */
export function cancelledId(params: unknown, idParam: string): string | number | null {
  if (typeof params !== 'object' || params === null) return null;
  const id = (params as Record<string, unknown>)[idParam];
  return typeof id === 'number' || typeof id === 'string' ? id : null;
}
