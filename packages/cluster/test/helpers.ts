import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { onTestFinished } from 'vitest';

const PRIMARY = new URL('./fixtures/primary.mjs', import.meta.url).pathname;

/** One line of the fixture primary's stdout: a ClusterEvent, or ready / stats / start-failed. */
export interface Event {
  type: string;
  worker?: { id: number; pid: number; slot: number };
  planned?: boolean;
  code?: unknown;
  signal?: unknown;
  slot?: number;
  delay?: number;
  message?: unknown;
  address?: unknown;
  workers?: unknown;
  stats?: unknown;
}

/** A primary process running the fixture cluster; its events are read from stdout. */
export class Primary {
  readonly child: ChildProcess;
  readonly events: Event[] = [];
  readonly exited: Promise<number | null>;
  private waiters: Array<{ test: (e: Event) => boolean; resolve: (e: Event) => void }> = [];

  constructor(options: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [PRIMARY, JSON.stringify(options)], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as Event;
      this.events.push(event);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(event)) return true;
        w.resolve(event);
        return false;
      });
    });
    onTestFinished(async () => {
      if (this.child.exitCode === null && this.child.signalCode === null) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    });
  }

  /** The first event (already seen or to come) matching `test`, after `from` events. */
  next(test: (e: Event) => boolean, from = 0): Promise<Event> {
    const seen = this.events.slice(from).find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** Resolves once `n` events match `test` (after `from`), with the first `n` of them. */
  count(test: (e: Event) => boolean, n: number, from = 0): Promise<Event[]> {
    const matched = (): Event[] => this.events.slice(from).filter(test).slice(0, n);
    if (matched().length >= n) return Promise.resolve(matched());
    return new Promise((resolve) =>
      this.waiters.push({ test: () => matched().length >= n, resolve: () => resolve(matched()) }),
    );
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  async ready(): Promise<{
    port: number;
    workers: Array<{ pid: number; slot: number; id: number }>;
  }> {
    const e = await this.next((x) => x.type === 'ready' || x.type === 'start-failed');
    if (e.type !== 'ready') throw new Error(`the cluster did not start: ${String(e.message)}`);
    return { port: (e.address as { port: number }).port, workers: e.workers as never };
  }
}

/**
 * Calls `call()` with `concurrency` in flight until `stop()` returns true (checked before each
 * new call) or `max` calls were started; resolves with every call's outcome.
 */
export async function load(
  call: (i: number) => Promise<unknown>,
  concurrency: number,
  max: number,
  stop: () => boolean,
): Promise<{ ok: number; errors: unknown[]; started: number }> {
  let started = 0;
  let ok = 0;
  const errors: unknown[] = [];
  const lane = async (): Promise<void> => {
    while (started < max && !stop()) {
      const i = started++;
      try {
        await call(i);
        ok++;
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { ok, errors, started };
}

/**
 * Conditions on a running load, checked after each of its calls (`check()`), so waiting is
 * bounded by the load itself: `end()` (the load finished) rejects whatever still waits.
 */
export class Watch {
  private waiters: Array<{ test: () => boolean; resolve: () => void; reject: (e: Error) => void }> =
    [];

  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ test, resolve, reject }));
  }

  check(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.test()) return true;
      w.resolve();
      return false;
    });
  }

  end(): void {
    for (const w of this.waiters) w.reject(new Error('the load ended before the condition held'));
    this.waiters = [];
  }
}
