import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientCallTrace, ClientConnectionMessage } from '@rerpc/client';
import { type CallMetrics, OK } from './call-metrics.js';

// @rerpc/client's channels (its README's Diagnostics channels table), type-only as in server.ts.
const START = 'tracing:rerpc:client:call:start';
const ASYNC_END = 'tracing:rerpc:client:call:asyncEnd';
const OPEN = 'rerpc:client:connection:open';
const CLOSE = 'rerpc:client:connection:close';

/**
 * Feeds a {@link CallMetrics} from every @rerpc/client in the process: a call from `start` (before
 * it is encoded) to `asyncEnd` (its promise settled, retries included). Batches are not counted:
 * their members are not traced one by one, and `batch` is not a method.
 */
export class ClientMetrics {
  private readonly metrics: CallMetrics;
  /** When each call in flight started (performance.now()). */
  private readonly starts = new WeakMap<ClientCallTrace, number>();
  private readonly onStart = (message: unknown): void => {
    const call = message as ClientCallTrace;
    if (call.kind === 'batch') return;
    this.starts.set(call, performance.now());
    this.metrics.started(call.method);
  };
  private readonly onEnd = (message: unknown): void => {
    const call = message as ClientCallTrace;
    const start = this.starts.get(call);
    if (start === undefined) return;
    this.starts.delete(call);
    this.metrics.finished(call.method, codeOf(call.error), (performance.now() - start) / 1000);
  };
  private readonly onOpen = (message: unknown): void => {
    this.metrics.opened((message as ClientConnectionMessage).transport);
  };
  private readonly onClose = (message: unknown): void => {
    this.metrics.closed((message as ClientConnectionMessage).transport);
  };

  constructor(metrics: CallMetrics) {
    this.metrics = metrics;
    subscribe(START, this.onStart);
    subscribe(ASYNC_END, this.onEnd);
    subscribe(OPEN, this.onOpen);
    subscribe(CLOSE, this.onClose);
  }

  close(): void {
    unsubscribe(START, this.onStart);
    unsubscribe(ASYNC_END, this.onEnd);
    unsubscribe(OPEN, this.onOpen);
    unsubscribe(CLOSE, this.onClose);
    this.metrics.remove();
  }
}

/**
 * `ok`; an error answer's JSON-RPC code (`RpcError.code`, a number); else the client error's code
 * (`RERPC_ERR_TIMEOUT`, …), or its class name when it has none.
 */
function codeOf(error: unknown): string {
  if (error === undefined) return OK;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number' || typeof code === 'string') return String(code);
  return error instanceof Error ? error.name : 'error';
}
