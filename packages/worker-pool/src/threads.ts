// `@rerpc/worker-pool/threads`: the worker_threads pool, on piscina. A subpath of its own so
// `import '@rerpc/worker-pool'` never loads piscina (70-170 ms cold) for users who never start a
// thread. The error classes and close options are the main entry's (the same objects: the build
// shares one chunk between both entries).
export { AbortError, PoolClosedError, QueueFullError } from './errors.js';
export { THREAD_DEFAULTS, type ThreadPoolOptions } from './thread-options.js';
export { createThreadPool, type ThreadPool, type ThreadSubmitOptions } from './thread-pool.js';
export type { CloseOptions, PoolControl, WorkerPoolStats } from './types.js';
