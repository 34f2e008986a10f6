export {
  checkBoolean,
  checkFunction,
  checkFunctionOrNull,
  checkInteger,
  checkOptions,
  checkSignal,
  checkTime,
  closeTimeout,
  MAX_TIMER,
} from './checks.js';
export { describe } from './describe.js';
export { asyncDispose } from './dispose.js';
export { brand, brandInstance, isRerpcError, RerpcError } from './errors.js';
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
