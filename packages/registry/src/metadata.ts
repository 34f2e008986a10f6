// What a method says about itself for discovery (OpenRPC): summary, description, examples,
// declared errors, deprecation. Checked once at registration, stored frozen, never read per call.
import { checkOptions, describe, optionError } from '@rerpc/internal';

/** One example call of a method (an OpenRPC example pairing), as the values sent and answered. */
export interface MethodExample {
  /** A short name for the example, unique within the method. */
  name: string;
  /** A longer explanation. */
  description?: string;
  /** The params as sent: an object (by name) or an array (by position). */
  params: Record<string, unknown> | unknown[];
  /** The result answered. Leave it out for an example of a call that is answered an error. */
  result?: unknown;
}

/** An application error a method may answer (an OpenRPC error object). */
export interface MethodError {
  /** The JSON-RPC error code: an integer. */
  code: number;
  /** Its message: one short sentence. */
  message: string;
  /** The error's `data`, or an example of it. */
  data?: unknown;
}

/** The discovery metadata of one method, validated; `null` for what was not given. */
export interface MethodMetadata {
  readonly summary: string | null;
  readonly description: string | null;
  readonly deprecated: boolean;
  readonly examples: readonly MethodExample[];
  readonly errors: readonly MethodError[];
}

const EXAMPLE_KEYS: readonly string[] = ['name', 'description', 'params', 'result'];
const ERROR_KEYS: readonly string[] = ['code', 'message', 'data'];

export const NO_METADATA: MethodMetadata = Object.freeze({
  summary: null,
  description: null,
  deprecated: false,
  examples: Object.freeze([]),
  errors: Object.freeze([]),
});

interface MetadataOptions {
  summary?: unknown;
  description?: unknown;
  deprecated?: unknown;
  examples?: unknown;
  errors?: unknown;
}

function text(value: unknown, what: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string')
    throw optionError(`${what} must be a string, got ${describe(value)}`);
  return value;
}

function list(value: unknown, what: string): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw optionError(`${what} must be an array, got ${describe(value)}`);
  return value;
}

/** Validates the metadata options of one method (`what` names them in messages). */
export function resolveMetadata(
  options: MetadataOptions | undefined,
  what: string,
): MethodMetadata {
  if (options === undefined) return NO_METADATA;
  const { summary, description, deprecated = false, examples, errors } = options;
  // Stryker disable ConditionalExpression,BlockStatement: a shortcut; the path below builds an equal frozen object for the same options
  if (
    summary === undefined &&
    description === undefined &&
    examples === undefined &&
    errors === undefined &&
    deprecated === false
  ) {
    return NO_METADATA;
  }
  // Stryker restore ConditionalExpression,BlockStatement
  if (typeof deprecated !== 'boolean') {
    throw optionError(`${what}: deprecated must be a boolean, got ${describe(deprecated)}`);
  }
  const names = new Set<string>();
  const checkedExamples = list(examples, `${what}: examples`).map((item, i) => {
    const at = `${what}: examples[${i}]`;
    // checkOptions() refuses anything but a plain object.
    const example = checkOptions(item as Record<string, unknown>, EXAMPLE_KEYS, at)!;
    const name = example['name'];
    if (typeof name !== 'string' || name === '') {
      throw optionError(`${at}.name must be a non-empty string, got ${describe(name)}`);
    }
    if (names.has(name)) throw optionError(`${at}.name ${describe(name)} is used twice`);
    names.add(name);
    text(example['description'], `${at}.description`);
    const params = example['params'];
    if (typeof params !== 'object' || params === null) {
      throw optionError(
        `${at}.params must be the params sent, an object or an array, got ${describe(params)}`,
      );
    }
    return Object.freeze({ ...example }) as unknown as MethodExample;
  });
  const checkedErrors = list(errors, `${what}: errors`).map((item, i) => {
    const at = `${what}: errors[${i}]`;
    const error = checkOptions(item as Record<string, unknown>, ERROR_KEYS, at)!;
    if (!Number.isSafeInteger(error['code'])) {
      throw optionError(`${at}.code must be an integer, got ${describe(error['code'])}`);
    }
    if (typeof error['message'] !== 'string') {
      throw optionError(`${at}.message must be a string, got ${describe(error['message'])}`);
    }
    return Object.freeze({ ...error }) as unknown as MethodError;
  });
  return Object.freeze({
    summary: text(summary, `${what}: summary`),
    description: text(description, `${what}: description`),
    deprecated,
    examples: Object.freeze(checkedExamples),
    errors: Object.freeze(checkedErrors),
  });
}
