import { resolveWorkerPoolOptions, type WorkerPoolOptions } from './options.js';
import { Pool } from './pool.js';
import type { WorkerPool } from './types.js';

/**
 * Creates a bounded-concurrency executor: at most `concurrency` tasks run at once, at most
 * `maxQueue` wait (FIFO), the next is refused at once with `QueueFullError`.
 * Throws a `TypeError` with code `RERPC_ERR_INVALID_OPTION` on an invalid or unknown option.
 * @example
 * const pool = createWorkerPool({ concurrency: 10 });
 * const body = await pool.submit((signal) => fetch(url, { signal }).then((r) => r.text()));
 */
export function createWorkerPool(options?: WorkerPoolOptions): WorkerPool {
  return new Pool(resolveWorkerPoolOptions(options), true);
}
