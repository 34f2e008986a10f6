import { errorClass } from '@rerpc/internal';

// Each error has a stable `code`; `instanceof` works across two installed copies of this package
// (errorClass() brands each class with its code; undici: lib/core/errors.js).

/**
 * A frame longer than `maxMessageBytes`: it was skipped without being buffered whole.
 * The decoder goes on after it; callers usually close the connection.
 */
export class FrameTooLargeError extends errorClass(
  'FrameTooLargeError',
  'RERPC_ERR_FRAME_TOO_LARGE',
) {
  /** The `maxMessageBytes` in force. */
  declare readonly limit: number;
  /** Bytes of the frame seen when it was rejected (NDJSON), or its declared length (Content-Length). */
  declare readonly size: number;

  constructor(limit: number, size: number, declared: boolean, options?: { cause?: unknown }) {
    super(
      `A frame exceeds maxMessageBytes (${limit}): ${size} bytes ${declared ? 'declared by its Content-Length header' : 'seen before it was rejected'}; it was skipped. Raise maxMessageBytes if the peer may send messages that large, otherwise close the connection`,
      options,
    );
    Object.assign(this, { limit, size });
  }
}

/**
 * One frame that is not valid JSON (`reason: 'json'`, `cause` is the `SyntaxError`), not valid
 * UTF-8 (`reason: 'utf8'`) or nested deeper than `maxDepth` (`reason: 'depth'`): that frame was
 * dropped and the decoder goes on with the next one.
 */
export class FrameParseError extends errorClass('FrameParseError', 'RERPC_ERR_FRAME_PARSE') {
  /** Why the frame was dropped. */
  declare readonly reason: FrameParseReason;
  /** Bytes in the dropped frame. */
  declare readonly size: number;

  /** @param options.maxDepth the limit passed, for a `'depth'` error's message. */
  constructor(
    reason: FrameParseReason,
    size: number,
    options?: { cause?: unknown; maxDepth?: number },
  ) {
    super(parseMessage(reason, size, options), options);
    Object.assign(this, { reason, size });
  }
}

/**
 * Why a frame could not be decoded: `'json'` not valid JSON, `'utf8'` not valid UTF-8, `'depth'`
 * arrays and objects nested deeper than the decoder's `maxDepth` (refused before `JSON.parse`).
 */
export type FrameParseReason = 'json' | 'utf8' | 'depth';

/**
 * A malformed Content-Length header: the decoder cannot find the next frame boundary, so it stops.
 * Close the connection.
 */
export class FramingError extends errorClass('FramingError', 'RERPC_ERR_FRAMING') {
  /** The header text that could not be read (at most 200 characters). */
  declare readonly header: string;

  constructor(detail: string, header: string, options?: { cause?: unknown }) {
    super(
      `Malformed Content-Length framing: ${detail}; the stream cannot be resynchronised, so decoding stopped: close the connection and check that the peer uses Content-Length framing`,
      options,
    );
    Object.assign(this, { header: header.slice(0, 200) });
  }
}

function parseMessage(
  reason: FrameParseReason,
  size: number,
  options: { cause?: unknown; maxDepth?: number } | undefined,
): string {
  if (reason === 'utf8') {
    return `A frame of ${size} bytes is not valid UTF-8 and was dropped; answer it with -32700 Parse error and check that the peer encodes its messages as UTF-8`;
  }
  if (reason === 'depth') {
    return `A frame of ${size} bytes nests arrays and objects deeper than maxDepth${options?.maxDepth === undefined ? '' : ` (${options.maxDepth})`} and was dropped before parsing; answer it with -32600 Invalid Request (id null), or raise maxDepth if the peer may send such messages`;
  }
  return `A frame of ${size} bytes is not valid JSON (${errorText(options?.cause)}) and was dropped; answer it with -32700 Parse error and check the peer's encoder`;
}

function errorText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
