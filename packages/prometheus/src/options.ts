import { checkBoolean, checkOptions, describe, optionError } from '@rerpc/internal';
import { type Registry, register } from 'prom-client';

/** prom-client's default histogram buckets, in seconds. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /**
   * The prom-client registry the metrics are registered in; `null`: prom-client's global
   * `register` (the one `AggregatorRegistry` collects from cluster workers).
   * @default null
   */
  registry?: Registry | null;
  /**
   * Prepended to every metric name (`rerpc_server_started_total`); letters, digits, `_` and `:`,
   * not starting with a digit, or `''`.
   * @default 'rerpc_'
   */
  prefix?: string;
  /**
   * Upper bounds of the `*_handling_seconds` histograms' buckets, in seconds, increasing.
   * @default DEFAULT_BUCKETS ([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
   */
  buckets?: readonly number[];
  /**
   * Count what every `@rerpc/server` in the process serves.
   * @default true
   */
  server?: boolean;
  /**
   * Count what every `@rerpc/client` in the process calls.
   * @default true
   */
  client?: boolean;
}

export interface ResolvedMetricsOptions {
  readonly registry: Registry | null;
  readonly prefix: string;
  readonly buckets: readonly number[];
  readonly server: boolean;
  readonly client: boolean;
}

/** Every option's default (the README's Options table is held to it by a test). */
export const DEFAULTS: ResolvedMetricsOptions = Object.freeze({
  registry: null,
  prefix: 'rerpc_',
  buckets: DEFAULT_BUCKETS,
  server: true,
  client: true,
});

const KNOWN = Object.keys(DEFAULTS);
const PREFIX = /^(?:[a-zA-Z_:][a-zA-Z0-9_:]*)?$/;

function checkRegistry(value: unknown): Registry | null {
  if (value === undefined || value === null) return null;
  if (
    typeof value !== 'object' ||
    typeof (value as Record<string, unknown>)['registerMetric'] !== 'function' ||
    typeof (value as Record<string, unknown>)['metrics'] !== 'function'
  ) {
    throw optionError(`registry must be a prom-client Registry or null, got ${describe(value)}`);
  }
  return value as Registry;
}

function checkPrefix(value: unknown): string {
  if (typeof value !== 'string' || !PREFIX.test(value)) {
    throw optionError(
      `prefix must be a metric name prefix (letters, digits, _ and :, not starting with a digit) or '', got ${describe(value)}`,
    );
  }
  return value;
}

function checkBuckets(value: unknown): readonly number[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.some(
      (b, i) =>
        typeof b !== 'number' || !Number.isFinite(b) || b <= 0 || (i > 0 && b <= value[i - 1]),
    )
  ) {
    throw optionError(
      `buckets must be a non-empty array of increasing finite numbers > 0 (seconds), got ${describe(value)}`,
    );
  }
  return Object.freeze([...(value as number[])]);
}

export function resolveOptions(options: MetricsOptions | undefined): ResolvedMetricsOptions {
  const o = checkOptions(options, KNOWN, 'createMetrics() options') ?? {};
  return Object.freeze({
    registry: checkRegistry(o.registry),
    prefix: o.prefix === undefined ? DEFAULTS.prefix : checkPrefix(o.prefix),
    buckets: o.buckets === undefined ? DEFAULTS.buckets : checkBuckets(o.buckets),
    server: o.server === undefined ? DEFAULTS.server : checkBoolean('server', o.server),
    client: o.client === undefined ? DEFAULTS.client : checkBoolean('client', o.client),
  });
}

/** The registry metrics go to: the option's, else prom-client's global one. */
export function registryOf(options: ResolvedMetricsOptions): Registry {
  return options.registry ?? register;
}
