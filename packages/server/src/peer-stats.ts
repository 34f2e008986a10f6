/** The two-way parts of `stats()`: subscriptions, calls to the peer, cancellations received. */
export interface PeerStatsSnapshot {
  subscriptions: {
    /** Subscriptions open now, over every connection. */
    active: number;
    /** Subscriptions opened (`<name>_subscribe` calls admitted under the cap) since the server was created. */
    opened: number;
    /** Subscriptions ended: unsubscribed, failed to set up, or their connection closed. */
    closed: number;
    /** Events written to connections. */
    eventsSent: number;
    /**
     * Events refused because the subscription's buffer was full (`trySend()` returned false,
     * `send()` rejected with `SubscriptionOverflowError`).
     */
    eventsDropped: number;
  };
  /** Calls from handlers to their peer (`ctx.peer.call()`). */
  peerCalls: {
    /** Sent and not settled yet. */
    pending: number;
    /** Written to a connection. */
    sent: number;
    /** Answered with a result. */
    answered: number;
    /** Answered with an error (rejected with `RpcError`). */
    failed: number;
    /** Rejected with `PeerTimeoutError`. */
    timedOut: number;
    /** Sent, then rejected unanswered: aborted by their signal, or their connection closed. */
    abandoned: number;
    /** Not sent: `maxPeerCalls` were pending on the connection (`TooManyPeerCallsError`). */
    refused: number;
  };
  /** `cancelMethod` notifications (`$/cancelRequest`) received. */
  cancellations: {
    /** They named a call in flight (running or queued): it was answered -32800 and aborted. */
    applied: number;
    /** They named no call in flight (unknown, answered already, malformed params): ignored. */
    ignored: number;
  };
}

/** How a call to the peer settled (`PeerStats.peerCallSettled`). */
export const ANSWERED = 0;
export const FAILED = 1;
export const TIMED_OUT = 2;
export const ABANDONED = 3;
/** Never written (the connection could no longer send): not counted as sent. */
export const UNSENT = 4;

export type PeerCallOutcome =
  | typeof ANSWERED
  | typeof FAILED
  | typeof TIMED_OUT
  | typeof ABANDONED
  | typeof UNSENT;

/**
 * The server-wide counters of subscriptions, peer calls and cancellations: plain integers, one
 * increment per event, nothing per call kept. Connections report to it; only it writes them.
 */
export class PeerStats {
  private opened = 0;
  private closed = 0;
  private eventsSent = 0;
  private eventsDropped = 0;
  private sent = 0;
  private answered = 0;
  private failed = 0;
  private timedOut = 0;
  private abandoned = 0;
  private refused = 0;
  private applied = 0;
  private ignored = 0;

  subscriptionOpened(): void {
    this.opened++;
  }

  subscriptionClosed(): void {
    this.closed++;
  }

  eventSent(): void {
    this.eventsSent++;
  }

  eventDropped(): void {
    this.eventsDropped++;
  }

  peerCallSent(): void {
    this.sent++;
  }

  peerCallRefused(): void {
    this.refused++;
  }

  peerCallSettled(outcome: PeerCallOutcome): void {
    if (outcome === ANSWERED) this.answered++;
    else if (outcome === FAILED) this.failed++;
    else if (outcome === TIMED_OUT) this.timedOut++;
    // Stryker disable next-line ConditionalExpression: UNSENT, the one outcome left, never happens through PeerLink (its write() fails only once closed, when call() rejects first)
    else if (outcome === ABANDONED) this.abandoned++;
  }

  /** A `cancelMethod` notification arrived: `applied` when it named a call in flight. */
  cancelReceived(applied: boolean): void {
    if (applied) this.applied++;
    else this.ignored++;
  }

  snapshot(): PeerStatsSnapshot {
    const settled = this.answered + this.failed + this.timedOut + this.abandoned;
    return {
      subscriptions: {
        active: this.opened - this.closed,
        opened: this.opened,
        closed: this.closed,
        eventsSent: this.eventsSent,
        eventsDropped: this.eventsDropped,
      },
      peerCalls: {
        pending: this.sent - settled,
        sent: this.sent,
        answered: this.answered,
        failed: this.failed,
        timedOut: this.timedOut,
        abandoned: this.abandoned,
        refused: this.refused,
      },
      cancellations: { applied: this.applied, ignored: this.ignored },
    };
  }
}
