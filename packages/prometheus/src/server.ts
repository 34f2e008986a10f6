import { subscribe, unsubscribe } from 'node:diagnostics_channel';
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

/** Feeds a {@link CallMetrics} from every @rerpc/server in the process. */
export class ServerMetrics {
  private readonly metrics: CallMetrics;
  private readonly onRequest = (message: unknown): void => {
    const m = message as ServerRequestMessage;
    this.metrics.started(m.registered ? m.method : OTHER_METHOD);
  };
  private readonly onResponse = (message: unknown): void => {
    const m = message as ServerResponseMessage;
    this.metrics.finished(m.registered ? m.method : OTHER_METHOD, codeOf(m), m.duration / 1000);
  };
  private readonly onOpen = (message: unknown): void => {
    this.metrics.opened((message as ServerConnectionMessage).peer.transport);
  };
  private readonly onClose = (message: unknown): void => {
    this.metrics.closed((message as ServerConnectionMessage).peer.transport);
  };

  constructor(metrics: CallMetrics) {
    this.metrics = metrics;
    subscribe(REQUEST, this.onRequest);
    subscribe(RESPONSE, this.onResponse);
    subscribe(OPEN, this.onOpen);
    subscribe(CLOSE, this.onClose);
  }

  close(): void {
    unsubscribe(REQUEST, this.onRequest);
    unsubscribe(RESPONSE, this.onResponse);
    unsubscribe(OPEN, this.onOpen);
    unsubscribe(CLOSE, this.onClose);
    this.metrics.remove();
  }
}

/** The error code answered (or counted, for a notification), `disconnected` for a dropped call. */
function codeOf(m: ServerResponseMessage): string {
  if (m.code !== null) return String(m.code);
  if (!m.answered && m.id !== undefined) return DISCONNECTED;
  return OK;
}
