import { subscribeAll } from '@rerpc/internal';
import type {
  ServerConnectionMessage,
  ServerRequestMessage,
  ServerResponseMessage,
} from '@rerpc/server';
import { type CallMetrics, OK, OTHER_METHOD } from './call-metrics.js';

// @rerpc/server's channels (its README's Diagnostics channels table). Type-only imports: the
// package does not load @rerpc/server, it listens to whichever copies the process has.
const REQUEST = 'rerpc:server:request';
const RESPONSE = 'rerpc:server:response';
const OPEN = 'rerpc:server:connection:open';
const CLOSE = 'rerpc:server:connection:close';

/** The `code` label of a call dropped unanswered because its connection closed. */
export const DISCONNECTED = 'disconnected';

/** Feeds a {@link CallMetrics} from every @rerpc/server in the process; returns what stops it. */
export function countServer(metrics: CallMetrics): () => void {
  return subscribeAll({
    [REQUEST]: (message) => {
      const m = message as ServerRequestMessage;
      metrics.started(m.registered ? m.method : OTHER_METHOD);
    },
    [RESPONSE]: (message) => {
      const m = message as ServerResponseMessage;
      metrics.finished(m.registered ? m.method : OTHER_METHOD, codeOf(m), m.duration / 1000);
    },
    [OPEN]: (message) => metrics.opened((message as ServerConnectionMessage).peer.transport),
    [CLOSE]: (message) => metrics.closed((message as ServerConnectionMessage).peer.transport),
  });
}

/** The error code answered (or counted, for a notification), `disconnected` for a dropped call. */
function codeOf(m: ServerResponseMessage): string {
  if (m.code !== null) return String(m.code);
  if (!m.answered && m.id !== undefined) return DISCONNECTED;
  return OK;
}
