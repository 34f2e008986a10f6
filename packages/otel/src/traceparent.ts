import { type SpanContext, TraceFlags } from '@opentelemetry/api';

// W3C Trace Context `traceparent` (version 00), written and read here so the package needs no
// propagator registered: `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`.

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

export function formatTraceparent(span: SpanContext): string {
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${span.traceId}-${span.spanId}-${flags}`;
}

/** The remote span a `traceparent` names, or null when it is absent or malformed. */
export function parseTraceparent(value: unknown): SpanContext | null {
  if (typeof value !== 'string') return null;
  const match = TRACEPARENT.exec(value);
  if (match === null) return null;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return null;
  return {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
}

/** `params._meta.traceparent`, when params are an object that carries one. */
export function traceparentOf(params: unknown): unknown {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return undefined;
  const meta = (params as { _meta?: unknown })._meta;
  if (typeof meta !== 'object' || meta === null) return undefined;
  return (meta as { traceparent?: unknown }).traceparent;
}

/**
 * `params` with `_meta.traceparent` added (a copy; the caller's object is untouched), or `params`
 * unchanged when they cannot carry it: absent (adding params could change which ones the method
 * sees), or an array (by-position params have no room for a member).
 */
export function withTraceparent(params: unknown, traceparent: string): unknown {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return params;
  const meta = (params as { _meta?: unknown })._meta;
  const base = typeof meta === 'object' && meta !== null ? meta : {};
  return { ...params, _meta: { ...base, traceparent } };
}
