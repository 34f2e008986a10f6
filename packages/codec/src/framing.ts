import { describe, optionError } from '@rerpc/internal';
import { newContentLengthDecoder } from './content-length.js';
import {
  type DecoderHandlers,
  type DecoderOptions,
  type FrameDecoder,
  type Framing,
  resolveDecoderOptions,
  validateHandlers,
} from './decoder.js';
import { newNdjsonDecoder } from './ndjson.js';

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
  validateHandlers(handlers);
  const resolved = resolveDecoderOptions(options, 'createDecoder()');
  return framing === 'ndjson'
    ? newNdjsonDecoder(handlers, resolved)
    : newContentLengthDecoder(handlers, resolved);
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
    return `Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`;
  }
  throw unknownFraming(framing);
}

function unknownFraming(framing: unknown): TypeError {
  return optionError(`framing must be 'ndjson' or 'content-length', got ${describe(framing)}`);
}
