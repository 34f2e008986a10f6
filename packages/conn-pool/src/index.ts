export {
  AbortError,
  DialError,
  DialTimeoutError,
  PoolClosedError,
  PoolExhaustedError,
} from './errors.js';
export type { PoolFactory, PoolOptions } from './options.js';
export { DEFAULTS } from './options.js';
export { createPool } from './pool.js';
export type { SharedPoolFactory, SharedPoolOptions } from './shared-options.js';
export { SHARED_DEFAULTS } from './shared-options.js';
export { createSharedPool } from './shared-pool.js';
export type { LeaseWaiter, SharedPool, SharedPoolStats } from './shared-types.js';
export type { TcpConnector, TcpConnectorOptions, TcpTarget } from './tcp-connector.js';
export { CONNECTOR_DEFAULTS, createTcpConnector } from './tcp-connector.js';
export type { AcquireOptions, CloseOptions, Pool, PoolStats } from './types.js';
