import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  checkFunctionOrNull,
  checkInteger,
  checkOptions,
  checkTime,
  describe,
  optionError,
} from '@rerpc/internal';
import { type Balancing, selectBalancing } from './balancing.js';
import type { ClusterEvent } from './events.js';

/** Options of {@link runCluster}. */
export interface ClusterOptions {
  /**
   * The server module every worker imports: an absolute path, a path relative to the current
   * directory, or a `file:` URL (`new URL('./server.js', import.meta.url)`). It exports a function
   * named `exportName` (`server` by default) that takes `{ id, slot }` and returns (or resolves
   * with) a `@rerpc/server` Server that is not listening yet; the worker listens on it.
   */
  module: string | URL;
  /**
   * Worker processes to run.
   * @default os.availableParallelism()
   */
  workers?: number;
  /** The port every worker serves (0: a free port, the same for all of them). @default 0 */
  port?: number;
  /** The host to listen on (`'0.0.0.0'` or `'::'` to accept remote peers). @default '127.0.0.1' */
  host?: string;
  /**
   * More `server.listen()` options for every worker (`transport: 'http'`, `tls` with PEM strings,
   * web options…); not `port`, `host` or `path`. They cross to the workers as JSON.
   * @default {}
   */
  listen?: Record<string, unknown>;
  /**
   * The named export of `module` that makes the server.
   * @default 'server'
   */
  exportName?: string;
  /**
   * How connections reach workers: `'round-robin'` (node:cluster: the primary accepts each
   * connection and hands it to the next worker), `'reuse-port'` (each worker binds the port with
   * SO_REUSEPORT and the kernel spreads connections; Node >= 22.12 on Linux), or `'auto'`
   * (`'reuse-port'` where supported, else `'round-robin'`).
   * @default 'auto'
   */
  balancing?: Balancing;
  /**
   * The signal that makes the primary restart every worker in turn (start a new one, wait until
   * it listens, then drain the old one); `null` installs no handler (call `restart()`).
   * @default 'SIGHUP'
   */
  restartSignal?: NodeJS.Signals | null;
  /**
   * Signals that make the primary drain every worker and stop (a second one kills the workers
   * still draining); `[]` installs no handler (call `close()`).
   * @default ['SIGTERM', 'SIGINT']
   */
  shutdownSignals?: readonly NodeJS.Signals[];
  /**
   * Milliseconds each worker's `server.close({ timeout })` waits for calls in flight when the
   * worker is drained (shutdown, rolling restart); `Infinity` waits forever.
   * @default 30000
   */
  closeTimeout?: number;
  /**
   * Milliseconds a new worker has to load its module and listen before it is killed and counted
   * as failed to start.
   * @default 30000
   */
  startTimeout?: number;
  /**
   * Milliseconds before a crashed worker is replaced, doubling for each further crash of its
   * slot in a row (a worker that served `maxRestartDelay` ms or more resets the count).
   * @default 100
   */
  restartDelay?: number;
  /**
   * The longest wait before replacing a crashed worker, in ms; must be >= `restartDelay`.
   * @default 10000
   */
  maxRestartDelay?: number;
  /**
   * Milliseconds `stats()` waits for each worker's answer; a worker that has not answered by then
   * is left out of that snapshot.
   * @default 5000
   */
  statsTimeout?: number;
  /**
   * Called with each lifecycle event (a worker listening or exiting, a restart scheduled, a
   * rolling restart that failed), for logging. It must not throw.
   * @default null
   */
  onEvent?: ((event: ClusterEvent) => void) | null;
}

/** Options after validation. */
export interface ResolvedClusterOptions {
  readonly module: string;
  readonly workers: number;
  readonly port: number;
  readonly host: string;
  readonly listen: Readonly<Record<string, unknown>>;
  readonly exportName: string;
  readonly balancing: 'round-robin' | 'reuse-port';
  readonly restartSignal: NodeJS.Signals | null;
  readonly shutdownSignals: readonly NodeJS.Signals[];
  readonly closeTimeout: number;
  readonly startTimeout: number;
  readonly restartDelay: number;
  readonly maxRestartDelay: number;
  readonly statsTimeout: number;
  readonly onEvent: ((event: ClusterEvent) => void) | null;
}

/**
 * The defaults, one frozen object (the README's Options table is held to it by a test).
 * `module` is required, and `workers` defaults to `os.availableParallelism()` of the machine.
 */
export const DEFAULTS = Object.freeze({
  port: 0,
  host: '127.0.0.1',
  listen: Object.freeze({}),
  exportName: 'server',
  balancing: 'auto' as Balancing,
  restartSignal: 'SIGHUP' as NodeJS.Signals | null,
  shutdownSignals: Object.freeze(['SIGTERM', 'SIGINT']) as readonly NodeJS.Signals[],
  closeTimeout: 30_000,
  startTimeout: 30_000,
  restartDelay: 100,
  maxRestartDelay: 10_000,
  statsTimeout: 5000,
  onEvent: null,
});

const KNOWN: readonly string[] = ['module', 'workers', ...Object.keys(DEFAULTS)];
const OWN_LISTEN_KEYS: readonly string[] = ['port', 'host', 'path'];
const SIGNAL = /^SIG[A-Z0-9]+$/;

function checkSignalName(name: string, value: unknown): NodeJS.Signals {
  if (
    typeof value !== 'string' ||
    !SIGNAL.test(value) ||
    value === 'SIGKILL' ||
    value === 'SIGSTOP'
  ) {
    throw optionError(
      `${name} must be a signal name such as 'SIGHUP' (not SIGKILL or SIGSTOP, which cannot be caught), got ${describe(value)}`,
    );
  }
  return value as NodeJS.Signals;
}

function moduleUrl(value: unknown): string {
  if (value instanceof URL) {
    if (value.protocol !== 'file:') {
      throw optionError(`module must be a file: URL or a path, got ${describe(value.href)}`);
    }
    return value.href;
  }
  if (typeof value !== 'string' || value.length === 0) {
    throw optionError(
      `module must be a path or a file: URL of the server module, got ${describe(value)}`,
    );
  }
  if (value.startsWith('file:')) return new URL(value).href;
  return pathToFileURL(isAbsolute(value) ? value : resolve(value)).href;
}

/** Validates `options` and fills in the defaults; throws a TypeError naming option, rule and value. */
export function resolveClusterOptions(options: ClusterOptions): ResolvedClusterOptions {
  if (options === undefined) {
    throw optionError('runCluster() needs options with at least { module }');
  }
  checkOptions(options, KNOWN, 'runCluster() options');
  const module = moduleUrl(options.module);
  const workers =
    options.workers === undefined
      ? availableParallelism()
      : checkInteger('workers', options.workers, 1, 1024);
  const port = checkInteger('port', options.port ?? DEFAULTS.port, 0, 65_535);
  const host = options.host ?? DEFAULTS.host;
  if (typeof host !== 'string' || host.length === 0) {
    throw optionError(`host must be a non-empty string, got ${describe(host)}`);
  }
  const listen = options.listen ?? DEFAULTS.listen;
  if (typeof listen !== 'object' || listen === null || Array.isArray(listen)) {
    throw optionError(`listen must be an object of listen() options, got ${describe(listen)}`);
  }
  for (const key of OWN_LISTEN_KEYS) {
    if (key in listen) {
      throw optionError(
        `listen must not set ${key}: ${key === 'path' ? 'a cluster serves TCP' : `pass ${key} to runCluster() itself`}`,
      );
    }
  }
  const exportName = options.exportName ?? DEFAULTS.exportName;
  if (typeof exportName !== 'string' || exportName.length === 0) {
    throw optionError(`exportName must be a non-empty string, got ${describe(exportName)}`);
  }
  const restartSignal =
    options.restartSignal === undefined
      ? DEFAULTS.restartSignal
      : options.restartSignal === null
        ? null
        : checkSignalName('restartSignal', options.restartSignal);
  const rawSignals = options.shutdownSignals ?? DEFAULTS.shutdownSignals;
  if (!Array.isArray(rawSignals)) {
    throw optionError(
      `shutdownSignals must be an array of signal names, got ${describe(rawSignals)}`,
    );
  }
  const shutdownSignals = Object.freeze(
    rawSignals.map((s: unknown) => checkSignalName('shutdownSignals', s)),
  );
  if (restartSignal !== null && shutdownSignals.includes(restartSignal)) {
    throw optionError(`restartSignal ${restartSignal} is also in shutdownSignals; pick another`);
  }
  const restartDelay = checkTime('restartDelay', options.restartDelay ?? DEFAULTS.restartDelay);
  const maxRestartDelay = checkTime(
    'maxRestartDelay',
    options.maxRestartDelay ?? DEFAULTS.maxRestartDelay,
  );
  if (maxRestartDelay < restartDelay) {
    throw optionError(
      `maxRestartDelay must be >= restartDelay (${restartDelay}), got ${maxRestartDelay}`,
    );
  }
  return Object.freeze({
    module,
    workers,
    port,
    host,
    listen: Object.freeze({ ...listen }),
    exportName,
    balancing: selectBalancing(options.balancing ?? DEFAULTS.balancing),
    restartSignal,
    shutdownSignals,
    closeTimeout: checkTime('closeTimeout', options.closeTimeout ?? DEFAULTS.closeTimeout, true),
    startTimeout: checkInteger(
      'startTimeout',
      options.startTimeout ?? DEFAULTS.startTimeout,
      1,
      2_147_483_647,
    ),
    restartDelay,
    maxRestartDelay,
    statsTimeout: checkInteger(
      'statsTimeout',
      options.statsTimeout ?? DEFAULTS.statsTimeout,
      1,
      2_147_483_647,
    ),
    onEvent: checkFunctionOrNull<(event: ClusterEvent) => void>('onEvent', options.onEvent),
  });
}
