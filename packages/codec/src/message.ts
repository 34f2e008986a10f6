import { describe, optionError } from '@rerpc/internal';
import {
  type DecoderHandlers,
  type DecoderOptions,
  decodeFrame,
  parseText,
  type ResolvedDecoderOptions,
  resolveDecoderOptions,
  utf8Exceeds,
} from './decoder.js';
import { FrameTooLargeError } from './errors.js';

/** The handlers of one complete message: a decoder's handlers but `onFramingError`. */
export type MessageHandlers = Pick<DecoderHandlers, 'onMessage' | 'onParseError' | 'onOversize'>;

/** Decodes complete messages (an HTTP body, a WebSocket message) with a frame's checks. */
export interface MessageDecoder {
  /** The resolved options (frozen). */
  readonly options: ResolvedDecoderOptions;
  /**
   * Decodes one complete JSON text, given as a string or as its UTF-8 bytes, with the checks the
   * stream decoders make on a frame, in their order (size, UTF-8, depth, JSON), and calls exactly
   * one handler, synchronously: `onMessage(value)`, `onParseError(error)` (`reason` `'json'`,
   * `'utf8'` or `'depth'`) or `onOversize(error)`. A string's size is its UTF-8 length. Unlike an
   * NDJSON line, a blank message is a parse error. `handlers` is not checked (this is a per-call
   * path): pass an object with the three functions.
   * @throws TypeError (code `RERPC_ERR_INVALID_OPTION`) when `message` is neither a string nor a
   * Uint8Array.
   */
  decode(message: string | Uint8Array, handlers: MessageHandlers): void;
}

class OneMessageDecoder implements MessageDecoder {
  readonly options: ResolvedDecoderOptions;
  private readonly max: number;
  private readonly maxDepth: number;

  constructor(options: ResolvedDecoderOptions) {
    this.options = options;
    this.max = options.maxMessageBytes;
    this.maxDepth = options.maxDepth;
  }

  decode(message: string | Uint8Array, handlers: MessageHandlers): void {
    const max = this.max;
    if (typeof message === 'string') {
      if (utf8Exceeds(message, max)) {
        handlers.onOversize(new FrameTooLargeError(max, Buffer.byteLength(message), false));
        return;
      }
      parseText(handlers as DecoderHandlers, message, -1, false, this.maxDepth, null, 0, 0);
      return;
    }
    if (!(message instanceof Uint8Array)) {
      throw optionError(`message must be a string or a Uint8Array, got ${describe(message)}`);
    }
    const size = message.byteLength;
    if (size > max) {
      handlers.onOversize(new FrameTooLargeError(max, size, false));
      return;
    }
    const bytes = Buffer.isBuffer(message)
      ? message
      : Buffer.from(message.buffer, message.byteOffset, size);
    decodeFrame(handlers as DecoderHandlers, bytes, 0, size, false, this.maxDepth);
  }
}

/**
 * Creates a decoder of complete messages, for transports that deliver whole messages rather than
 * a byte stream: the same limits (`maxMessageBytes`, `maxDepth`) and the same errors as the
 * stream decoders, so every transport answers bad input alike.
 * @throws TypeError (code `RERPC_ERR_INVALID_OPTION`) for an unknown or invalid option.
 * @example
 * const messages = createMessageDecoder({ maxMessageBytes: 65536 });
 * messages.decode(body, { onMessage: dispatch, onParseError: reply32700, onOversize: reply32600 });
 */
export function createMessageDecoder(options?: DecoderOptions): MessageDecoder {
  return new OneMessageDecoder(resolveDecoderOptions(options, 'createMessageDecoder()'));
}
