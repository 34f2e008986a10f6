import { isUtf8 } from 'node:buffer';
import { checkFunction, checkInteger, checkOptions, describe, optionError } from '@rerpc/internal';
import { frameExceedsDepth } from './depth.js';
import { FrameParseError, type FrameTooLargeError, type FramingError } from './errors.js';

/** How JSON texts are delimited on a byte stream. */
export type Framing = 'ndjson' | 'content-length';

export interface DecoderOptions {
  /**
   * Largest frame accepted, in bytes of JSON text (the NDJSON newline, or the Content-Length
   * header, not counted). A larger frame is reported to `onOversize` and skipped without being
   * buffered whole. An integer >= 1.
   * @default 1048576 (1 MiB)
   */
  maxMessageBytes?: number;
  /**
   * Deepest nesting of arrays and objects accepted in a frame: each `[` or `{` is one level, so
   * `{"jsonrpc":"2.0","params":[1]}` is depth 2. A deeper frame is reported to `onParseError`
   * (`reason: 'depth'`) before `JSON.parse` runs, and decoding goes on. An integer >= 1.
   * @default 128 (serde_json's limit)
   */
  maxDepth?: number;
}

/** Resolved decoder options. */
export interface ResolvedDecoderOptions {
  readonly maxMessageBytes: number;
  readonly maxDepth: number;
}

/** The decoder defaults, one frozen object; the README's Options table is held to it by a test. */
export const DEFAULTS: ResolvedDecoderOptions = Object.freeze({
  maxMessageBytes: 1_048_576,
  maxDepth: 128,
});

const OPTION_NAMES = Object.keys(DEFAULTS);

export interface DecoderHandlers {
  /** One parsed JSON value per frame (already `JSON.parse`d). Called synchronously from `push()`. */
  onMessage(value: unknown): void;
  /**
   * One frame that is not valid JSON (`reason: 'json'`), not valid UTF-8 (`'utf8'`) or nested
   * deeper than `maxDepth` (`'depth'`): that frame is dropped, the stream goes on.
   */
  onParseError(error: FrameParseError): void;
  /** A frame over `maxMessageBytes`: skipped without being buffered whole. Callers usually close the stream. */
  onOversize(error: FrameTooLargeError): void;
  /**
   * Content-Length only: a malformed header; the stream cannot resync and the decoder stops
   * (further pushes are ignored). Without this handler, `push()` throws the `FramingError`.
   */
  onFramingError?(error: FramingError): void;
}

/**
 * A streaming decoder: feed it the chunks of a byte stream, in order; it calls the handlers
 * synchronously, once per frame. Handlers must not call `push()` or `end()` themselves; an
 * exception thrown by a handler propagates out of `push()` and the rest of that chunk is dropped.
 */
export interface FrameDecoder {
  /**
   * Decodes every complete frame in `chunk`; keeps an unfinished frame for the next push: small
   * pieces are copied, a piece of 4 KiB or more that fills most of its `ArrayBuffer` is kept as a
   * view of `chunk` (no copy), so do not reuse or modify a pushed buffer (e.g. a `net` `onread`
   * buffer) while `bufferedBytes` is above 0, or copy it before pushing.
   */
  push(chunk: Buffer): void;
  /**
   * Bytes held for a frame split across chunks: at most `maxMessageBytes + 1` (NDJSON) or
   * `maxMessageBytes` plus an 8 KiB header (Content-Length). The memory behind them stays under
   * about twice that, however the peer splits its bytes.
   */
  readonly bufferedBytes: number;
  /**
   * Call at end of stream: an NDJSON final line without a trailing newline is decoded as a frame;
   * an unfinished Content-Length frame is discarded. The decoder is stopped afterwards.
   */
  end(): void;
  /** Stop decoding: a push() made from inside a handler after this is ignored; the rest of the current chunk is not processed. */
  stop(): void;
}

/**
 * What the NDJSON and Content-Length decoders share: the handlers, the resolved limits and the
 * stopped flag. Each subclass is the only class its `push()` sees, so field access stays
 * monomorphic.
 */
export abstract class StreamDecoder implements FrameDecoder {
  protected readonly handlers: DecoderHandlers;
  /** `maxMessageBytes`. */
  protected readonly max: number;
  protected readonly maxDepth: number;
  protected stopped = false;

  constructor(handlers: DecoderHandlers, options: ResolvedDecoderOptions) {
    this.handlers = handlers;
    this.max = options.maxMessageBytes;
    this.maxDepth = options.maxDepth;
  }

  abstract get bufferedBytes(): number;
  abstract push(chunk: Buffer): void;
  abstract end(): void;
  abstract stop(): void;
}

/** A decoder class, made with handlers and options already checked. */
export type DecoderClass = new (
  handlers: DecoderHandlers,
  options: ResolvedDecoderOptions,
) => FrameDecoder;

/**
 * Checks `handlers` and `options`, then makes a `Decoder`: the body of every decoder factory
 * (`what` names it in messages).
 * @throws TypeError (code `RERPC_ERR_INVALID_OPTION`) for a missing handler or an unknown or
 * invalid option.
 */
export function checkedDecoder(
  Decoder: DecoderClass,
  handlers: DecoderHandlers,
  options: DecoderOptions | undefined,
  what: string,
): FrameDecoder {
  validateHandlers(handlers);
  return new Decoder(handlers, resolveDecoderOptions(options, what));
}

/**
 * Validates and resolves decoder options once (`what` names the factory in messages).
 * @throws TypeError (code `RERPC_ERR_INVALID_OPTION`) for an unknown or invalid option.
 */
export function resolveDecoderOptions(
  options: DecoderOptions | undefined,
  what: string,
): ResolvedDecoderOptions {
  if (options === undefined) return DEFAULTS;
  checkOptions(options, OPTION_NAMES, `${what} options`);
  const maxMessageBytes = integerOption(options, 'maxMessageBytes');
  const maxDepth = integerOption(options, 'maxDepth');
  return Object.freeze({ maxMessageBytes, maxDepth });
}

function integerOption(options: DecoderOptions, name: keyof ResolvedDecoderOptions): number {
  return checkInteger(name, options[name] === undefined ? DEFAULTS[name] : options[name], 1);
}

/** @throws TypeError (code `RERPC_ERR_INVALID_OPTION`) for a missing handler. */
export function validateHandlers(handlers: DecoderHandlers): void {
  if (typeof handlers !== 'object' || handlers === null) {
    throw optionError(`handlers must be an object, got ${describe(handlers)}`);
  }
  for (const name of ['onMessage', 'onParseError', 'onOversize'] as const) {
    checkFunction(`handlers.${name}`, handlers[name]);
  }
  if (handlers.onFramingError !== undefined && typeof handlers.onFramingError !== 'function') {
    throw optionError(
      `handlers.onFramingError must be a function when present, got ${describe(handlers.onFramingError)}`,
    );
  }
}

const BLANK = /^[ \t\r\n]*$/;

/**
 * True when `text` takes more than `max` bytes as UTF-8, without encoding it where the UTF-16
 * length settles it: a UTF-16 unit takes 1 to 3 bytes.
 */
export function utf8Exceeds(text: string, max: number): boolean {
  // Stryker disable next-line ConditionalExpression: a fast path: the UTF-8 length is never below the UTF-16 one
  if (text.length > max) return true;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a fast path: a UTF-16 unit takes at most 3 bytes
  if (text.length * 3 <= max) return false;
  return Buffer.byteLength(text) > max;
}

/**
 * Decodes the JSON text in `buf[start, end)` and hands it to the handlers.
 *
 * Invalid UTF-8 check: `toString('utf8')` turns every invalid sequence into U+FFFD, so only a text
 * containing U+FFFD can come from invalid bytes; `isUtf8` then tells a real U+FFFD from a
 * replaced one. For a text V8 stores as one-byte (all of ASCII/Latin-1, the usual JSON-RPC
 * traffic) the `indexOf` of a two-byte character returns at once without scanning, so the check is
 * free where it matters (measured in apps/bench `codec`).
 *
 * @param skipBlank NDJSON: a whitespace-only line is a blank line, not an error.
 */
export function decodeFrame(
  handlers: DecoderHandlers,
  buf: Buffer,
  start: number,
  end: number,
  skipBlank: boolean,
  maxDepth: number,
): void {
  const text = buf.toString('utf8', start, end);
  // Stryker disable next-line ConditionalExpression,StringLiteral: a fast path: isUtf8 alone gives the same answer
  const replaced = text.indexOf('\uFFFD') !== -1;
  if (replaced && !isUtf8(buf.subarray(start, end))) {
    handlers.onParseError(new FrameParseError('utf8', end - start));
    return;
  }
  parseText(handlers, text, end - start, skipBlank, maxDepth, buf, start, end);
}

/**
 * Parses one frame's text (already known to be valid UTF-8) and hands it to the handlers; a frame
 * nested deeper than `maxDepth` is refused before `JSON.parse` (issue 11: a 1 MB frame of 520,000
 * nested arrays cost ~300 ms in `JSON.parse`, a flat one ~23 ms). A text of at most `maxDepth`
 * characters (the usual ~100-byte request) skips the check with one comparison.
 * @param size the frame's length in bytes, for the error (-1: compute it from `text` if needed).
 * @param bytes the frame's UTF-8 bytes are `bytes[start, end)`, scanned for depth when at hand;
 * `null` to scan `text` instead.
 */
export function parseText(
  handlers: DecoderHandlers,
  text: string,
  size: number,
  skipBlank: boolean,
  maxDepth: number,
  bytes: Uint8Array | null,
  start: number,
  end: number,
): void {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a fast path: frameExceedsDepth starts with this check
  const long = text.length > maxDepth;
  if (long && frameExceedsDepth(text, maxDepth, bytes, start, end)) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a size given is the text's UTF-8 length
    const bytes = size < 0 ? Buffer.byteLength(text) : size;
    handlers.onParseError(new FrameParseError('depth', bytes, { maxDepth }));
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    // Checked only on failure, so valid frames never pay for it.
    if (skipBlank && BLANK.test(text)) return;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a size given is the text's UTF-8 length
    const bytes = size < 0 ? Buffer.byteLength(text) : size;
    handlers.onParseError(new FrameParseError('json', bytes, { cause }));
    return;
  }
  // Outside the try: an exception from the handler is the caller's, not a parse error.
  handlers.onMessage(value);
}
