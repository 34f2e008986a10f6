export { RegistrationError } from './errors.js';
export type { MethodError, MethodExample, MethodMetadata } from './metadata.js';
export {
  OPENRPC_VERSION,
  type OpenRpcContentDescriptor,
  type OpenRpcDocument,
  type OpenRpcInfo,
  type OpenRpcMethod,
  openRpcDocument,
} from './openrpc.js';
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
