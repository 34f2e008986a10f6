export { RegistrationError } from './errors.js';
export { DEFAULTS, type RegistryOptions, type StringFormat } from './options.js';
export type {
  Handler,
  JsonSchema,
  MethodEntry,
  MethodInfo,
  MethodOptions,
  RegisterOptions,
  Registry,
} from './registry.js';
export { createRegistry } from './registry.js';
