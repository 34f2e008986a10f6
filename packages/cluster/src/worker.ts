// The program every worker process runs (dist/worker.js, forked by the primary through
// node:cluster): imports the user's server module, makes its server, listens, and then serves
// until the primary (or a signal to this process) says to drain.
import cluster from 'node:cluster';
import { CONFIG_ENV, type ToPrimary, type ToWorker, type WorkerConfig } from './messages.js';

/** What the worker needs of the server the module makes (a @rerpc/server Server has it). */
interface ServerLike {
  listen(options: Record<string, unknown>): Promise<unknown>;
  close(options?: { timeout?: number }): Promise<void>;
  stats(): unknown;
}

const config = JSON.parse(process.env[CONFIG_ENV] ?? 'null') as WorkerConfig | null;
let server: ServerLike | null = null;
let draining = false;
let drainTimeout = 0;

function send(message: ToPrimary): void {
  if (process.connected) process.send?.(message);
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function isServer(value: unknown): value is ServerLike {
  const s = value as Partial<ServerLike> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.listen === 'function' &&
    typeof s.close === 'function' &&
    typeof s.stats === 'function'
  );
}

async function start(c: WorkerConfig): Promise<void> {
  const mod = (await import(c.module)) as Record<string, unknown>;
  const make = mod[c.exportName];
  if (typeof make !== 'function') {
    throw new TypeError(`${c.module} does not export a function named ${c.exportName}`);
  }
  const made = await make({ id: cluster.worker?.id ?? 0, slot: c.slot });
  if (!isServer(made)) {
    throw new TypeError(
      `${c.exportName}() must return a @rerpc/server Server (listen, close, stats), got ${typeof made}`,
    );
  }
  server = made;
  const address = await made.listen(c.listen);
  send({ rerpc: 'listening', address });
  // Told to drain while still starting: drain now that there is something to drain.
  if (draining) void drain(drainTimeout);
}

/** Drains the server (calls in flight answered, new ones refused with -32002), then leaves. */
async function drain(timeout: number): Promise<void> {
  draining = true;
  drainTimeout = timeout;
  if (server === null) return;
  const s = server;
  server = null;
  try {
    await s.close({ timeout });
  } finally {
    leave(0);
  }
}

function leave(code: number): void {
  process.exitCode = code;
  // Whatever else the user's module keeps open (a timer, a database pool) must not keep a drained
  // worker alive; unref'd, so a worker with nothing left exits at once.
  setTimeout(() => process.exit(code), 1000).unref();
  if (process.connected) process.disconnect();
}

function onMessage(message: unknown): void {
  const m = message as ToWorker;
  if (typeof m !== 'object' || m === null) return;
  if (m.rerpc === 'close') {
    if (!draining) void drain(m.timeout);
  } else if (m.rerpc === 'stats') {
    send({ rerpc: 'stats', id: m.id, stats: server === null ? null : server.stats() });
  }
}

if (config === null || !cluster.isWorker) {
  process.stderr.write(
    '@rerpc/cluster: this file is run by runCluster() in worker processes only\n',
  );
  process.exitCode = 1;
} else {
  const c = config;
  process.on('message', onMessage);
  // A signal sent to the whole process group (Ctrl-C, a terminal closing, `kill -- -pgid`) also
  // reaches the workers: they drain themselves instead of dying with calls in flight, and leave
  // the restart signal to the primary.
  const selfDrain = (): void => {
    if (!draining) void drain(c.closeTimeout);
  };
  process.on('SIGTERM', selfDrain);
  process.on('SIGINT', selfDrain);
  for (const signal of c.ignoreSignals) process.on(signal, () => {});
  // The primary went away (its IPC channel closed): drain rather than linger as an orphan.
  process.on('disconnect', selfDrain);
  start(c).catch((error: unknown) => {
    send({ rerpc: 'failed', message: describeError(error) });
    process.stderr.write(
      `@rerpc/cluster worker (slot ${c.slot}): ${String((error as Error)?.stack ?? error)}\n`,
    );
    leave(1);
  });
}
