export { AbortError, PoolClosedError, QueueFullError } from './errors.js';
export { DEFAULTS, type WorkerPoolOptions } from './options.js';
export type * from './types.js';
export { createWorkerPool } from './worker-pool.js';
