export { AbortError, PoolClosedError, QueueFullError } from './errors.js';
export { DEFAULTS, type WorkerPoolOptions } from './options.js';
export type {
  CloseOptions,
  PoolControl,
  SubmitOptions,
  Task,
  TaskCallback,
  TaskFn,
  WorkerPool,
  WorkerPoolStats,
} from './types.js';
export { createWorkerPool } from './worker-pool.js';
