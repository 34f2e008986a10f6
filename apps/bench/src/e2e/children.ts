import { type ChildProcess, fork } from 'node:child_process';

// Every process the orchestrator starts is tracked here by PID, so that it can be killed at the
// end, on error and on Ctrl-C. Children also exit by themselves when the IPC channel closes.
const live = new Map<number, ChildProcess>();

/** SIGKILLs every child still running, by PID. Safe to call more than once. */
export function killAll(): void {
  for (const pid of live.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

export function liveCount(): number {
  return live.size;
}

interface Waiter<Out> {
  resolve(msg: Out): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** A forked dist file spoken to over IPC: one request, one reply, each bounded by a timeout. */
export class Child<In, Out extends { type: string }> {
  readonly label: string;
  readonly child: ChildProcess;
  private readonly inbox: Out[] = [];
  private waiter: Waiter<Out> | null = null;
  private gone: string | null = null;
  private readonly exited: Promise<void>;

  constructor(file: string, label: string) {
    this.label = label;
    // execArgv: [] so that the orchestrator's own Node flags never reach the measured processes.
    this.child = fork(file, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
    const pid = this.child.pid;
    if (pid !== undefined) live.set(pid, this.child);
    this.child.on('message', (msg: Out) => {
      const waiter = this.waiter;
      if (waiter === null) {
        this.inbox.push(msg);
        return;
      }
      this.waiter = null;
      clearTimeout(waiter.timer);
      if (msg.type === 'error') {
        waiter.reject(new Error((msg as unknown as { message: string }).message));
      } else {
        waiter.resolve(msg);
      }
    });
    this.exited = new Promise((resolve) => {
      const onGone = (reason: string) => {
        if (pid !== undefined) live.delete(pid);
        this.gone ??= reason;
        const waiter = this.waiter;
        this.waiter = null;
        if (waiter !== null) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error(`${label} ${reason}`));
        }
        resolve();
      };
      this.child.on('exit', (code, signal) => onGone(`exited (${signal ?? `code ${code}`})`));
      this.child.on('error', (err) => onGone(`failed: ${err.message}`));
    });
  }

  /** False once the process has exited (or failed to start). */
  get alive(): boolean {
    return this.gone === null;
  }

  /** The next message; rejects on an `error` message, on exit, or after `timeoutMs`. */
  next(timeoutMs: number): Promise<Out> {
    const queued = this.inbox.shift();
    if (queued !== undefined) {
      return queued.type === 'error'
        ? Promise.reject(new Error((queued as unknown as { message: string }).message))
        : Promise.resolve(queued);
    }
    if (this.gone !== null) return Promise.reject(new Error(`${this.label} ${this.gone}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`${this.label} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
    });
  }

  request(msg: In, timeoutMs: number): Promise<Out> {
    if (this.gone === null) this.child.send(msg as object);
    return this.next(timeoutMs);
  }

  /** Sends `msg` (if any), waits up to `graceMs` for the exit, then SIGKILLs by PID. */
  async stop(msg: In | null, graceMs: number): Promise<void> {
    if (this.gone !== null) return;
    if (msg !== null) {
      try {
        this.child.send(msg as object);
      } catch {
        // channel already closed: the kill below settles it
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) this.kill();
    await this.exited;
  }

  kill(): void {
    const pid = this.child.pid;
    if (this.gone !== null || pid === undefined) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
