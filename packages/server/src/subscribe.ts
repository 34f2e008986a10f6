import { checkOptions, describe, optionError } from '@rerpc/internal';
import { RpcError } from '@rerpc/protocol';
import type { JsonSchema, Registry } from '@rerpc/registry';
import { afterAnswer, type CallContext, type HandlerContext } from './call.js';
import { isThenable } from './middleware.js';
import { type ConnectionPeer, linkOf } from './peer.js';
import type { SubscriptionSink } from './subscription.js';
import { ServerErrorCode } from './wire.js';

/** Options of `server.subscription()`. */
export interface SubscriptionOptions {
  /** The method of the event notifications. @default '<name>_subscription' */
  notification?: string;
  /** JSON Schema for the subscribe call's params (a mismatch answers -32602). */
  params?: JsonSchema;
  /**
   * What the subscription is, for discovery (`rpc.discover`): the `<name>_subscribe` method's
   * summary, followed in its description by how events arrive.
   * @default none
   */
  summary?: string;
  /** A longer description (Markdown) for discovery, before how events arrive. @default none */
  description?: string;
}

/** A subscription's handler: sets up the event source; may return a promise (the reply waits). */
export type SubscriptionHandler<P = never, E = unknown> = (
  params: P,
  ctx: CallContext,
  sink: SubscriptionSink<E>,
) => unknown;

const OPTIONS: readonly string[] = ['notification', 'params', 'summary', 'description'];

const UNAVAILABLE = Object.freeze({
  code: ServerErrorCode.SubscriptionsUnavailable,
  message: 'Subscriptions need a persistent connection',
  data: 'this transport (HTTP, handle()) has no connection to push events on; subscribe over TCP or WebSocket',
});

/**
 * Registers `<name>_subscribe` and `<name>_unsubscribe` (the go-ethereum/jsonrpsee shape) in
 * `registry`. `nextId` gives subscription ids unique within the server.
 */
export function registerSubscription(
  registry: Registry,
  name: string,
  handler: SubscriptionHandler<never, never>,
  options: SubscriptionOptions | undefined,
  nextId: () => string,
): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw optionError(`name must be a non-empty string, got ${describe(name)}`);
  }
  if (typeof handler !== 'function') {
    throw optionError(`handler must be a function, got ${describe(handler)}`);
  }
  checkOptions(options, OPTIONS, 'subscription() options');
  const notification = options?.notification ?? `${name}_subscription`;
  if (typeof notification !== 'string' || notification.length === 0) {
    throw optionError(`notification must be a non-empty string, got ${describe(notification)}`);
  }
  const run = handler as SubscriptionHandler<unknown, unknown>;
  const subscribe = (params: unknown, ctx: CallContext): unknown => {
    const peer = ctx.peer;
    if (peer === null) throw new RpcError(UNAVAILABLE.code, UNAVAILABLE.message, UNAVAILABLE.data);
    // A notification gets no reply, so it could never learn the id: nothing to subscribe.
    if (ctx.id === undefined) return undefined;
    const table = linkOf(peer as ConnectionPeer).subscriptions();
    const sink = table.add(nextId(), notification);
    if (sink === null) {
      throw new RpcError(
        ServerErrorCode.TooManySubscriptions,
        'Too many subscriptions',
        `this connection has maxSubscriptionsPerConnection (${table.limitOf()}) open; unsubscribe some first`,
      );
    }
    // Events wait until the reply carrying the id is written (or end if the call fails).
    afterAnswer(ctx as HandlerContext, () => sink.answered());
    let result: unknown;
    try {
      result = run(params, ctx, sink);
    } catch (error) {
      table.close(sink.id);
      throw error;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        () => {
          sink.ready = true;
          return sink.id;
        },
        (error: unknown) => {
          table.close(sink.id);
          throw error;
        },
      );
    }
    sink.ready = true;
    return sink.id;
  };
  const unsubscribe = (params: unknown, ctx: CallContext): boolean => {
    const id = Array.isArray(params) ? params[0] : undefined;
    // Stryker disable next-line ConditionalExpression: ids are strings; the table's lookup of any other value finds nothing (false) too
    if (typeof id !== 'string' || ctx.peer === null) return false;
    return linkOf(ctx.peer as ConnectionPeer)
      .subscriptions()
      .close(id);
  };
  const schema = options?.params;
  // For rpc.discover: OpenRPC has no subscriptions, so the pair is described in words.
  const how = `Subscribes: answers a subscription id, then sends the events as ${notification} notifications { subscription, result } on this connection (TCP or WebSocket).`;
  const { summary, description } = options ?? {};
  registry.method(`${name}_subscribe`, subscribe, {
    // Stryker disable next-line ConditionalExpression: params: undefined is no schema to the registry, as leaving it out is
    ...(schema !== undefined && { params: schema }),
    summary: summary ?? how,
    ...((summary !== undefined || description !== undefined) && {
      description: [description, how].filter((t) => t !== undefined).join('\n\n'),
    }),
  });
  registry.method(`${name}_unsubscribe`, unsubscribe, {
    summary: `Ends a ${name} subscription: params [id]; answers true, or false for an id not open on this connection.`,
  });
}
