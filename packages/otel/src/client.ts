import {
  type Attributes,
  context,
  isSpanContextValid,
  type Span,
  SpanKind,
  SpanStatusCode,
} from '@opentelemetry/api';
import type { Subscribers } from '@rerpc/internal';
import {
  ATTR_ERROR_TYPE,
  ATTR_JSONRPC_PROTOCOL_VERSION,
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_RPC_METHOD,
  ATTR_RPC_STATUS_CODE,
  ATTR_RPC_SYSTEM_NAME,
  ATTR_SERVER_ADDRESS,
  RPC_SYSTEM_NAME_VALUE_JSONRPC,
} from './semconv.js';
import { Side } from './side.js';
import { formatTraceparent, withTraceparent } from './traceparent.js';

// What this package reads of @rerpc/client's `tracingChannel('rerpc:client:call')` (its README's
// Diagnostics channels table), structurally.
interface ClientCallTrace {
  readonly method: string;
  params: unknown;
  readonly kind: 'call' | 'notify' | 'batch' | 'subscribe';
  readonly target: string;
  readonly id: number | null;
  readonly error: unknown;
}

const START = 'tracing:rerpc:client:call:start';
const ASYNC_END = 'tracing:rerpc:client:call:asyncEnd';

interface Open {
  readonly span: Span;
  readonly start: number;
}

/**
 * Client spans and `rpc.client.call.duration`: a span from `start` (before the request is
 * encoded, so its `traceparent` can be added) to `asyncEnd` (the call's promise settled). Batches
 * are not instrumented: JSON-RPC semantic conventions have no batch span.
 */
export class ClientInstrumentation extends Side {
  private readonly open = new WeakMap<ClientCallTrace, Open>();

  protected subscribers(): Subscribers {
    return {
      [START]: (message) => this.start(message as ClientCallTrace),
      [ASYNC_END]: (message) => this.end(message as ClientCallTrace),
    };
  }

  private start(call: ClientCallTrace): void {
    if (call.kind === 'batch') return;
    const span = this.tracer.startSpan(
      call.method,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM_NAME_VALUE_JSONRPC,
          [ATTR_RPC_METHOD]: call.method,
          [ATTR_JSONRPC_PROTOCOL_VERSION]: '2.0',
          [ATTR_SERVER_ADDRESS]: call.target,
        },
      },
      context.active(),
    );
    this.open.set(call, { span, start: performance.now() });
    if (this.propagate && isSpanContextValid(span.spanContext())) {
      call.params = withTraceparent(call.params, formatTraceparent(span.spanContext()));
    }
  }

  private end(call: ClientCallTrace): void {
    const open = this.open.get(call);
    if (open === undefined) return;
    this.open.delete(call);
    const span = open.span;
    if (call.id !== null) span.setAttribute(ATTR_JSONRPC_REQUEST_ID, String(call.id));
    const metric: Attributes = {
      [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM_NAME_VALUE_JSONRPC,
      [ATTR_RPC_METHOD]: call.method,
    };
    if (call.error !== undefined) {
      const code = (call.error as { code?: unknown } | null)?.code;
      // An RpcError carries the answer's integer code; the client's own errors a string code.
      const type =
        typeof code === 'number' || typeof code === 'string' ? String(code) : errorName(call.error);
      if (typeof code === 'number') {
        span.setAttribute(ATTR_RPC_STATUS_CODE, type);
        metric[ATTR_RPC_STATUS_CODE] = type;
      }
      span.setAttribute(ATTR_ERROR_TYPE, type);
      span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(call.error) });
      metric[ATTR_ERROR_TYPE] = type;
    }
    span.end();
    this.histogram.record((performance.now() - open.start) / 1000, metric);
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '_OTHER';
}

function messageOf(error: unknown): string | undefined {
  return error instanceof Error ? error.message : undefined;
}
