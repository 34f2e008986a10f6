import { checkInteger, checkOptions, checkTime, describe, optionError } from '@rerpc/internal';

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
   * `PoolClosedError`: an integer from 0 (abort at once) to 2^31 - 1, or `Infinity` to wait
   * forever.
   * @default 30000
   */
  closeTimeout?: number;
}

/** The worker pool's defaults, one place (the README's options table is tested against it). */
export const DEFAULTS = Object.freeze({
  concurrency: 100,
  maxQueue: 10_000,
  drainThreshold: 5_000,
  closeTimeout: 30_000,
});

/** Every option name of {@link createWorkerPool}. */
const WORKER_POOL_OPTIONS: readonly string[] = Object.keys(DEFAULTS);

/** What both pools' cores run on, resolved once and frozen. */
export interface ResolvedLimits {
  readonly concurrency: number;
  readonly maxQueue: number;
  readonly drainThreshold: number;
  readonly closeTimeout: number;
}

export function resolveLimits(
  concurrencyName: string,
  concurrency: unknown,
  maxQueue: unknown,
  drainThreshold: unknown,
  closeTimeout: unknown,
): ResolvedLimits {
  const c = checkInteger(concurrencyName, concurrency, 1);
  const q = checkInteger('maxQueue', maxQueue, 0);
  const d = drainThreshold === undefined ? Math.floor(q / 2) : drainThreshold;
  // Stryker disable next-line ConditionalExpression: Number.isInteger() is false for any non-number; the typeof narrows for TypeScript
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > q) {
    throw optionError(
      `drainThreshold must be an integer from 0 to maxQueue (${q}), got ${describe(d)}`,
    );
  }
  const t = checkTime('closeTimeout', closeTimeout, true);
  return Object.freeze({ concurrency: c, maxQueue: q, drainThreshold: d, closeTimeout: t });
}

export function resolveWorkerPoolOptions(options: WorkerPoolOptions | undefined): ResolvedLimits {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw optionError(`options must be an object, got ${describe(options)}`);
  }
  const o = checkOptions(options, WORKER_POOL_OPTIONS, 'createWorkerPool() options') ?? {};
  return resolveLimits(
    'concurrency',
    o.concurrency ?? DEFAULTS.concurrency,
    o.maxQueue ?? DEFAULTS.maxQueue,
    o.drainThreshold,
    o.closeTimeout ?? DEFAULTS.closeTimeout,
  );
}
