import { context, type Histogram, metrics, trace } from '@opentelemetry/api';
import { ClientInstrumentation } from './client.js';
import { type InstrumentationOptions, resolveOptions } from './options.js';
import {
  DURATION_BUCKETS,
  METRIC_RPC_CLIENT_CALL_DURATION,
  METRIC_RPC_SERVER_CALL_DURATION,
} from './semconv.js';
import { ServerInstrumentation } from './server.js';

/** The tracer's and meter's instrumentation scope. */
const SCOPE = '@rerpc/otel';

/** A @rerpc/server middleware (`server.use()`), typed structurally. */
export type TraceMiddleware = (ctx: object, next: () => Promise<unknown>) => unknown;

/** What {@link createInstrumentation} returns. */
export interface Instrumentation {
  /**
   * A `@rerpc/server` middleware (`server.use(instrumentation.middleware)`) that makes each
   * call's server span the active context while its handler runs, so spans the handler starts
   * (calls it makes with `@rerpc/client` too) are its children. Needs a context manager (the
   * SDK's `NodeSDK` or `register()` installs one). Without it, spans are recorded all the same.
   */
  readonly middleware: TraceMiddleware;
  /** Stops instrumenting (unsubscribes from the channels); spans already started still end. Idempotent. */
  close(): void;
  [Symbol.dispose](): void;
}

/**
 * Starts OpenTelemetry spans and duration histograms for every `@rerpc/server` and
 * `@rerpc/client` in the process, from their diagnostics channels (semantic conventions v1.45.0,
 * JSON-RPC). Throws a `TypeError` (`RERPC_ERR_INVALID_OPTION`) for an invalid option.
 *
 * @example
 * const otel = createInstrumentation({ propagate: true });
 * server.use(otel.middleware);
 */
export function createInstrumentation(options?: InstrumentationOptions): Instrumentation {
  const o = resolveOptions(options);
  const tracer = (o.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const meter = (o.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const histogram = (name: string, description: string): Histogram =>
    meter.createHistogram(name, {
      description,
      unit: 's',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
    });
  const server = o.server
    ? new ServerInstrumentation(
        tracer,
        histogram(METRIC_RPC_SERVER_CALL_DURATION, 'Measures the duration of an incoming RPC.'),
        o.propagate,
      )
    : null;
  const client = o.client
    ? new ClientInstrumentation(
        tracer,
        histogram(METRIC_RPC_CLIENT_CALL_DURATION, 'Measures the duration of an outgoing RPC.'),
        o.propagate,
      )
    : null;
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    server?.close();
    client?.close();
  };
  const middleware: TraceMiddleware = (ctx, next) => {
    const span = server?.spanOf(ctx);
    if (span === undefined) return next();
    return context.with(trace.setSpan(context.active(), span), next);
  };
  return { middleware, close, [Symbol.dispose]: close };
}
