export { AbortError, PoolClosedError, QueueFullError } from './errors.js';
export {
  DEFAULTS,
  THREAD_DEFAULTS,
  type ThreadPoolOptions,
  type WorkerPoolOptions,
} from './options.js';
export {
  createThreadPool,
  type ThreadPool,
  type ThreadSubmitOptions,
} from './thread-pool.js';
export {
  type CloseOptions,
  createWorkerPool,
  type PoolControl,
  type SubmitOptions,
  type Task,
  type TaskCallback,
  type TaskFn,
  type WorkerPool,
  type WorkerPoolStats,
} from './worker-pool.js';
