// What a method or service name may be. One set of rules for `register()` and `method()`, so
// nothing that reads as an object internal, a private member or a reserved name is ever callable.

/**
 * Names of `Object.prototype` members (`__proto__`, `constructor`, `toString`, `valueOf`,
 * `hasOwnProperty`…): a peer calling one must get -32601, whatever a table lookup would find.
 */
const OBJECT_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Whitespace, control and invisible format characters, and lone surrogates (not UTF-8 encodable). */
const INVISIBLE = /[\s\p{Cc}\p{Cf}\p{Cs}]/u;

/** JSON-RPC 2.0 reserves method names that begin with `rpc.` for the implementation. */
export const SYSTEM_PREFIX = 'rpc.';

/** What is wrong with one dot-separated part of a name (or a service name), or null. */
function partProblem(part: string): string | null {
  if (part === '') return 'is empty';
  if (part.startsWith('_')) return 'starts with "_"';
  if (OBJECT_NAMES.has(part)) return 'is the name of an Object.prototype member';
  return null;
}

/**
 * Why `name` cannot be a method name, or null. A name is a non-empty string of dot-separated
 * parts; no part is empty, starts with `_`, or is the name of an `Object.prototype` member; it has
 * no whitespace, control or invisible characters; and it starts with `rpc.` exactly when `system`.
 */
export function methodNameProblem(name: string, system: boolean): string | null {
  // Stryker disable next-line ConditionalExpression,StringLiteral: a shortcut; the part rule below answers "it is empty" for '' too
  if (name === '') return 'it is empty';
  if (INVISIBLE.test(name)) return 'it contains whitespace or a control or invisible character';
  const parts = name.split('.');
  for (const part of parts) {
    const problem = partProblem(part);
    if (problem === null) continue;
    if (parts.length === 1) return `it ${problem}`;
    return part === ''
      ? 'it has an empty part (a leading, trailing or doubled ".")'
      : `its part ${JSON.stringify(part)} ${problem}`;
  }
  if (name.startsWith(SYSTEM_PREFIX) !== system) {
    return system
      ? `a system method's name starts with "${SYSTEM_PREFIX}"`
      : `names starting with "${SYSTEM_PREFIX}" are reserved by JSON-RPC 2.0 for the library's own methods`;
  }
  return null;
}

/**
 * Why `name` cannot be a service name, or null: one part by the method-name rules (so no dots),
 * and not `rpc`, whose methods would have reserved names.
 */
export function serviceNameProblem(name: string): string | null {
  if (INVISIBLE.test(name)) return 'it contains whitespace or a control or invisible character';
  if (name.includes('.')) return 'it contains "." (a method is called as Service.method)';
  if (name === 'rpc') return `its methods would start with "${SYSTEM_PREFIX}", which is reserved`;
  const problem = partProblem(name);
  return problem === null ? null : `it ${problem}`;
}

/** Whether `register()` exposes a member named `key` (others are skipped, as `_private` ones). */
export function isPublicMemberName(key: string): boolean {
  return partProblem(key) === null && !key.includes('.') && !INVISIBLE.test(key);
}
