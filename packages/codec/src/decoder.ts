import { isUtf8 } from 'node:buffer';
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
}

/** Resolved decoder options. */
export interface ResolvedDecoderOptions {
  readonly maxMessageBytes: number;
}

/** The decoder defaults, one frozen object; the README's Options table is held to it by a test. */
export const DEFAULTS: ResolvedDecoderOptions = Object.freeze({ maxMessageBytes: 1_048_576 });

export interface DecoderHandlers {
  /** One parsed JSON value per frame (already `JSON.parse`d). Called synchronously from `push()`. */
  onMessage(value: unknown): void;
  /** Invalid JSON or invalid UTF-8 in one frame: that frame is dropped, the stream goes on. */
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
   * Decodes every complete frame in `chunk`; keeps an unfinished frame for the next push, as
   * views of `chunk` (no copy): do not reuse or modify a pushed buffer (e.g. a `net` `onread`
   * buffer) while `bufferedBytes` is above 0, or copy it before pushing.
   */
  push(chunk: Buffer): void;
  /** Bytes held for a frame split across chunks. */
  readonly bufferedBytes: number;
  /**
   * Call at end of stream: an NDJSON final line without a trailing newline is decoded as a frame;
   * an unfinished Content-Length frame is discarded. The decoder is stopped afterwards.
   */
  end(): void;
  /** Stop decoding: a push() made from inside a handler after this is ignored; the rest of the current chunk is not processed. */
  stop(): void;
}

export function resolveDecoderOptions(options: DecoderOptions | undefined): ResolvedDecoderOptions {
  if (options === undefined) return DEFAULTS;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  const max =
    options.maxMessageBytes === undefined ? DEFAULTS.maxMessageBytes : options.maxMessageBytes;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new RangeError(`maxMessageBytes must be an integer >= 1, got ${describe(max)}`);
  }
  return Object.freeze({ maxMessageBytes: max });
}

export function validateHandlers(handlers: DecoderHandlers): void {
  if (typeof handlers !== 'object' || handlers === null) {
    throw new TypeError(`handlers must be an object, got ${describe(handlers)}`);
  }
  for (const name of ['onMessage', 'onParseError', 'onOversize'] as const) {
    if (typeof handlers[name] !== 'function') {
      throw new TypeError(`handlers.${name} must be a function, got ${describe(handlers[name])}`);
    }
  }
  if (handlers.onFramingError !== undefined && typeof handlers.onFramingError !== 'function') {
    throw new TypeError(
      `handlers.onFramingError must be a function when present, got ${describe(handlers.onFramingError)}`,
    );
  }
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

const BLANK = /^[ \t\r\n]*$/;

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
): void {
  const text = buf.toString('utf8', start, end);
  if (text.indexOf('\uFFFD') !== -1 && !isUtf8(buf.subarray(start, end))) {
    handlers.onParseError(new FrameParseError('utf8', end - start));
    return;
  }
  parseText(handlers, text, end - start, skipBlank);
}

/**
 * Parses one frame's text (already known to be valid UTF-8) and hands it to the handlers.
 * @param size the frame's length in bytes, for the error (-1: compute it from `text` if needed).
 */
export function parseText(
  handlers: DecoderHandlers,
  text: string,
  size: number,
  skipBlank: boolean,
): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    // Checked only on failure, so valid frames never pay for it.
    if (skipBlank && BLANK.test(text)) return;
    const bytes = size < 0 ? Buffer.byteLength(text, 'utf8') : size;
    handlers.onParseError(new FrameParseError('json', bytes, { cause }));
    return;
  }
  // Outside the try: an exception from the handler is the caller's, not a parse error.
  handlers.onMessage(value);
}
