import { type ChildProcess, fork } from 'node:child_process';
import type { ChildOptions, FinalReport, FromChild, Memory, Taps, ToChild } from './protocol.js';

type Reply = Extract<FromChild, { seq: number }>;
type Request = ToChild['type'];

// Every child is tracked by PID so that a scenario that throws, or Ctrl-C, never leaves one behind.
const live = new Map<number, ChildProcess>();

/** SIGKILLs every server child still running, by PID. */
export function killChildren(): void {
  for (const pid of live.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The server under test, in its own process (dist/hostile/server-main.js). */
export class ServerChild {
  /** 0 until a deferred child listens. */
  port: number;
  readonly process: ChildProcess;
  private seq = 0;
  private readonly pending = new Map<
    number,
    { resolve: (msg: Reply) => void; reject: (err: Error) => void }
  >();
  private final: FinalReport | null = null;
  private readonly exited: Promise<void>;

  private constructor(child: ChildProcess, port: number, exited: Promise<void>) {
    this.process = child;
    this.port = port;
    this.exited = exited;
    child.on('message', (msg: FromChild) => {
      if (msg.type === 'final') {
        this.final = msg.report;
      } else if (msg.type === 'error') {
        // Only a failed deferred listen reports an error after start: fail whatever waits.
        for (const waiter of this.pending.values())
          waiter.reject(new Error(`server child: ${msg.message}`));
        this.pending.clear();
      } else if ('seq' in msg) {
        this.pending.get(msg.seq)?.resolve(msg);
        this.pending.delete(msg.seq);
      }
    });
  }

  /**
   * Forks `file` and resolves once the server listens, or with `deferListen` once it is loaded
   * (within 15 s, or rejects and kills it).
   */
  static async start(file: string, options: ChildOptions): Promise<ServerChild> {
    const args = [
      `--server=${options.server}`,
      `--framing=${options.framing}`,
      `--port=${options.port}`,
    ];
    if (options.deferListen === true) args.push('--defer-listen');
    // --expose-gc: memory is measured after a full collection, so garbage does not count as held.
    const child = fork(file, args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: ['--expose-gc'],
    });
    if (child.pid !== undefined) live.set(child.pid, child);
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        if (child.pid !== undefined) live.delete(child.pid);
        resolve();
      });
    });
    const ready = new Promise<number>((resolve, reject) => {
      child.on('message', (msg: FromChild) => {
        if (msg.type === 'ready') resolve(msg.port);
        else if (msg.type === 'loaded') resolve(0);
        else if (msg.type === 'error') reject(new Error(`server child: ${msg.message}`));
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`server child exited before listening (${signal ?? `code ${code}`})`)),
      );
    });
    try {
      const port = await withTimeout(ready, 15_000, 'the server child listening');
      return new ServerChild(child, port, exited);
    } catch (err) {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
      throw err;
    }
  }

  private ask<T extends Reply>(type: Request, timeoutMs = 10_000): Promise<T> {
    const seq = ++this.seq;
    const reply = new Promise<T>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (msg: Reply) => void, reject });
    });
    this.process.send({ seq, type } as ToChild);
    return withTimeout(reply, timeoutMs, `the server child's answer to ${type}`).finally(() =>
      this.pending.delete(seq),
    );
  }

  /** RSS, heap and external memory after two full collections, and the taps at that moment. */
  async memory(): Promise<{ memory: Memory; taps: Taps }> {
    const m = await this.ask<Extract<Reply, { type: 'mem' }>>('mem');
    return { memory: m.memory, taps: m.taps };
  }

  /** The child's `process.cpuUsage()`, user + system, in µs. */
  async cpuUs(): Promise<number> {
    const m = await this.ask<Extract<Reply, { type: 'cpu' }>>('cpu');
    return m.userUs + m.systemUs;
  }

  async taps(): Promise<Taps> {
    return (await this.ask<Extract<Reply, { type: 'taps' }>>('taps')).taps;
  }

  /** Makes a deferred child listen (on the port it was started with); resolves with the port. */
  async listen(): Promise<number> {
    const m = await this.ask<Extract<Reply, { type: 'listening' }>>('listen');
    this.port = m.port;
    return m.port;
  }

  /** Lets every `slow` call (waiting or still to come) return at once. */
  async release(): Promise<void> {
    await this.ask('release');
  }

  /**
   * Asks the child to `server.close()` (SIGTERM, as an orchestrator would, or a `stop` message),
   * waits up to `graceMs` for its final report and exit, then SIGKILLs it. Resolves with the
   * report, or null if it had to be killed.
   */
  async stop(how: 'SIGTERM' | 'message', graceMs = 40_000): Promise<FinalReport | null> {
    const pid = this.process.pid;
    if (this.process.exitCode === null && this.process.signalCode === null && pid !== undefined) {
      if (how === 'SIGTERM') process.kill(pid, 'SIGTERM');
      else this.process.send({ seq: ++this.seq, type: 'stop' } satisfies ToChild);
      try {
        await withTimeout(this.exited, graceMs, 'the server child exiting');
      } catch {
        process.kill(pid, 'SIGKILL');
        await this.exited;
      }
    }
    return this.final;
  }

  /** Resolves when the process has exited. */
  get exit(): Promise<void> {
    return this.exited;
  }
}
