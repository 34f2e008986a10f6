// The multi-endpoint target of createClient(): a list of servers, or a resolver that finds them,
// and how calls are spread over them (picker.ts) and kept off failing ones (ejection.ts).
import {
  checkFunction,
  checkInteger,
  checkTime,
  describe,
  optionError,
  rejectUnknownOptions,
} from '@rerpc/internal';
import type { EjectionSettings } from './ejection.js';
import { checkTarget, type ResolvedTarget } from './target.js';

/** One server of an endpoints target: `'tcp://host:port'` (or another URL target) or `{ host, port }`. */
export type Endpoint = string | { host?: string; port: number };

/**
 * Finds the servers: called at the first call, every `resolveInterval` ms, and after a failed
 * dial (at most one run at a time). An empty answer, or a rejection, keeps the endpoints it had.
 */
export type Resolver = () => Promise<readonly Endpoint[]>;

/** How calls are spread: see the README's Picking section. */
export type PickPolicy = 'p2c' | 'round-robin' | 'first';

/**
 * A target of several servers: `endpoints` (a fixed list) or `resolver` (found at run time, such
 * as {@link dns}), with one connection pool per server.
 */
export interface EndpointsTarget {
  /** The servers, in order (`'first'` picks the first healthy one). */
  endpoints?: readonly Endpoint[];
  /** Finds the servers instead of `endpoints`. */
  resolver?: Resolver;
  /**
   * `'p2c'`: of two healthy endpoints drawn at random, the one with fewer calls in flight;
   * `'round-robin'`: each healthy endpoint in turn; `'first'`: the first healthy one.
   * @default 'p2c'
   */
  pick?: PickPolicy;
  /** Milliseconds between two runs of `resolver`; 0: only at the start and after failures. @default 30000 */
  resolveInterval?: number;
  /** Consecutive connect, reset or timeout failures that eject an endpoint; 0 disables ejection. @default 5 */
  ejectAfter?: number;
  /** Milliseconds out for a first ejection; the nth lasts n times as long. @default 30000 */
  ejectionTime?: number;
  /** The longest an ejection lasts (ms). @default 300000 */
  maxEjectionTime?: number;
  /**
   * The method a probe of an ejected endpoint calls (on a connection of its own; TCP endpoints
   * with NDJSON framing and no TLS): only an answer with a result brings it back. Null: a probe
   * is a dial. @default null
   */
  healthMethod?: string | null;
}

/** The defaults of an {@link EndpointsTarget}'s settings. */
export const ENDPOINTS_DEFAULTS = Object.freeze({
  pick: 'p2c' as PickPolicy,
  resolveInterval: 30_000,
  ejectAfter: 5,
  ejectionTime: 30_000,
  maxEjectionTime: 300_000,
  healthMethod: null as string | null,
});

/** A checked endpoints target. */
export interface ResolvedEndpoints {
  /** The fixed list, or null with a resolver. */
  readonly list: readonly ResolvedTarget[] | null;
  readonly resolver: Resolver | null;
  readonly pick: PickPolicy;
  readonly resolveInterval: number;
  readonly ejection: EjectionSettings;
  readonly healthMethod: string | null;
  /** What stands for the target in messages: the list's addresses, or `'resolver'`. */
  readonly address: string;
}

const KEYS: readonly string[] = ['endpoints', 'resolver', ...Object.keys(ENDPOINTS_DEFAULTS)];
const PICKS: readonly string[] = ['p2c', 'round-robin', 'first'];

/** Whether `target` is an endpoints target (it has `endpoints` or `resolver`). */
export function isEndpointsTarget(target: unknown): boolean {
  return (
    typeof target === 'object' && target !== null && ('endpoints' in target || 'resolver' in target)
  );
}

/** Validates an {@link EndpointsTarget}; throws a coded TypeError naming the option and value. */
export function checkEndpointsTarget(target: object): ResolvedEndpoints {
  rejectUnknownOptions(target, KEYS, 'createClient() target');
  const t = target as Record<string, unknown>;
  const pick = (key: keyof typeof ENDPOINTS_DEFAULTS): unknown => t[key] ?? ENDPOINTS_DEFAULTS[key];
  const given = t['endpoints'];
  const resolver = t['resolver'];
  if ((given === undefined) === (resolver === undefined)) {
    throw optionError('target must have endpoints or resolver, not both');
  }
  let list: ResolvedTarget[] | null = null;
  if (given !== undefined) {
    if (!Array.isArray(given) || given.length === 0) {
      throw optionError(`endpoints must be a non-empty array, got ${describe(given)}`);
    }
    list = checkEndpoints(given);
  } else {
    checkFunction('resolver', resolver);
  }
  const policy = pick('pick');
  // Stryker disable next-line ConditionalExpression: includes() finds no non-string in PICKS, so the typeof check only narrows the type
  if (typeof policy !== 'string' || !PICKS.includes(policy)) {
    throw optionError(`pick must be 'p2c', 'round-robin' or 'first', got ${describe(policy)}`);
  }
  const ejection: EjectionSettings = Object.freeze({
    failures: checkInteger('ejectAfter', pick('ejectAfter'), 0),
    time: checkTime('ejectionTime', pick('ejectionTime')),
    maxTime: checkTime('maxEjectionTime', pick('maxEjectionTime')),
  });
  return Object.freeze({
    list,
    resolver: (resolver as Resolver | undefined) ?? null,
    pick: policy as PickPolicy,
    resolveInterval: checkTime('resolveInterval', pick('resolveInterval')),
    healthMethod: checkHealthMethod(t['healthMethod']),
    ejection,
    address: list === null ? 'resolver' : list.map((e) => e.address).join(','),
  });
}

function checkHealthMethod(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '') {
    throw optionError(
      `healthMethod must be a non-empty method name or null, got ${describe(value)}`,
    );
  }
  return value;
}

/** Checks each endpoint (a TCP, HTTP or WebSocket target; no stream); throws on the first bad one. */
export function checkEndpoints(given: readonly unknown[]): ResolvedTarget[] {
  const out: ResolvedTarget[] = [];
  for (const e of given) {
    const target = checkTarget(e);
    if (target.transport === 'stream') {
      throw optionError('an endpoint must be a URL or { host, port }, not a stream');
    }
    if (!out.some((o) => o.address === target.address)) out.push(target);
  }
  return out;
}
