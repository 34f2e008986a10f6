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
export type { TcpConnector, TcpConnectorOptions, TcpTarget } from './tcp-connector.js';
export { CONNECTOR_DEFAULTS, createTcpConnector } from './tcp-connector.js';
export type { AcquireOptions, CloseOptions, Pool, PoolStats } from './types.js';
