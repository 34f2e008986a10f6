import { describe, optionError, SignalWatches, signalOption } from '@rerpc/internal';
import { Closer } from './closer.js';
import { AbortError, PoolClosedError, QueueFullError } from './errors.js';
import {
  ABANDONED,
  type AnyFn,
  asError,
  CALL_FN,
  CALL_TASK,
  callBack,
  DONE,
  deliver,
  isThenable,
  Job,
  JobQueue,
  promiseFor,
  QUEUED,
  RUNNING,
  RunningList,
} from './job.js';
import { Listeners } from './listeners.js';
import type { ResolvedLimits } from './options.js';
import type {
  CloseOptions,
  SubmitOptions,
  Task,
  TaskCallback,
  TaskFn,
  WorkerPool,
  WorkerPoolStats,
} from './types.js';

/** The names `submit()` and `run()` accept as per-task options. */
const SUBMIT_OPTIONS: readonly string[] = ['signal'];

/**
 * The executor: the life of a task, from admission (run now, queue, or refuse) through start and
 * settle to delivery. The queue, the running list, the signal watches, the drain/idle listeners
 * and the closer each own their state; the pool owns the counters.
 *
 * A release delivers the result first and then pumps the queue, so a callback may run while a
 * slot is free and tasks wait: that is why the fast path checks that the queue is empty too,
 * which keeps FIFO order.
 */
export class Pool implements WorkerPool {
  readonly limits: ResolvedLimits;
  private readonly concurrency: number;
  private readonly maxQueue: number;
  private runningCount = 0;
  private completedCount = 0;
  private failedCount = 0;
  private rejectedCount = 0;
  private readonly queue = new JobQueue();
  private readonly runningJobs = new RunningList();
  private readonly watches = new SignalWatches<Job>((job) => this.abortJob(job));
  private readonly listeners = new Listeners();
  private readonly closer: Closer;
  /** The closer's: aborted once close() gives up waiting; shared by tasks that ignore their own. */
  private readonly sharedSignal: AbortSignal;
  /** Whether a task that declares its signal parameter gets its own (see wantsOwnSignal). */
  private readonly perTaskSignals: boolean;

  constructor(limits: ResolvedLimits, perTaskSignals: boolean) {
    this.limits = limits;
    this.concurrency = limits.concurrency;
    this.maxQueue = limits.maxQueue;
    this.perTaskSignals = perTaskSignals;
    this.closer = new Closer(limits.closeTimeout, {
      abandonAll: (reason) => this.abandonAll(reason),
      afterRelease: () => this.afterRelease(),
    });
    this.sharedSignal = this.closer.sharedSignal;
  }

  get running(): number {
    return this.runningCount;
  }

  get queued(): number {
    return this.queue.size;
  }

  get isSaturated(): boolean {
    return this.runningCount >= this.concurrency && this.queue.size >= this.maxQueue;
  }

  get closed(): boolean {
    return this.closer.closed;
  }

  submit<T>(task: Task<T>, options?: SubmitOptions): Promise<T> {
    return this.enter(CALL_TASK, task as AnyFn, undefined, options, 'submit()');
  }

  run<A, T>(fn: TaskFn<A, T>, arg: A, options?: SubmitOptions): Promise<T> {
    return this.enter(CALL_FN, fn as AnyFn, arg, options, 'run()');
  }

  tryRun<A, T>(fn: TaskFn<A, T>, arg: A, done: TaskCallback<A, T>): boolean {
    if (this.closer.closed) {
      this.rejectedCount++;
      return false;
    }
    if (typeof fn !== 'function') throw optionError(`fn must be a function, got ${describe(fn)}`);
    if (typeof done !== 'function') {
      throw optionError(`done must be a function, got ${describe(done)}`);
    }
    const cb = done as TaskCallback<unknown, unknown>;
    if (this.runningCount < this.concurrency && this.queue.size === 0) {
      this.runningCount++;
      // tryRun takes no caller signal, so an own signal and the shared one differ only in cost:
      // close aborts both with the same reason.
      // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: own or shared signal, see above
      const ownSignal = this.perTaskSignals && fn.length >= 2;
      // Stryker disable next-line ConditionalExpression: own or shared signal, see above
      const controller = ownSignal ? new AbortController() : null;
      if (controller !== null) this.closer.enter(controller);
      let value: unknown;
      try {
        // Stryker disable next-line ConditionalExpression: own or shared signal, see above
        value = fn(arg, controller === null ? this.sharedSignal : controller.signal);
      } catch (error) {
        if (controller !== null) this.closer.leave();
        this.releaseSync(false);
        const closed = this.closer.abortReason;
        callBack(cb, closed !== null ? closed : asError(error), undefined, arg);
        // Stryker disable next-line ConditionalExpression: pump() with an empty queue starts nothing; the check only skips the call
        if (this.queue.head !== null) this.pump();
        this.afterRelease();
        return true;
      }
      if (controller !== null) this.closer.leave();
      if (!isThenable(value)) {
        const closed = this.closer.abortReason;
        this.releaseSync(closed === null);
        callBack(cb, closed, closed === null ? value : undefined, arg);
        // Stryker disable next-line ConditionalExpression: pump() with an empty queue starts nothing; the check only skips the call
        if (this.queue.head !== null) this.pump();
        this.afterRelease();
        return true;
      }
      const job = new Job(CALL_FN, fn as AnyFn, arg, null, cb);
      job.controller = controller;
      this.abandonIfClosed(job);
      // Stryker disable next-line BooleanLiteral: a tryRun job has no caller signal, so there is no watch to add either way
      this.track(job, value, false);
      return true;
    }
    if (this.queue.size >= this.maxQueue) {
      this.rejectedCount++;
      this.listeners.saturated();
      return false;
    }
    this.enqueue(new Job(CALL_FN, fn as AnyFn, arg, null, cb));
    return true;
  }

  onDrain(listener: () => void): () => void {
    return this.listeners.onDrain(listener);
  }

  onIdle(): Promise<void> {
    if (this.runningCount === 0 && this.queue.size === 0) return Promise.resolve();
    return this.listeners.nextIdle();
  }

  stats(): WorkerPoolStats {
    return {
      running: this.runningCount,
      queued: this.queue.size,
      completed: this.completedCount,
      failed: this.failedCount,
      rejected: this.rejectedCount,
      concurrency: this.concurrency,
      maxQueue: this.maxQueue,
    };
  }

  close(options?: CloseOptions): Promise<void> {
    return this.closer.close(options, this.runningCount === 0 && this.queue.size === 0);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // --- admission ------------------------------------------------------------------------------

  /** The promise-returning entry (`submit`, `run`): never throws. */
  private enter<T>(
    kind: number,
    fn: AnyFn,
    arg: unknown,
    options: SubmitOptions | undefined,
    what: string,
  ): Promise<T> {
    let signal: AbortSignal | null = null;
    // Stryker disable next-line ConditionalExpression: signalOption(undefined) is null too; the check only skips the call
    if (options !== undefined) {
      try {
        signal = signalOption(options, SUBMIT_OPTIONS, `${what} options`);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.closer.closed) {
      this.rejectedCount++;
      return Promise.reject(new PoolClosedError());
    }
    if (typeof fn !== 'function') {
      this.rejectedCount++;
      return Promise.reject(optionError(`task must be a function, got ${describe(fn)}`));
    }
    if (signal?.aborted) {
      this.rejectedCount++;
      return Promise.reject(new AbortError(signal.reason));
    }
    if (this.runningCount < this.concurrency && this.queue.size === 0) {
      // Fast path: run now; a plain value costs one resolved promise and nothing else.
      this.runningCount++;
      const controller = this.wantsOwnSignal(kind, fn) ? new AbortController() : null;
      const taskSignal =
        controller !== null ? controller.signal : signal !== null ? signal : this.sharedSignal;
      if (controller !== null) this.closer.enter(controller);
      let value: unknown;
      try {
        value = kind === CALL_TASK ? fn(taskSignal) : fn(arg, taskSignal);
      } catch (error) {
        if (controller !== null) this.closer.leave();
        this.releaseSync(false);
        // The task may have queued more work while it held the slot.
        // Stryker disable next-line ConditionalExpression: pump() with an empty queue starts nothing; the check only skips the call
        if (this.queue.head !== null) this.pump();
        this.afterRelease();
        const closed = this.closer.abortReason;
        return Promise.reject(closed !== null ? closed : error);
      }
      if (controller !== null) this.closer.leave();
      if (!isThenable(value)) {
        // Set if close gave up while the task ran (it closed the pool): answered like the rest.
        const closed = this.closer.abortReason;
        this.releaseSync(closed === null);
        // Stryker disable next-line ConditionalExpression: pump() with an empty queue starts nothing; the check only skips the call
        if (this.queue.head !== null) this.pump();
        this.afterRelease();
        return closed === null ? Promise.resolve(value as T) : Promise.reject(closed);
      }
      const job = new Job(kind, fn, arg, signal, null);
      job.controller = controller;
      const promise = promiseFor<T>(job);
      this.abandonIfClosed(job);
      this.track(job, value, false);
      return promise;
    }
    if (this.queue.size >= this.maxQueue) {
      this.rejectedCount++;
      this.listeners.saturated();
      return Promise.reject(new QueueFullError(this.maxQueue));
    }
    const job = new Job(kind, fn, arg, signal, null);
    const promise = promiseFor<T>(job);
    this.enqueue(job);
    if (signal !== null) this.watches.add(job, signal);
    return promise;
  }

  /**
   * Creating an AbortSignal costs ~4 µs on Node 20 (an AbortController alone ~15 ns), 10-40× a
   * tiny task. So a task gets its own signal only if it declares the parameter; one that does not
   * gets the caller's signal or the pool's shared one, which cost nothing.
   */
  private wantsOwnSignal(kind: number, fn: AnyFn): boolean {
    return this.perTaskSignals && fn.length >= (kind === CALL_TASK ? 1 : 2);
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    if (this.queue.size >= this.maxQueue) this.listeners.saturated();
  }

  // --- running --------------------------------------------------------------------------------

  /** Starts queued jobs while slots are free. */
  private pump(): void {
    while (this.runningCount < this.concurrency) {
      const job = this.queue.shift();
      if (job === null) break;
      this.start(job);
    }
  }

  private start(job: Job): void {
    this.runningCount++;
    job.state = RUNNING;
    let taskSignal: AbortSignal;
    if (this.wantsOwnSignal(job.kind, job.fn)) {
      job.controller = new AbortController();
      taskSignal = job.controller.signal;
    } else {
      taskSignal = job.signal !== null ? job.signal : this.sharedSignal;
    }
    const controller = job.controller;
    if (controller !== null) this.closer.enter(controller);
    let value: unknown;
    try {
      value = job.kind === CALL_TASK ? job.fn(taskSignal) : job.fn(job.arg, taskSignal);
    } catch (error) {
      if (controller !== null) this.closer.leave();
      this.abandonIfClosed(job);
      this.finishSync(job, false, error);
      return;
    }
    if (controller !== null) this.closer.leave();
    this.abandonIfClosed(job);
    if (!isThenable(value)) {
      this.finishSync(job, true, value);
      return;
    }
    // Its abort listener, added when it was queued, stays on for the running phase.
    this.track(job, value, true);
  }

  /** A queued job's task finished synchronously (its signal may have aborted meanwhile). */
  private finishSync(job: Job, ok: boolean, value: unknown): void {
    this.runningCount--;
    const abandoned = job.state === ABANDONED;
    job.state = DONE;
    this.watches.remove(job);
    if (abandoned) return;
    if (ok) this.completedCount++;
    else this.failedCount++;
    deliver(job, ok, value);
  }

  /** A started task returned a thenable: hold its slot until that settles. */
  private track(job: Job, thenable: PromiseLike<unknown>, listening: boolean): void {
    const abandoned = job.state === ABANDONED;
    job.state = abandoned ? ABANDONED : RUNNING;
    this.runningJobs.push(job);
    if (this.runningCount >= this.concurrency && this.queue.size >= this.maxQueue) {
      this.listeners.saturated();
    }
    const signal = job.signal;
    // A job started from the queue (`listening`) keeps the watch it got when it was queued; only a
    // fast-path job needs one here, unless close abandoned it while it was being called.
    if (signal !== null && !listening && !abandoned) {
      if (signal.aborted) {
        this.abortJob(job);
      } else {
        this.watches.add(job, signal);
      }
    }
    try {
      thenable.then(
        (value) => this.settle(job, true, value),
        (error: unknown) => this.settle(job, false, error),
      );
    } catch (error) {
      this.settle(job, false, error);
    }
  }

  /** A tracked task's thenable settled. */
  private settle(job: Job, ok: boolean, value: unknown): void {
    if (job.state === DONE) return; // a hostile thenable settling twice
    const abandoned = job.state === ABANDONED;
    job.state = DONE;
    this.runningJobs.remove(job);
    this.runningCount--;
    this.watches.remove(job);
    if (!abandoned) {
      if (ok) this.completedCount++;
      else this.failedCount++;
      deliver(job, ok, value);
    }
    // Stryker disable next-line ConditionalExpression: pump() with an empty queue starts nothing; the check only skips the call
    if (this.queue.head !== null) this.pump();
    this.afterRelease();
  }

  /** A fast-path task finished synchronously. */
  private releaseSync(ok: boolean): void {
    this.runningCount--;
    if (ok) this.completedCount++;
    else this.failedCount++;
  }

  /** After a slot or a queue place was freed: drain, idle and close watchers. */
  private afterRelease(): void {
    const queued = this.queue.size;
    if (
      this.listeners.needsDrain &&
      queued <= this.limits.drainThreshold &&
      !(this.runningCount >= this.concurrency && queued >= this.maxQueue)
    ) {
      this.listeners.drained();
    }
    // Stryker disable next-line ConditionalExpression: the pump has just filled every slot while tasks wait, so nothing waits when nothing runs
    if (this.runningCount === 0 && queued === 0) {
      this.listeners.idle();
      this.closer.idle();
    }
  }

  // --- aborting and closing -------------------------------------------------------------------

  /** The caller's signal aborted this job (the watch has already let go of it). */
  private abortJob(job: Job): void {
    const signal = job.signal!;
    this.watches.remove(job);
    if (job.state === QUEUED) {
      this.queue.remove(job);
      job.state = DONE;
      this.rejectedCount++;
      deliver(job, false, new AbortError(signal.reason));
      this.afterRelease();
    } else if (
      // Stryker disable next-line ConditionalExpression: only QUEUED and RUNNING jobs are watched, so a job that is not QUEUED is RUNNING
      job.state === RUNNING
    ) {
      // The slot stays taken until the task itself settles: the bound is real, not nominal.
      job.state = ABANDONED;
      this.failedCount++;
      if (job.controller !== null) job.controller.abort(signal.reason);
      deliver(job, false, new AbortError(signal.reason));
    }
  }

  /** close() gave up waiting: reject what is queued, abandon and abort what runs. */
  private abandonAll(reason: PoolClosedError): void {
    const running = this.runningJobs.running();
    for (let job = this.queue.shift(); job !== null; job = this.queue.shift()) {
      job.state = DONE;
      this.watches.remove(job);
      this.rejectedCount++;
      deliver(job, false, reason);
    }
    for (const job of running) {
      if (job.state !== RUNNING) continue;
      this.abandon(job, reason);
    }
  }

  /**
   * `job`'s task has just returned or thrown. If close gave up waiting while it ran, its caller
   * gets close's error now, as the tasks close found running did (unless its signal answered first).
   */
  private abandonIfClosed(job: Job): void {
    const reason = this.closer.abortReason;
    if (reason !== null && job.state !== ABANDONED) this.abandon(job, reason);
  }

  /** Answers a running job's caller with `reason` and aborts its signal; the slot stays taken. */
  private abandon(job: Job, reason: PoolClosedError): void {
    job.state = ABANDONED;
    this.watches.remove(job);
    this.failedCount++;
    if (job.controller !== null) job.controller.abort(reason);
    deliver(job, false, reason);
  }
}
