export type {
  Classified,
  ClassifiedBatch,
  ClassifiedInvalid,
  ClassifiedNotification,
  ClassifiedRequest,
  ClassifiedResponse,
  ClassifiedSingle,
  MessageKind,
} from './classify.js';
export { classify, invalidMessage, isValidId, messageKind } from './classify.js';
export { ErrorCode, isReservedCode, isServerErrorCode, standardMessage } from './error-codes.js';
export { RpcError } from './rpc-error.js';
export type {
  BatchRequest,
  BatchResponse,
  ErrorObject,
  ErrorResponse,
  Id,
  Message,
  Notification,
  Params,
  Request,
  Response,
  SuccessResponse,
} from './types.js';
