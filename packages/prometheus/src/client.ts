import type { ClientCallTrace, ClientConnectionMessage } from '@rerpc/client';
import { subscribeAll } from '@rerpc/internal';
import { type CallMetrics, OK } from './call-metrics.js';

// @rerpc/client's channels (its README's Diagnostics channels table), type-only as in server.ts.
const START = 'tracing:rerpc:client:call:start';
const ASYNC_END = 'tracing:rerpc:client:call:asyncEnd';
const OPEN = 'rerpc:client:connection:open';
const CLOSE = 'rerpc:client:connection:close';

/**
 * Feeds a {@link CallMetrics} from every @rerpc/client in the process (returns what stops it): a
 * call from `start` (before it is encoded) to `asyncEnd` (its promise settled, retries included).
 * Batches are not counted: their members are not traced one by one, and `batch` is not a method.
 */
export function countClient(metrics: CallMetrics): () => void {
  /** When each call in flight started (performance.now()). */
  const starts = new WeakMap<ClientCallTrace, number>();
  return subscribeAll({
    [START]: (message) => {
      const call = message as ClientCallTrace;
      if (call.kind === 'batch') return;
      starts.set(call, performance.now());
      metrics.started(call.method);
    },
    [ASYNC_END]: (message) => {
      const call = message as ClientCallTrace;
      const start = starts.get(call);
      if (start === undefined) return;
      starts.delete(call);
      metrics.finished(call.method, codeOf(call.error), (performance.now() - start) / 1000);
    },
    [OPEN]: (message) => metrics.opened((message as ClientConnectionMessage).transport),
    [CLOSE]: (message) => metrics.closed((message as ClientConnectionMessage).transport),
  });
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
