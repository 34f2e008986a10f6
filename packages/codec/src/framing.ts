import { describe, optionError } from '@rerpc/internal';
import { ContentLengthDecoder } from './content-length.js';
import {
  checkedDecoder,
  type DecoderHandlers,
  type DecoderOptions,
  type FrameDecoder,
  type Framing,
} from './decoder.js';
import { NdjsonDecoder } from './ndjson.js';

/**
 * Creates the streaming decoder for `framing`.
 * @throws TypeError (code `RERPC_ERR_INVALID_OPTION`) for an unknown framing, a missing handler,
 * or an unknown or invalid option.
 */
export function createDecoder(
  framing: Framing,
  handlers: DecoderHandlers,
  options?: DecoderOptions,
): FrameDecoder {
  if (framing !== 'ndjson' && framing !== 'content-length') throw unknownFraming(framing);
  const Decoder = framing === 'ndjson' ? NdjsonDecoder : ContentLengthDecoder;
  return checkedDecoder(Decoder, handlers, options, 'createDecoder()');
}

/**
 * Creates a streaming NDJSON decoder: one JSON text per line, `\n` terminated, `\r\n` accepted,
 * blank lines skipped.
 * @throws TypeError (code `RERPC_ERR_INVALID_OPTION`) for a missing handler or an unknown or
 * invalid option.
 */
export function createNdjsonDecoder(
  handlers: DecoderHandlers,
  options?: DecoderOptions,
): FrameDecoder {
  return checkedDecoder(NdjsonDecoder, handlers, options, 'createNdjsonDecoder()');
}

/**
 * Creates a streaming Content-Length (LSP-style) decoder.
 * @throws TypeError (code `RERPC_ERR_INVALID_OPTION`) for a missing handler or an unknown or
 * invalid option.
 */
export function createContentLengthDecoder(
  handlers: DecoderHandlers,
  options?: DecoderOptions,
): FrameDecoder {
  return checkedDecoder(ContentLengthDecoder, handlers, options, 'createContentLengthDecoder()');
}

/**
 * Wraps one JSON text in the framing: `ndjson` → text + `'\n'`; `content-length` →
 * `'Content-Length: <utf8 bytes>\r\n\r\n'` + text. `json` must be compact (no raw newline), as
 * every encoder of this package produces. For many frames, concatenate the strings and write once.
 * @throws TypeError (code `RERPC_ERR_INVALID_OPTION`) for an unknown framing.
 */
export function frame(framing: Framing, json: string): string {
  if (framing === 'ndjson') return `${json}\n`;
  if (framing === 'content-length') {
    return `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
  }
  throw unknownFraming(framing);
}

function unknownFraming(framing: unknown): TypeError {
  return optionError(`framing must be 'ndjson' or 'content-length', got ${describe(framing)}`);
}
