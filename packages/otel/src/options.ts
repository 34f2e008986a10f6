import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import { checkBoolean, checkOptions, describe, optionError } from '@rerpc/internal';

/** Options of {@link createInstrumentation}. */
export interface InstrumentationOptions {
  /**
   * Where spans go; `null`: the global one (`trace.getTracerProvider()`, set by the SDK's
   * `register()` or `NodeSDK`).
   * @default null
   */
  tracerProvider?: TracerProvider | null;
  /**
   * Where the duration histograms go; `null`: the global one (`metrics.getMeterProvider()`).
   * @default null
   */
  meterProvider?: MeterProvider | null;
  /**
   * Instrument `@rerpc/server`: a SERVER span per call and `rpc.server.call.duration`.
   * @default true
   */
  server?: boolean;
  /**
   * Instrument `@rerpc/client`: a CLIENT span per call and `rpc.client.call.duration`.
   * @default true
   */
  client?: boolean;
  /**
   * Carry trace context across the wire in `params._meta.traceparent` (W3C `traceparent`): the
   * client adds it to object params (a copy; array and absent params are sent as given), the
   * server continues the trace it names. Off by default: it changes what is sent, and a method
   * whose params schema has `additionalProperties: false` must allow `_meta`.
   * @default false
   */
  propagate?: boolean;
}

export interface ResolvedInstrumentationOptions {
  readonly tracerProvider: TracerProvider | null;
  readonly meterProvider: MeterProvider | null;
  readonly server: boolean;
  readonly client: boolean;
  readonly propagate: boolean;
}

/** Every option's default (the README's Options table is held to it by a test). */
export const DEFAULTS: ResolvedInstrumentationOptions = Object.freeze({
  tracerProvider: null,
  meterProvider: null,
  server: true,
  client: true,
  propagate: false,
});

const KNOWN = Object.keys(DEFAULTS);

function provider<T>(name: string, value: unknown, method: string): T | null {
  if (value === undefined || value === null) return null;
  if (
    typeof value !== 'object' ||
    typeof (value as Record<string, unknown>)[method] !== 'function'
  ) {
    throw optionError(`${name} must be an object with ${method}() or null, got ${describe(value)}`);
  }
  return value as T;
}

export function resolveOptions(
  options: InstrumentationOptions | undefined,
): ResolvedInstrumentationOptions {
  const o = checkOptions(options, KNOWN, 'createInstrumentation() options') ?? {};
  return Object.freeze({
    tracerProvider: provider<TracerProvider>('tracerProvider', o.tracerProvider, 'getTracer'),
    meterProvider: provider<MeterProvider>('meterProvider', o.meterProvider, 'getMeter'),
    server: o.server === undefined ? DEFAULTS.server : checkBoolean('server', o.server),
    client: o.client === undefined ? DEFAULTS.client : checkBoolean('client', o.client),
    propagate:
      o.propagate === undefined ? DEFAULTS.propagate : checkBoolean('propagate', o.propagate),
  });
}
