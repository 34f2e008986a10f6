import { createContentLengthDecoder } from './content-length.js';
import {
  type DecoderHandlers,
  type DecoderOptions,
  describe,
  type FrameDecoder,
  type Framing,
} from './decoder.js';
import { createNdjsonDecoder } from './ndjson.js';

/**
 * Creates the streaming decoder for `framing`.
 * @throws TypeError for an unknown framing or a missing handler; RangeError for an invalid option.
 */
export function createDecoder(
  framing: Framing,
  handlers: DecoderHandlers,
  options?: DecoderOptions,
): FrameDecoder {
  if (framing === 'ndjson') return createNdjsonDecoder(handlers, options);
  if (framing === 'content-length') return createContentLengthDecoder(handlers, options);
  throw unknownFraming(framing);
}

/**
 * Wraps one JSON text in the framing: `ndjson` → text + `'\n'`; `content-length` →
 * `'Content-Length: <utf8 bytes>\r\n\r\n'` + text. `json` must be compact (no raw newline), as
 * every encoder of this package produces. For many frames, concatenate the strings and write once.
 * @throws TypeError for an unknown framing.
 */
export function frame(framing: Framing, json: string): string {
  if (framing === 'ndjson') return `${json}\n`;
  if (framing === 'content-length') {
    return `Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`;
  }
  throw unknownFraming(framing);
}

function unknownFraming(framing: unknown): TypeError {
  return new TypeError(`framing must be 'ndjson' or 'content-length', got ${describe(framing)}`);
}
