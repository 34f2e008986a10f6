import { checkFunction, checkInteger, checkTime, signalOption } from '@rerpc/internal';
import { AbortError, PoolClosedError } from './errors.js';
import { checkFactoryOptions } from './factory-options.js';

/** What the pool calls to make, check and dispose of resources. */
export interface PoolFactory<T extends object> {
  /**
   * Makes one resource. `signal` aborts when the pool no longer wants it (the acquire that asked
   * timed out or was aborted and no other acquire is waiting, or the pool closed); honour it so a
   * slow create gives back its slot. May return the resource or a promise of it; a rejection
   * reaches the acquire that caused it (wrapped in `DialError` unless it is one of ours).
   */
  create(signal: AbortSignal): T | PromiseLike<T>;
  /** Disposes of one resource. Errors it throws or rejects with are ignored. */
  destroy(resource: T): unknown;
  /**
   * Says whether an idle resource is still usable; called before every hand-out of a resource
   * that was not just created, and by the health check. `false` (or a throw or rejection)
   * destroys it and the acquire gets another. Return a plain boolean when you can: it keeps the
   * hand-out synchronous.
   */
  validate?(resource: T): boolean | PromiseLike<boolean>;
}

/**
 * Options of {@link createPool}: the factory, then the limits. Times are integer milliseconds up
 * to 2^31 - 1 (what Node's timers honour).
 */
export interface PoolOptions<T extends object> extends PoolFactory<T> {
  /**
   * Idle resources kept for reuse; a resource released when this many are idle is destroyed.
   * 0 keeps none. Go rerpc's `MaxIdle`.
   * @default 10
   */
  maxIdle?: number;
  /**
   * Resources that may exist at once: handed out, idle, being created or being validated.
   * `Infinity` for no limit. Go rerpc's `MaxActive` (its client's default).
   * @default 100
   */
  maxActive?: number;
  /**
   * How long `acquire()` waits for a resource before it rejects: `PoolExhaustedError` when all
   * `maxActive` were in use, `DialTimeoutError` when its `create()` was still running. 0 waits
   * until the caller's signal aborts or the pool closes.
   * @default 10000
   */
  acquireTimeout?: number;
  /**
   * An idle resource unused this long is destroyed by the background sweep (which runs every
   * `min(idleTimeout, healthCheckInterval, maxLifetime)` ms, so eviction may come up to about two
   * such periods late, never early). 0 disables. Go rerpc's `IdleTimeout`.
   * @default 300000
   */
  idleTimeout?: number;
  /**
   * A resource older than this is destroyed instead of being handed out or kept idle (resources
   * in use are never interrupted). 0 disables.
   * @default 0
   */
  maxLifetime?: number;
  /**
   * How often idle resources are validated in the background, so a resource the peer closed is
   * evicted before anyone asks for it. 0 disables (they are still validated on acquire).
   * @default 30000
   */
  healthCheckInterval?: number;
  /**
   * How long `close()` waits for resources in use to be released before it destroys them;
   * `Infinity` waits forever, 0 destroys them at once.
   * @default 30000
   */
  closeTimeout?: number;
}

/** The pool's defaults, one place (the README's options table is tested against it). */
export const DEFAULTS = Object.freeze({
  maxIdle: 10,
  maxActive: 100,
  acquireTimeout: 10_000,
  idleTimeout: 300_000,
  maxLifetime: 0,
  healthCheckInterval: 30_000,
  closeTimeout: 30_000,
});

export interface ResolvedPoolOptions<T extends object> {
  readonly create: PoolFactory<T>['create'];
  readonly destroy: PoolFactory<T>['destroy'];
  readonly validate: ((resource: T) => boolean | PromiseLike<boolean>) | null;
  readonly maxIdle: number;
  readonly maxActive: number;
  readonly acquireTimeout: number;
  readonly idleTimeout: number;
  readonly maxLifetime: number;
  readonly healthCheckInterval: number;
  readonly closeTimeout: number;
}

/** Every name {@link createPool} accepts: the factory's, then the limits. */
const POOL_OPTIONS: readonly string[] = ['create', 'destroy', 'validate', ...Object.keys(DEFAULTS)];

/**
 * Validates once and freezes; the pool never re-checks. Throws a `TypeError` with code
 * `RERPC_ERR_INVALID_OPTION` naming the option.
 */
export function resolvePoolOptions<T extends object>(
  options: PoolOptions<T>,
): ResolvedPoolOptions<T> {
  checkFactoryOptions(options, POOL_OPTIONS, 'createPool() options');
  const create = checkFunction<PoolFactory<T>['create']>('create', options.create);
  const destroy = checkFunction<PoolFactory<T>['destroy']>('destroy', options.destroy);
  const validate =
    options.validate === undefined
      ? null
      : checkFunction<(resource: T) => boolean | PromiseLike<boolean>>(
          'validate',
          options.validate,
        );
  const pick = <K extends keyof typeof DEFAULTS>(key: K): unknown => options[key] ?? DEFAULTS[key];
  const max = Number.MAX_SAFE_INTEGER;
  // Bound once, so a factory object whose methods use `this` (a class instance) keeps working.
  return Object.freeze({
    create: create.bind(options),
    destroy: destroy.bind(options),
    validate: validate === null ? null : validate.bind(options),
    maxIdle: checkInteger('maxIdle', pick('maxIdle'), 0, max, true),
    maxActive: checkInteger('maxActive', pick('maxActive'), 1, max, true),
    acquireTimeout: checkTime('acquireTimeout', pick('acquireTimeout')),
    idleTimeout: checkTime('idleTimeout', pick('idleTimeout')),
    maxLifetime: checkTime('maxLifetime', pick('maxLifetime')),
    healthCheckInterval: checkTime('healthCheckInterval', pick('healthCheckInterval')),
    closeTimeout: checkTime('closeTimeout', pick('closeTimeout'), true),
  });
}

/** The names {@link Pool.acquire} accepts. */
const ACQUIRE_OPTIONS: readonly string[] = ['signal'];
/**
 * The start of `acquire()`, in both pool modes: the signal to watch (or null), or the error it
 * must reject with at once (closed, a bad option, an aborted signal). Options are read only when
 * given, so the common call allocates nothing.
 */
export function acquireStart(
  open: boolean,
  options: object | undefined,
): AbortSignal | null | Error {
  if (!open) return new PoolClosedError();
  // Stryker disable next-line ConditionalExpression: signalOption() takes undefined options as no signal too; this only skips the call
  if (options === undefined) return null;
  let signal: AbortSignal | null;
  try {
    signal = signalOption(options, ACQUIRE_OPTIONS, 'acquire() options');
  } catch (error) {
    return error as Error;
  }
  return signal?.aborted ? new AbortError(signal.reason) : signal;
}
