export type {
  DecoderHandlers,
  DecoderOptions,
  FrameDecoder,
  Framing,
  ResolvedDecoderOptions,
} from './decoder.js';
export { DEFAULTS } from './decoder.js';
export { exceedsDepth } from './depth.js';
export type {
  JSONSchemaObject,
  RequestEncoder,
  RequestEncoderOptions,
  ResponseEncoder,
  ResponseEncoderOptions,
} from './encode.js';
export { compileRequestEncoder, compileResponseEncoder, encodeError } from './encode.js';
export type { FrameParseReason } from './errors.js';
export { FrameParseError, FrameTooLargeError, FramingError } from './errors.js';
export {
  createContentLengthDecoder,
  createDecoder,
  createNdjsonDecoder,
  frame,
} from './framing.js';
export {
  createMessageDecoder,
  type MessageDecoder,
  type MessageHandlers,
} from './message.js';
export { encodeBatch, encodeId, plainRequestEncoder } from './plain.js';
