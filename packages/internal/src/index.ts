export { describe } from './describe.js';
export {
  didYouMean,
  INVALID_OPTION,
  type OptionError,
  optionError,
  rejectUnknownOptions,
} from './options.js';
