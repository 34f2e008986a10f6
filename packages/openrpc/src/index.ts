export { OpenRpcDocumentError } from './errors.js';
export { DEFAULTS, type GenerateOptions, generateTypes } from './generate.js';
export { readDocument } from './read.js';
