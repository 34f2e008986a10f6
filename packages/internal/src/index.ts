// checks.ts holds only the shared option checks (and MAX_TIMER), every one exported.

export { type CancelShape, cancelledId, resolveCancelMethod } from './cancel-method.js';
export { type Subscribers, subscribeAll } from './channels.js';
export * from './checks.js';
export { describe } from './describe.js';
export { asyncDispose } from './dispose.js';
export {
  brand,
  brandInstance,
  type ErrorClass,
  errorClass,
  isRerpcError,
  RerpcError,
} from './errors.js';
export {
  callHandlerErrorListener,
  errorClassName,
  HandlerErrorLog,
} from './handler-log.js';
export { Histogram, type LatencySummary } from './histogram.js';
export { LinkedList, LinkedListOf, type ListNode } from './linked-list.js';
export {
  didYouMean,
  INVALID_OPTION,
  type OptionError,
  optionError,
  rejectUnknownOptions,
} from './options.js';
export { signalOption } from './signal-option.js';
export { SignalWatch, SignalWatches, type WatchNode } from './signal-watch.js';
