import { availableParallelism } from 'node:os';

/** Options of {@link createThreadPool}. */
export interface ThreadPoolOptions {
  /**
   * The worker module (absolute path or `file:` URL). Its default export (or the export named by
   * `name`) is called with each task's payload; its return value (or promise) is the result.
   */
  filename: string | URL;
  /**
   * The export of `filename` to call.
   * @default 'default'
   */
  name?: string;
  /**
   * Worker threads, all started up front and kept; also the number of tasks running at once.
   * @default os.availableParallelism()
   */
  threads?: number;
  /**
   * Tasks waiting for a free thread; the next one is refused at once with `QueueFullError`.
   * Smaller than the worker pool's default because each waiting CPU task costs milliseconds.
   * @default 1000
   */
  maxQueue?: number;
  /**
   * After the pool was saturated, `onDrain` listeners run once the queue is down to this many.
   * @default Math.floor(maxQueue / 2), 500 with the default maxQueue
   */
  drainThreshold?: number;
  /**
   * Milliseconds `close()` waits for accepted tasks before it aborts the rest (terminating their
   * threads): an integer from 0 (abort at once) to 2^31 - 1, or `Infinity` to wait forever.
   * @default 30000
   */
  closeTimeout?: number;
  /** Passed to every worker as `workerData` (structured-cloned). @default undefined */
  workerData?: unknown;
}

/** The thread pool's defaults; `threads` is this machine's `os.availableParallelism()`. */
export const THREAD_DEFAULTS = Object.freeze({
  name: 'default',
  threads: Math.max(1, availableParallelism()),
  maxQueue: 1_000,
  drainThreshold: 500,
  closeTimeout: 30_000,
});

/** Every option name of {@link createThreadPool}. */
export const THREAD_POOL_OPTIONS: readonly string[] = [
  'filename',
  'name',
  'threads',
  'maxQueue',
  'drainThreshold',
  'closeTimeout',
  'workerData',
];
