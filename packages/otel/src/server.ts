import {
  type Attributes,
  type Context,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { Subscribers } from '@rerpc/internal';
import {
  ATTR_ERROR_TYPE,
  ATTR_JSONRPC_PROTOCOL_VERSION,
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_RPC_METHOD,
  ATTR_RPC_METHOD_ORIGINAL,
  ATTR_RPC_STATUS_CODE,
  ATTR_RPC_SYSTEM_NAME,
  OTHER_METHOD,
  RPC_SYSTEM_NAME_VALUE_JSONRPC,
} from './semconv.js';
import { Side } from './side.js';
import { parseTraceparent, traceparentOf } from './traceparent.js';

// What this package reads of @rerpc/server's channels (its README's Diagnostics channels table),
// written structurally so the package does not depend on @rerpc/server.
type Id = string | number | null | undefined;

interface ServerCallTrace {
  readonly method: string;
  readonly id: Id;
  readonly params: unknown;
  readonly ctx: { readonly remoteAddress: string | null };
}

interface ServerResponse {
  readonly method: string;
  readonly id: Id;
  readonly registered: boolean;
  readonly code: number | null;
  readonly answered: boolean;
  readonly duration: number;
  readonly ctx: object | null;
  readonly remoteAddress: string | null;
}

const CALL_START = 'tracing:rerpc:server:call:start';
const RESPONSE = 'rerpc:server:response';

/** `error.type` of a call dropped unanswered because its connection closed. */
export const DISCONNECTED = 'disconnected';

/**
 * Server spans and `rpc.server.call.duration` from @rerpc/server's channels: a span starts when a
 * handler is about to run (`rerpc:server:call` start) and ends with its response
 * (`rerpc:server:response`, which carries the same `ctx`); a request answered without a handler
 * (unknown method, invalid params) gets a span spanning its `duration` at response time.
 */
export class ServerInstrumentation extends Side {
  private readonly spans = new WeakMap<object, Span>();

  protected subscribers(): Subscribers {
    return {
      [CALL_START]: (message) => this.start(message as ServerCallTrace),
      [RESPONSE]: (message) => this.respond(message as ServerResponse),
    };
  }

  /** The span of the call whose handler got `ctx` (for the middleware), if one is open. */
  spanOf(ctx: object): Span | undefined {
    return this.spans.get(ctx);
  }

  private parent(params: unknown): Context {
    if (this.propagate) {
      const remote = parseTraceparent(traceparentOf(params));
      if (remote !== null) return trace.setSpanContext(ROOT_CONTEXT, remote);
    }
    return context.active();
  }

  private start(call: ServerCallTrace): void {
    const attributes: Attributes = {
      [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM_NAME_VALUE_JSONRPC,
      [ATTR_RPC_METHOD]: call.method,
      [ATTR_JSONRPC_PROTOCOL_VERSION]: '2.0',
    };
    if (call.id !== undefined && call.id !== null)
      attributes[ATTR_JSONRPC_REQUEST_ID] = String(call.id);
    const address = call.ctx.remoteAddress;
    if (address !== null) attributes[ATTR_NETWORK_PEER_ADDRESS] = address;
    const span = this.tracer.startSpan(
      call.method,
      { kind: SpanKind.SERVER, attributes },
      this.parent(call.params),
    );
    this.spans.set(call.ctx, span);
  }

  private respond(response: ServerResponse): void {
    const method = response.registered ? response.method : OTHER_METHOD;
    let span = response.ctx === null ? undefined : this.spans.get(response.ctx);
    if (span === undefined) span = this.late(response);
    else this.spans.delete(response.ctx!);
    const metric: Attributes = {
      [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM_NAME_VALUE_JSONRPC,
      [ATTR_RPC_METHOD]: method,
    };
    const error = errorType(response);
    if (error !== null) {
      if (response.code !== null) {
        span.setAttribute(ATTR_RPC_STATUS_CODE, error);
        metric[ATTR_RPC_STATUS_CODE] = error;
      }
      span.setAttribute(ATTR_ERROR_TYPE, error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      metric[ATTR_ERROR_TYPE] = error;
    }
    span.end();
    this.histogram.record(response.duration / 1000, metric);
  }

  /** A span for a request no handler ran for, back-dated to when it was read. */
  private late(response: ServerResponse): Span {
    const attributes: Attributes = {
      [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM_NAME_VALUE_JSONRPC,
      [ATTR_RPC_METHOD]: response.registered ? response.method : OTHER_METHOD,
      [ATTR_JSONRPC_PROTOCOL_VERSION]: '2.0',
    };
    if (!response.registered) attributes[ATTR_RPC_METHOD_ORIGINAL] = response.method;
    if (response.id !== undefined && response.id !== null) {
      attributes[ATTR_JSONRPC_REQUEST_ID] = String(response.id);
    }
    if (response.remoteAddress !== null) {
      attributes[ATTR_NETWORK_PEER_ADDRESS] = response.remoteAddress;
    }
    // The spec names a span after its method, or after the system when the method is unknown.
    const name = response.registered ? response.method : RPC_SYSTEM_NAME_VALUE_JSONRPC;
    const startTime = performance.timeOrigin + performance.now() - response.duration;
    return this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes, startTime });
  }
}

/** `error.type` (and `rpc.status_code`): the error code as a string; null for a result. */
function errorType(response: ServerResponse): string | null {
  if (response.code !== null) return String(response.code);
  if (!response.answered && response.id !== undefined) return DISCONNECTED;
  return null;
}
