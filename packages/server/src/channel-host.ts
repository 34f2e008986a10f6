import { LinkedListOf } from '@rerpc/internal';
import type { Registry } from '@rerpc/registry';
import { type Call, DONE } from './call.js';
import type { ServerChannel } from './channel.js';
import type { HandlerErrors } from './handler-errors.js';
import type { ResolvedServerOptions } from './options.js';
import type { Scheduler } from './scheduler.js';
import type { CallStats } from './stats.js';

/**
 * A channel's calls that did not finish synchronously (queued ones too), for disconnects: linked
 * through `cPrev`/`cNext`, since a call's `prev`/`next` belong to the core's deadline list.
 */
export class ChannelCalls extends LinkedListOf<Call> {
  protected prevOf(call: Call): Call | null {
    return call.cPrev;
  }
  protected setPrev(call: Call, prev: Call | null): void {
    call.cPrev = prev;
  }
  protected nextOf(call: Call): Call | null {
    return call.cNext;
  }
  protected setNext(call: Call, next: Call | null): void {
    call.cNext = next;
  }

  /**
   * The channel is destroyed: every call in it (queued ones too) is answered-as-dropped, off the
   * deadline list and aborted with `reason`, newest first; returns how many.
   */
  abortAll(host: ChannelHost, reason: unknown): number {
    let dropped = 0;
    let call: Call | null;
    while ((call = this.pop()) !== null) {
      // Stryker disable next-line BooleanLiteral: the call leaves PENDING here, and linked is read only while a call is PENDING
      call.linked = false;
      call.state = DONE;
      host.unwatch(call);
      call.abort(reason);
      dropped++;
    }
    return dropped;
  }

  /**
   * The pending call with `id` (the oldest), named by a cancel notification; `null` when none is
   * pending (answered already, unknown: the cancel is ignored). A scan: cancels are rare, and a
   * map per channel would cost every call.
   */
  cancelled(id: string | number): Call | null {
    for (let call = this.head; call !== null; call = call.cNext) if (call.id === id) return call;
    return null;
  }
}

/**
 * What a channel asks of the server (the core implements it). The channel owns its own calls and
 * counters; everything shared (calls in flight over all channels, the fair queue, the deadline
 * timer, the set of open channels) belongs to the core, which a channel only asks.
 */
export interface ChannelHost {
  readonly options: ResolvedServerOptions;
  readonly registry: Registry;
  readonly stats: CallStats;
  readonly handlerErrors: HandlerErrors;
  /** Runs calls now or queues them (the fair queue's owner). */
  readonly scheduler: Scheduler;
  /** `close()` has begun: requests are refused with -32002. */
  readonly closing: boolean;
  /** The scheduler's queue filled up or drained: every channel is told to pause or resume. */
  saturationChanged(): void;
  /** A call was accepted (it is now in flight, and counted). */
  callAdded(): void;
  /** Watches `call`'s deadline (it did not finish synchronously). */
  watch(call: Call): void;
  unwatch(call: Call): void;
  /** A call of `channel` was answered (or dropped, for a notification). */
  callSettled(channel: ServerChannel): void;
  /** `channel` was destroyed and its `dropped` calls in flight with it. */
  channelDestroyed(channel: ServerChannel, dropped: number): void;
  /** A call's deadline (`Date.now()` ms) from its start time. */
  deadlineOf(start: number): number;
  /** A new connection's peer id, unique within the server. */
  peerId(): number;
}
