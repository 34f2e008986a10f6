import { describe, optionError } from '@rerpc/internal';

const QUOTE = 34;
const BACKSLASH = 92;
/** Per character code below 128: 1 a quote, 2 `[` or `{`, 3 `]` or `}`, 0 anything else. */
const KIND = new Uint8Array(128);
KIND[QUOTE] = 1;
KIND[91] = 2;
KIND[123] = 2;
KIND[93] = 3;
KIND[125] = 3;
/**
 * Characters of a string stepped through one by one before jumping to its closing quote with
 * `indexOf`: most strings in JSON-RPC (keys, method names) are short, where a jump costs more.
 */
const SHORT_STRING = 32;

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
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 1) {
    throw optionError(`maxDepth must be an integer >= 1, got ${describe(maxDepth)}`);
  }
  if (typeof input === 'string') return textExceedsDepth(input, maxDepth, input, 0);
  if (input instanceof Uint8Array) {
    if (input.length <= maxDepth || fewBytes(input, maxDepth)) return false;
    return scanBytes(input, maxDepth);
  }
  throw optionError(`input must be a string or a Uint8Array, got ${describe(input)}`);
}

/**
 * `exceedsDepth` for a frame `text` (no argument checks). `text` may be a slice of `parent`
 * starting at `offset`: the full scan then reads `parent`, a flat string, where `charCodeAt` runs
 * ~30% faster than through a slice; the bracket count uses `text`, so its `indexOf` stays inside
 * the frame.
 */
export function textExceedsDepth(
  text: string,
  maxDepth: number,
  parent: string,
  offset: number,
): boolean {
  const length = text.length;
  // Passing maxDepth needs maxDepth + 1 opening brackets.
  if (length <= maxDepth || fewOpenings(text, maxDepth)) return false;
  return scanText(parent, offset, offset + length, maxDepth);
}

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

/** The full scan of `s[start, end)`: depth, skipping string contents (and their `\"` escapes). */
function scanText(s: string, start: number, end: number, max: number): boolean {
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c > 125) continue;
    const kind = KIND[c];
    if (kind === 0) continue;
    if (kind === 2) {
      if (++depth > max) return true;
    } else if (kind === 3) {
      depth--;
    } else {
      // A string: step through a short one; jump through a long one.
      const stop = Math.min(i + SHORT_STRING, end);
      for (i++; i < stop; i++) {
        const k = s.charCodeAt(i);
        if (k === QUOTE) break;
        if (k === BACKSLASH) i++;
      }
      if (i < stop) continue;
      if (i >= end) return false;
      // The closing quote is the next one not escaped: preceded by an even run of backslashes.
      for (;;) {
        const q = s.indexOf('"', i);
        if (q === -1 || q >= end) return false;
        let b = q - 1;
        while (s.charCodeAt(b) === BACKSLASH) b--;
        i = q;
        if (((q - 1 - b) & 1) === 0) break;
        i++;
      }
    }
  }
  return false;
}

/** `scanText` over UTF-8 bytes: every byte of a multi-byte character is >= 0x80, never structural. */
function scanBytes(s: Uint8Array, max: number): boolean {
  const end = s.length;
  let depth = 0;
  for (let i = 0; i < end; i++) {
    const c = s[i]!;
    if (c > 125) continue;
    const kind = KIND[c];
    if (kind === 0) continue;
    if (kind === 2) {
      if (++depth > max) return true;
    } else if (kind === 3) {
      depth--;
    } else {
      for (i++; i < end; i++) {
        const k = s[i];
        if (k === QUOTE) break;
        if (k === BACKSLASH) i++;
      }
    }
  }
  return false;
}
