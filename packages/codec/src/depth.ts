import { checkInteger, describe, optionError } from '@rerpc/internal';

// The scans compare with literals: 34 `"`, 92 `\`, and `c | 32`, which folds `[` (91) onto `{`
// (123) and `]` (93) onto `}` (125) (no other code folds onto them). Not named constants: the
// bundle turns a module `const` into a `var` that V8 (Node 20) reloads on every comparison, which
// measured the byte scan 1.7x slower.

/**
 * True when the JSON text `input` nests arrays and objects more than `maxDepth` levels deep: each
 * `[` or `{` opens a level (`{"params":[1]}` is depth 2; a number or string is depth 0); brackets
 * inside strings do not count. Cheap where it matters: a text of at most `maxDepth` characters or
 * bytes, or with at most `maxDepth` opening brackets, is settled without a scan; otherwise one pass
 * over the text, stopping as soon as the limit is passed. It does not validate the JSON: call it
 * before `JSON.parse` to refuse a deep text before paying for it. The decoders of this package do
 * this themselves (option `maxDepth`).
 *
 * @param input a JSON text, as a string or its UTF-8 bytes
 * @param maxDepth the deepest nesting allowed, an integer >= 1
 * @throws TypeError (code `RERPC_ERR_INVALID_OPTION`) when `input` is neither a string nor a
 * Uint8Array or `maxDepth` is not an integer >= 1
 * @example
 * if (exceedsDepth(body, 128)) return invalidRequest(); // before JSON.parse(body)
 */
export function exceedsDepth(input: string | Uint8Array, maxDepth: number): boolean {
  checkInteger('maxDepth', maxDepth, 1);
  if (typeof input === 'string') return frameExceedsDepth(input, maxDepth, null, 0, 0);
  if (input instanceof Uint8Array) {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: a fast path: the scan gives the same answer
    if (input.length <= maxDepth || fewBytes(input, maxDepth)) return false;
    return scanBytes(input, 0, input.length, maxDepth);
  }
  throw optionError(`input must be a string or a Uint8Array, got ${describe(input)}`);
}

/**
 * `exceedsDepth` for a decoder's frame (no argument checks): `text` is the frame, and
 * `bytes[start, end)` its UTF-8 bytes when at hand (else `null`). Passing `maxDepth` takes
 * `maxDepth + 1` opening brackets, so a short frame, or one with few brackets (counted in `text`
 * with `String#indexOf`, a fast builtin), is settled at once; the full scan reads the bytes when
 * it can, ~40% faster than `charCodeAt` over the string (apps/bench `codec-depth`).
 */
export function frameExceedsDepth(
  text: string,
  maxDepth: number,
  bytes: Uint8Array | null,
  start: number,
  end: number,
): boolean {
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: a fast path: the scan gives the same answer
  if (text.length <= maxDepth || fewOpenings(text, maxDepth)) return false;
  // Stryker disable next-line ConditionalExpression: both scans give the same answer; the byte scan is faster
  return bytes === null ? scanText(text, maxDepth) : scanBytes(bytes, start, end, maxDepth);
}

// Stryker disable BlockStatement,StringLiteral,ArithmeticOperator,ConditionalExpression,EqualityOperator,BooleanLiteral: fast paths: answering "not few" wrongly only costs the full scan
/** True when `text` holds at most `max` `[` and `{` in all (strings included). */
function fewOpenings(text: string, max: number): boolean {
  let n = 0;
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1)) {
    if (++n > max) return false;
  }
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) {
    if (++n > max) return false;
  }
  return true;
}

const indexOfByte = Uint8Array.prototype.indexOf;

/** `fewOpenings` for bytes (the typed-array `indexOf`: `Buffer#indexOf` is a slower native call). */
function fewBytes(bytes: Uint8Array, max: number): boolean {
  let n = 0;
  for (let i = indexOfByte.call(bytes, 91); i !== -1; i = indexOfByte.call(bytes, 91, i + 1)) {
    if (++n > max) return false;
  }
  for (let i = indexOfByte.call(bytes, 123); i !== -1; i = indexOfByte.call(bytes, 123, i + 1)) {
    if (++n > max) return false;
  }
  return true;
}

// Stryker restore all

/** The full scan of a JSON text: its depth, skipping string contents (and their `\"` escapes). */
function scanText(s: string, max: number): boolean {
  const end = s.length;
  let depth = 0;
  // Stryker disable next-line EqualityOperator: charCodeAt(end) is NaN, which matches nothing
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      // A string: step through its first 32 characters (most strings in JSON-RPC, keys and method
      // names, are short, where a jump costs more), then jump with indexOf.
      // Stryker disable next-line MethodExpression,ArithmeticOperator: how far to step before jumping only changes speed
      const stop = Math.min(i + 32, end);
      // Stryker disable next-line EqualityOperator: one more step, or a jump, finds the same closing quote
      for (i++; i < stop; i++) {
        const k = s.charCodeAt(i);
        if (k === 34) break;
        if (k === 92) i++;
      }
      // Stryker disable next-line ConditionalExpression: the jump below finds the same closing quote at i
      if (i < stop) continue;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: indexOf past the end finds no quote: false either way
      if (i >= end) return false;
      // The closing quote is the next one not escaped: preceded by an even run of backslashes.
      for (;;) {
        const q = s.indexOf('"', i);
        if (q === -1) return false;
        let b = q - 1;
        while (s.charCodeAt(b) === 92) b--;
        i = q;
        // Stryker disable next-line ArithmeticOperator: q - 1 + b, q + 1 - b have the same parity
        if (((q - 1 - b) & 1) === 0) break;
        i++;
      }
    } else if ((c | 32) === 123) {
      if (++depth > max) return true;
    } else if ((c | 32) === 125) {
      depth--;
    }
  }
  return false;
}

/** `scanText` over UTF-8 bytes `s[start, end)`: a multi-byte character has no byte below 0x80. */
function scanBytes(s: Uint8Array, start: number, end: number, max: number): boolean {
  let depth = 0;
  // Stryker disable next-line EqualityOperator: reads one byte past the frame: a newline or a header's first byte, never a bracket, in a valid stream
  for (let i = start; i < end; i++) {
    const c = s[i]!;
    if (c === 34) {
      // Stryker disable next-line EqualityOperator: past the end only inside an unfinished string, where the answer is false either way
      for (i++; i < end; i++) {
        const k = s[i];
        if (k === 34) break;
        if (k === 92) i++;
      }
    } else if ((c | 32) === 123) {
      if (++depth > max) return true;
    } else if ((c | 32) === 125) {
      depth--;
    }
  }
  return false;
}
