import { availableParallelism } from 'node:os';
import { describe, optionError, rejectUnknownOptions } from '@rerpc/internal';

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  /**
   * Tasks running at once (Go rerpc's `NewServer(workers)`). Tasks are usually asynchronous, so
   * this is not a CPU count.
   * @default 100
   */
  concurrency?: number;
  /**
   * Tasks waiting for a free slot; the next one is refused at once with `QueueFullError`.
   * 0 means no queue: a task either starts at once or is refused.
   * @default 10000
   */
  maxQueue?: number;
  /**
   * After the pool was saturated, `onDrain` listeners run once the queue is down to this many
   * waiting tasks (hysteresis, so a paused producer does not flap).
   * @default Math.floor(maxQueue / 2), 5000 with the default maxQueue
   */
  drainThreshold?: number;
  /**
   * Milliseconds `close()` waits for accepted tasks before it aborts the rest with
   * `PoolClosedError`; `Infinity` waits forever, 0 aborts at once.
   * @default 30000
   */
  closeTimeout?: number;
}

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
   * threads); `Infinity` waits forever, 0 aborts at once.
   * @default 30000
   */
  closeTimeout?: number;
  /** Passed to every worker as `workerData` (structured-cloned). @default undefined */
  workerData?: unknown;
}

/** The worker pool's defaults, one place (the README's options table is tested against it). */
export const DEFAULTS = Object.freeze({
  concurrency: 100,
  maxQueue: 10_000,
  drainThreshold: 5_000,
  closeTimeout: 30_000,
});

/** The thread pool's defaults; `threads` is this machine's `os.availableParallelism()`. */
export const THREAD_DEFAULTS = Object.freeze({
  name: 'default',
  threads: Math.max(1, availableParallelism()),
  maxQueue: 1_000,
  drainThreshold: 500,
  closeTimeout: 30_000,
});

/** Every option name of {@link createWorkerPool}. */
const WORKER_POOL_OPTIONS: readonly string[] = Object.keys(DEFAULTS);

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

/** The names `close()` accepts. */
const CLOSE_OPTIONS: readonly string[] = ['timeout'];

/** Reads `close()` options: the timeout, or `fallback` when none is given. */
export function closeTimeout(options: unknown, fallback: number): number {
  if (options === undefined) return fallback;
  if (typeof options !== 'object' || options === null) {
    throw optionError(`close() options must be an object, got ${describe(options)}`);
  }
  rejectUnknownOptions(options, CLOSE_OPTIONS, 'close() options');
  const timeout = (options as { timeout?: unknown }).timeout;
  return timeout === undefined ? fallback : checkTimeout('timeout', timeout);
}

/**
 * Reads per-task options (`{ signal }`, plus `known` extras): the signal, or null. Allocation-free
 * when every key is known, since it runs per task.
 */
export function taskSignal(
  options: unknown,
  known: readonly string[],
  what: string,
): AbortSignal | null {
  if (options === undefined) return null;
  if (typeof options !== 'object' || options === null) {
    throw optionError(`${what} options must be an object, got ${describe(options)}`);
  }
  for (const key in options) {
    if (key !== 'signal' && !known.includes(key)) {
      rejectUnknownOptions(options, known, `${what} options`);
    }
  }
  const signal = (options as { signal?: unknown }).signal;
  if (signal === undefined || signal === null) return null;
  if (signal instanceof AbortSignal) return signal;
  // Duck-typed, as the pool uses it: a signal from another realm or a polyfill works too.
  const s = signal as Partial<AbortSignal>;
  if (
    typeof signal !== 'object' ||
    typeof s.aborted !== 'boolean' ||
    typeof s.addEventListener !== 'function'
  ) {
    throw optionError(`signal must be an AbortSignal, got ${describe(signal)}`);
  }
  return signal as AbortSignal;
}

/** What both pools' cores run on, resolved once and frozen. */
export interface ResolvedLimits {
  readonly concurrency: number;
  readonly maxQueue: number;
  readonly drainThreshold: number;
  readonly closeTimeout: number;
}

function integerAtLeast(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw optionError(`${name} must be an integer >= ${min}, got ${describe(value)}`);
  }
  return value;
}

/** Validates a timeout in milliseconds: a number >= 0, `Infinity` allowed. */
export function checkTimeout(name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw optionError(
      `${name} must be a number of milliseconds >= 0 (Infinity waits forever), got ${describe(value)}`,
    );
  }
  return value;
}

export function resolveLimits(
  concurrencyName: string,
  concurrency: unknown,
  maxQueue: unknown,
  drainThreshold: unknown,
  closeTimeout: unknown,
): ResolvedLimits {
  const c = integerAtLeast(concurrencyName, concurrency, 1);
  const q = integerAtLeast('maxQueue', maxQueue, 0);
  const d = drainThreshold === undefined ? Math.floor(q / 2) : drainThreshold;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > q) {
    throw optionError(
      `drainThreshold must be an integer from 0 to maxQueue (${q}), got ${describe(d)}`,
    );
  }
  const t = checkTimeout('closeTimeout', closeTimeout);
  return Object.freeze({ concurrency: c, maxQueue: q, drainThreshold: d, closeTimeout: t });
}

export function resolveWorkerPoolOptions(options: WorkerPoolOptions | undefined): ResolvedLimits {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw optionError(`options must be an object, got ${describe(options)}`);
  }
  const o = options ?? {};
  rejectUnknownOptions(o, WORKER_POOL_OPTIONS, 'createWorkerPool() options');
  return resolveLimits(
    'concurrency',
    o.concurrency ?? DEFAULTS.concurrency,
    o.maxQueue ?? DEFAULTS.maxQueue,
    o.drainThreshold,
    o.closeTimeout ?? DEFAULTS.closeTimeout,
  );
}
