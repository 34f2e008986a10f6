import { checkFunction, checkFunctionOrNull, checkInteger, checkTime } from '@rerpc/internal';
import { checkFactoryOptions } from './factory-options.js';

/** What a shared pool calls to make, measure, check and dispose of resources. */
export interface SharedPoolFactory<T extends object> {
  /**
   * Makes one resource: return the object you want to lease (a wrapper around a socket, say),
   * or a promise of it. The pool hands out that same object for its whole life, parked or not,
   * so state kept on it survives. `signal` aborts when the pool closes. A rejection fails every
   * waiter when nothing else is open (as `DialError` unless it is one of this package's errors).
   */
  create(signal: AbortSignal): T | PromiseLike<T>;
  /** Disposes of one resource. Errors it throws or rejects with are ignored. */
  destroy(resource: T): unknown;
  /**
   * Says whether a parked (idle) resource is still usable, when it is taken back into use; `false`
   * (or a throw) destroys it. Must answer synchronously: taking a resource back is part of a lease.
   */
  validate?(resource: T): boolean;
  /**
   * How loaded a resource is: the pool leases the least-loaded one and creates another when even
   * that one is at `loadThreshold`. Called for each open resource on every lease, so keep it
   * cheap. `leases` is the pool's own count for the resource.
   * @default the resource's lease count
   */
  load?(resource: T, leases: number): number;
}

/**
 * Options of {@link createSharedPool}: the factory, then the limits. Times are integer
 * milliseconds up to 2^31 - 1 (what Node's timers honour).
 */
export interface SharedPoolOptions<T extends object> extends SharedPoolFactory<T> {
  /**
   * Resources that may exist at once: open (leased or not), retired but still leased, parked, or
   * being created. `Infinity` for no limit.
   * @default 100
   */
  maxActive?: number;
  /**
   * When the least-loaded open resource has at least this load, another is created in the
   * background (one at a time, up to `maxActive`); the lease does not wait for it. `Infinity`
   * keeps one resource open however loaded it is.
   * @default 100
   */
  loadThreshold?: number;
  /**
   * An open resource with no lease for this long is parked: no longer leased, kept idle up to
   * `maxIdle` (beyond, destroyed) and taken back before a new one is created. 0 disables.
   * @default 1000
   */
  parkTimeout?: number;
  /**
   * Parked resources kept; one parked beyond it is destroyed. 0 keeps none (an unused resource
   * is destroyed after `parkTimeout`).
   * @default 10
   */
  maxIdle?: number;
  /**
   * A parked resource unused this long is destroyed. 0 disables.
   * @default 300000
   */
  idleTimeout?: number;
  /**
   * After a create fails, no background create (for load) starts for this long; a lease with
   * nothing open still creates at once. 0 disables.
   * @default 250
   */
  createBackoff?: number;
  /**
   * How long `close()` waits for leases to end before it destroys the resources still leased;
   * `Infinity` waits forever, 0 destroys them at once.
   * @default 30000
   */
  closeTimeout?: number;
}

/** The shared pool's defaults, one place (the README's options table is tested against it). */
export const SHARED_DEFAULTS = Object.freeze({
  maxActive: 100,
  loadThreshold: 100,
  parkTimeout: 1_000,
  maxIdle: 10,
  idleTimeout: 300_000,
  createBackoff: 250,
  closeTimeout: 30_000,
});

export interface ResolvedSharedOptions<T extends object> {
  readonly create: (signal: AbortSignal) => T | PromiseLike<T>;
  readonly destroy: (resource: T) => unknown;
  readonly validate: ((resource: T) => boolean) | null;
  readonly load: ((resource: T, leases: number) => number) | null;
  readonly maxActive: number;
  readonly loadThreshold: number;
  readonly parkTimeout: number;
  readonly maxIdle: number;
  readonly idleTimeout: number;
  readonly createBackoff: number;
  readonly closeTimeout: number;
}

/** Every name {@link createSharedPool} accepts: the factory's, then the limits. */
const SHARED_OPTIONS: readonly string[] = [
  'create',
  'destroy',
  'validate',
  'load',
  ...Object.keys(SHARED_DEFAULTS),
];

/**
 * Validates once and freezes; the pool never re-checks. Throws a `TypeError` with code
 * `RERPC_ERR_INVALID_OPTION` naming the option.
 */
export function resolveSharedOptions<T extends object>(
  options: SharedPoolOptions<T>,
): ResolvedSharedOptions<T> {
  checkFactoryOptions(options, SHARED_OPTIONS, 'createSharedPool() options');
  type F = SharedPoolFactory<T>;
  const create = checkFunction<F['create']>('create', options.create);
  const destroy = checkFunction<F['destroy']>('destroy', options.destroy);
  const validate = checkFunctionOrNull<(resource: T) => boolean>('validate', options.validate);
  const load = checkFunctionOrNull<(resource: T, leases: number) => number>('load', options.load);
  const pick = <K extends keyof typeof SHARED_DEFAULTS>(key: K): unknown =>
    options[key] ?? SHARED_DEFAULTS[key];
  const max = Number.MAX_SAFE_INTEGER;
  // Bound once, so a factory object whose methods use `this` (a class instance) keeps working.
  return Object.freeze({
    create: create.bind(options),
    destroy: destroy.bind(options),
    validate: validate === null ? null : validate.bind(options),
    load: load === null ? null : load.bind(options),
    maxActive: checkInteger('maxActive', pick('maxActive'), 1, max, true),
    loadThreshold: checkInteger('loadThreshold', pick('loadThreshold'), 1, max, true),
    parkTimeout: checkTime('parkTimeout', pick('parkTimeout')),
    maxIdle: checkInteger('maxIdle', pick('maxIdle'), 0, max, true),
    idleTimeout: checkTime('idleTimeout', pick('idleTimeout')),
    createBackoff: checkTime('createBackoff', pick('createBackoff')),
    closeTimeout: checkTime('closeTimeout', pick('closeTimeout'), true),
  });
}
