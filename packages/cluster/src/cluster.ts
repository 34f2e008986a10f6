import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { asyncDispose, closeTimeout as checkCloseTimeout } from '@rerpc/internal';
import { continuesCrashRun, restartBackoff } from './backoff.js';
import { ClusterClosedError, WorkerStartError } from './errors.js';
import type { ClusterEvent, WorkerInfo } from './events.js';
import { CONFIG_ENV, isToPrimary, type ToWorker, type WorkerConfig } from './messages.js';
import {
  type ClusterOptions,
  type ResolvedClusterOptions,
  resolveClusterOptions,
} from './options.js';
import { aggregateStats, type StatsTree } from './stats.js';

/** A worker's state, as `workers()` reports it. */
export type WorkerState = 'starting' | 'listening' | 'draining';

/** One worker in `stats()`. */
export interface WorkerStats extends WorkerInfo {
  readonly state: WorkerState;
  /** Its `server.stats()` snapshot. */
  readonly stats: StatsTree;
}

/** What `cluster.stats()` resolves with. */
export interface ClusterStats {
  /** The workers' stats added up: counters summed; latency quantiles and max the largest (an upper bound). */
  readonly total: StatsTree;
  /** Each worker that answered within `statsTimeout`, draining ones included. */
  readonly workers: readonly WorkerStats[];
}

/** A running cluster, in the primary process. */
export interface Cluster extends AsyncDisposable {
  /** The resolved options (frozen). */
  readonly options: ResolvedClusterOptions;
  /** What the first worker's `listen()` resolved with: `{ host, port, family }`. */
  readonly address: unknown;
  /** The workers alive now (starting, listening or draining). */
  workers(): Array<WorkerInfo & { readonly state: WorkerState }>;
  /**
   * Rolling restart: for each slot in turn, start a new worker, wait until it listens, then drain
   * the old one. Resolves once every old worker has exited. If a new worker fails to start, the
   * old one keeps serving and it rejects with `WorkerStartError`. A call while one runs returns
   * the same promise. Rejects with `ClusterClosedError` after `close()`.
   */
  restart(): Promise<void>;
  /**
   * Asks every worker for its `server.stats()` and adds them up. Rejects with
   * `ClusterClosedError` after `close()`.
   */
  stats(): Promise<ClusterStats>;
  /**
   * Drains every worker (`server.close({ timeout })`: calls in flight answered, new ones refused
   * with -32002, which clients retry elsewhere) and resolves when all have exited; workers still
   * alive `timeout` + 5 s later are killed. Idempotent: the same promise each time. A shutdown
   * signal calls it.
   */
  close(options?: { timeout?: number }): Promise<void>;
}

/** Extra time a drained worker gets past its close timeout to flush and exit before it is killed. */
const EXIT_GRACE_MS = 5000;

/** The file every worker runs: dist/worker.js beside this bundle (tsup shims import.meta.url in CJS). */
function workerFile(): string {
  return fileURLToPath(new URL('./worker.js', import.meta.url));
}

/** Flags of the primary's own program text: a worker given them would run that text, not its file. */
const EVAL_FLAGS: ReadonlySet<string> = new Set(['-e', '--eval', '-p', '--print']);

/**
 * The primary's `execArgv` for the workers (node:cluster passes it on: `--import tsx`,
 * `--max-old-space-size`, `--inspect` work as in the primary), without `-e`/`-p` and their
 * script, so a primary started with `node -e` still runs dist/worker.js in its workers.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (EVAL_FLAGS.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('--eval=') || arg.startsWith('--print=') || arg === '-pe') {
      if (arg === '-pe') i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

interface Member {
  readonly worker: Worker;
  readonly info: WorkerInfo;
  state: WorkerState;
  listenedAt: number | null;
  planned: boolean;
  readonly listening: Promise<unknown>;
  readonly exited: Promise<void>;
}

/**
 * Starts `workers` processes of the server `module` on one port and resolves once every one
 * listens. Call it in the primary process only (a script run with `node`, not a worker).
 * @throws TypeError (`RERPC_ERR_INVALID_OPTION`, as a rejection) for invalid options.
 * @throws WorkerStartError (as a rejection) when a worker does not come up; the others are stopped.
 */
export async function runCluster(options: ClusterOptions): Promise<Cluster> {
  const resolved = resolveClusterOptions(options);
  if (!cluster.isPrimary) {
    throw new WorkerStartError(
      0,
      'runCluster() was called inside a cluster worker; call it in the primary',
    );
  }
  const c = new PrimaryCluster(resolved);
  await c.start();
  return c;
}

class PrimaryCluster implements Cluster {
  readonly options: ResolvedClusterOptions;
  address: unknown = null;
  /** The port workers bind: `options.port`, or the one the first worker got for port 0. */
  private port: number;
  private readonly slots: Array<Member | null>;
  private readonly crashes: number[];
  private readonly timers: Array<NodeJS.Timeout | null>;
  private readonly members = new Set<Member>();
  private closing: Promise<void> | null = null;
  /** Every first worker listened: from now on a crash is replaced, not a failed start. */
  private started = false;
  private restarting: Promise<void> | null = null;
  private statsId = 0;
  private readonly statsWaiters = new Map<string, (stats: unknown) => void>();
  private readonly onRestartSignal = (): void => {
    this.restart().catch((error: unknown) => this.emit({ type: 'error', error: error as Error }));
  };
  private readonly onShutdownSignal = (): void => {
    if (this.closing === null) void this.close();
    // A second signal: stop waiting for the drain.
    else for (const m of this.members) m.worker.process.kill('SIGKILL');
  };

  constructor(options: ResolvedClusterOptions) {
    this.options = options;
    this.port = options.port;
    this.slots = new Array<Member | null>(options.workers).fill(null);
    this.crashes = new Array<number>(options.workers).fill(0);
    this.timers = new Array<NodeJS.Timeout | null>(options.workers).fill(null);
  }

  async start(): Promise<void> {
    try {
      // With reuse-port every worker binds the port itself, so port 0 would give each its own
      // free port: the first worker picks it, the others (and replacements) bind that one.
      const first = this.options.balancing === 'reuse-port' && this.options.port === 0 ? 1 : 0;
      if (first === 1) {
        const m = this.fork(0);
        this.slots[0] = m;
        await m.listening;
      }
      const started: Promise<unknown>[] = [];
      for (let slot = first; slot < this.slots.length; slot++) {
        const m = this.fork(slot);
        this.slots[slot] = m;
        started.push(m.listening);
      }
      await Promise.all(started);
    } catch (error) {
      this.closing = this.stopAll(this.options.closeTimeout);
      await this.closing;
      throw error;
    }
    this.started = true;
    if (this.options.restartSignal !== null) {
      process.on(this.options.restartSignal, this.onRestartSignal);
    }
    for (const s of this.options.shutdownSignals) process.on(s, this.onShutdownSignal);
  }

  workers(): Array<WorkerInfo & { readonly state: WorkerState }> {
    return [...this.members].map((m) => ({ ...m.info, state: m.state }));
  }

  restart(): Promise<void> {
    if (this.closing !== null) return Promise.reject(new ClusterClosedError());
    if (this.restarting === null) {
      this.restarting = this.rollAll().finally(() => {
        this.restarting = null;
      });
    }
    return this.restarting;
  }

  private async rollAll(): Promise<void> {
    const exits: Promise<void>[] = [];
    for (let slot = 0; slot < this.slots.length; slot++) {
      if (this.closing !== null) throw new ClusterClosedError();
      const old = this.slots[slot] ?? null;
      this.cancelTimer(slot);
      const next = this.fork(slot);
      try {
        await next.listening;
      } catch (error) {
        // The old worker keeps serving; a slot that had none waits for the crash backoff.
        if (old === null && this.closing === null) this.scheduleReplacement(slot);
        throw error;
      }
      if (this.closing !== null) throw new ClusterClosedError();
      this.slots[slot] = next;
      this.crashes[slot] = 0;
      if (old !== null) {
        this.drain(old, this.options.closeTimeout);
        exits.push(old.exited);
      }
    }
    await Promise.all(exits);
  }

  async stats(): Promise<ClusterStats> {
    if (this.closing !== null) throw new ClusterClosedError();
    const asked = [...this.members].filter((m) => m.state !== 'starting');
    const answers = await Promise.all(asked.map((m) => this.askStats(m)));
    const workers: WorkerStats[] = [];
    asked.forEach((m, i) => {
      const stats = answers[i];
      if (typeof stats === 'object' && stats !== null) {
        workers.push({ ...m.info, state: m.state, stats: stats as StatsTree });
      }
    });
    return { total: aggregateStats(workers.map((w) => w.stats)), workers };
  }

  close(options?: { timeout?: number }): Promise<void> {
    if (this.closing !== null) return this.closing;
    let timeout: number;
    try {
      timeout = checkCloseTimeout(options, this.options.closeTimeout);
    } catch (error) {
      return Promise.reject(error);
    }
    this.closing = this.stopAll(timeout).finally(() => this.removeSignalHandlers());
    return this.closing;
  }

  [asyncDispose](): Promise<void> {
    return this.close();
  }

  private async stopAll(timeout: number): Promise<void> {
    for (let slot = 0; slot < this.timers.length; slot++) this.cancelTimer(slot);
    const members = [...this.members];
    for (const m of members) this.drain(m, timeout);
    let killer: NodeJS.Timeout | null = null;
    if (timeout !== Number.POSITIVE_INFINITY) {
      killer = setTimeout(() => {
        for (const m of this.members) m.worker.process.kill('SIGKILL');
      }, timeout + EXIT_GRACE_MS);
    }
    await Promise.all(members.map((m) => m.exited));
    if (killer !== null) clearTimeout(killer);
  }

  private removeSignalHandlers(): void {
    if (this.options.restartSignal !== null) {
      process.off(this.options.restartSignal, this.onRestartSignal);
    }
    for (const s of this.options.shutdownSignals) process.off(s, this.onShutdownSignal);
  }

  private emit(event: ClusterEvent): void {
    this.options.onEvent?.(event);
  }

  private fork(slot: number): Member {
    const o = this.options;
    const config: WorkerConfig = {
      module: o.module,
      exportName: o.exportName,
      listen: {
        ...o.listen,
        port: this.port,
        host: o.host,
        // Each worker binds the port itself; the kernel spreads connections among them.
        ...(o.balancing === 'reuse-port' ? { reusePort: true, exclusive: true } : {}),
      },
      slot,
      closeTimeout: o.closeTimeout === Number.POSITIVE_INFINITY ? 2_147_483_647 : o.closeTimeout,
      ignoreSignals: o.restartSignal === null ? [] : [o.restartSignal],
    };
    cluster.setupPrimary({
      exec: workerFile(),
      args: [],
      execArgv: workerExecArgv(process.execArgv),
    });
    const worker = cluster.fork({ [CONFIG_ENV]: JSON.stringify(config) });
    const info: WorkerInfo = { id: worker.id, pid: worker.process.pid ?? 0, slot };
    let listened!: (address: unknown) => void;
    let failed!: (error: Error) => void;
    const listening = new Promise<unknown>((resolve, reject) => {
      listened = resolve;
      failed = reject;
    });
    // A failed start is reported through the caller that waits on it (start, restart) or the
    // crash path; never an unhandled rejection.
    listening.catch(() => {});
    let exitedResolve!: () => void;
    const exited = new Promise<void>((resolve) => {
      exitedResolve = resolve;
    });
    const member: Member = {
      worker,
      info,
      state: 'starting',
      listenedAt: null,
      planned: false,
      listening,
      exited,
    };
    this.members.add(member);
    let failure: string | null = null;
    const startTimer = setTimeout(() => {
      failure = `it did not listen within startTimeout (${o.startTimeout} ms)`;
      worker.process.kill('SIGKILL');
    }, o.startTimeout);
    worker.on('message', (message: unknown) => {
      if (!isToPrimary(message)) return;
      if (message.rerpc === 'listening') {
        clearTimeout(startTimer);
        if (member.state === 'starting') member.state = 'listening';
        member.listenedAt = Date.now();
        if (this.address === null) {
          this.address = message.address;
          const port = (message.address as { port?: unknown } | null)?.port;
          // Round robin keeps port 0: node:cluster shares one handle per (host, port) key, and
          // workers asking for 0 all get the primary's; only reuse-port binds per worker.
          if (typeof port === 'number' && o.balancing === 'reuse-port') this.port = port;
        }
        listened(message.address);
        this.emit({ type: 'listening', worker: info, address: message.address });
      } else if (message.rerpc === 'failed') {
        failure = message.message;
      } else if (message.rerpc === 'stats') {
        const key = `${info.id}:${message.id}`;
        this.statsWaiters.get(key)?.(message.stats);
      }
    });
    // 'error' on a worker is an IPC failure (the process is going away); 'exit' follows.
    worker.on('error', () => {});
    worker.once('exit', (code: number | null, signal: string | null) => {
      clearTimeout(startTimer);
      this.members.delete(member);
      const wasListening = member.listenedAt !== null;
      if (!wasListening) {
        failed(
          new WorkerStartError(
            slot,
            failure ?? `it exited (code ${code}, signal ${signal}) before listening`,
          ),
        );
      }
      this.emit({ type: 'exit', worker: info, code, signal, planned: member.planned });
      for (const [key, answer] of this.statsWaiters) {
        if (key.startsWith(`${info.id}:`)) answer(null);
      }
      if (this.slots[slot] === member) {
        this.slots[slot] = null;
        if (!member.planned && this.closing === null && this.started) {
          if (!continuesCrashRun(member.listenedAt, Date.now(), o.maxRestartDelay)) {
            this.crashes[slot] = 0;
          }
          this.scheduleReplacement(slot);
        }
      }
      exitedResolve();
    });
    return member;
  }

  private scheduleReplacement(slot: number): void {
    const o = this.options;
    const delay = restartBackoff(this.crashes[slot] ?? 0, o.restartDelay, o.maxRestartDelay);
    this.crashes[slot] = (this.crashes[slot] ?? 0) + 1;
    this.emit({ type: 'restart', slot, delay });
    this.cancelTimer(slot);
    this.timers[slot] = setTimeout(() => {
      this.timers[slot] = null;
      if (this.closing !== null || this.slots[slot] !== null) return;
      const m = this.fork(slot);
      this.slots[slot] = m;
      // A replacement that fails to start counts as one more crash of its slot (exit handler).
      m.listening.catch((error: unknown) => this.emit({ type: 'error', error: error as Error }));
    }, delay);
  }

  private cancelTimer(slot: number): void {
    const timer = this.timers[slot];
    if (timer != null) clearTimeout(timer);
    this.timers[slot] = null;
  }

  private drain(m: Member, timeout: number): void {
    if (m.planned) return;
    m.planned = true;
    m.state = 'draining';
    const message: ToWorker = {
      rerpc: 'close',
      timeout: timeout === Number.POSITIVE_INFINITY ? 2_147_483_647 : timeout,
    };
    if (m.worker.isConnected()) m.worker.send(message, undefined, () => {});
    else m.worker.process.kill('SIGTERM');
    this.emit({ type: 'draining', worker: m.info });
  }

  private askStats(m: Member): Promise<unknown> {
    const id = ++this.statsId;
    const key = `${m.info.id}:${id}`;
    return new Promise<unknown>((resolve) => {
      const timer = setTimeout(() => finish(null), this.options.statsTimeout);
      const finish = (stats: unknown): void => {
        clearTimeout(timer);
        this.statsWaiters.delete(key);
        resolve(stats);
      };
      this.statsWaiters.set(key, finish);
      const message: ToWorker = { rerpc: 'stats', id };
      if (m.worker.isConnected()) m.worker.send(message, undefined, () => {});
      else finish(null);
    });
  }
}
