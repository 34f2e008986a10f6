import { errorClass } from '@rerpc/internal';

/**
 * A subscription's events arrived faster than the loop took them: past `maxBuffered` waiting
 * events the iteration ends with this error (after the events buffered before it), and the
 * client unsubscribes.
 */
export class SubscriptionOverflowError extends errorClass(
  'SubscriptionOverflowError',
  'RERPC_ERR_SUBSCRIPTION_OVERFLOW',
) {
  /** The `maxBuffered` in force. */
  declare readonly limit: number;

  constructor(name: string, limit: number) {
    super(
      `${name}: more than ${limit} events waited for the loop to take them (maxBuffered); the subscription was ended. Take events faster (hand slow work off), or raise maxBuffered`,
    );
    Object.assign(this, { limit });
  }
}

/**
 * The connection a subscription's events came on was lost: the iteration ends with this error
 * (after the events that arrived before), unless the subscription was made with `resubscribe`.
 * Events sent meanwhile are lost.
 */
export class SubscriptionLostError extends errorClass(
  'SubscriptionLostError',
  'RERPC_ERR_SUBSCRIPTION_LOST',
) {
  constructor(name: string, options?: { cause?: unknown }) {
    super(
      `${name}: the connection carrying the subscription was lost; subscribe again (events sent meanwhile are lost), or pass resubscribe: true to do so on the next connection`,
      options,
    );
  }
}
