import { RpcError } from '@rerpc/protocol';
import type { PendingTable } from './pending.js';
import { SHUTTING_DOWN } from './retry.js';

/** One item of {@link Client.batch}. */
export interface BatchItem {
  /** `Service.method`. */
  method: string;
  /** By position (an array) or by name (an object); omitted from the wire when undefined. */
  params?: object | undefined;
  /** Send it as a notification: no id, no answer; its result slot is `undefined`. */
  notify?: boolean;
}

/** The outcome of one request in a batch: its result, or the error the server answered with. */
export type BatchResult<T = unknown> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: RpcError };

/** {@link BatchState.outcome}: requests of this attempt are still unanswered. */
export const UNANSWERED = 0;
/** Every request answered: resolve with the results. */
export const ANSWERED = 1;
/** Every request answered, some -32002: resolve, but the server behind it is shutting down. */
export const PARTLY_REFUSED = 2;
/** Every request answered -32002: the server ran none of them (the batch may be retried). */
export const REFUSED = 3;

/**
 * A batch's answers: its requests take consecutive ids from the call's first, and `slots` maps
 * each (by `id - first`) to its place among the items. Reset for each attempt.
 */
export class BatchState {
  /** The slot in `results` of each request, by `id - first id`. */
  readonly slots: readonly number[];
  /** The results, aligned with the items (`undefined` for a notification). */
  readonly results: Array<BatchResult | undefined>;
  /** Requests of this attempt not answered yet. */
  private remaining = 0;
  /** Requests of this attempt answered -32002 (the server is shutting down, not run). */
  private refused = 0;

  constructor(slots: readonly number[], items: number) {
    this.slots = slots;
    this.results = new Array<BatchResult | undefined>(items).fill(undefined);
  }

  /** A new attempt: no request answered. */
  begin(): void {
    this.results.fill(undefined);
    this.remaining = this.slots.length;
    this.refused = 0;
  }

  /** Records the answer to request `index` (its id minus the batch's first). */
  record(index: number, message: Record<string, unknown>): void {
    const slot = this.slots[index]!;
    const error = message['error'];
    if (error !== undefined && error !== null) {
      const rpcError = RpcError.fromObject(error);
      if (rpcError.code === SHUTTING_DOWN) this.refused += 1;
      this.results[slot] = { ok: false, error: rpcError };
    } else {
      this.results[slot] = { ok: true, value: message['result'] };
    }
    this.remaining -= 1;
  }

  /**
   * A reply array answered this batch: a request it left out will never be answered. Each such
   * request gets a -32603 result and its id (from `first`) is taken off `pending`.
   */
  closeReply(pending: PendingTable, first: number): void {
    // Stryker disable next-line ConditionalExpression: (false) a fast path: with every request answered the loop below finds no empty slot
    if (this.remaining === 0) return;
    const slots = this.slots;
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[k]!;
      if (this.results[slot] === undefined) {
        pending.take(first + k);
        this.results[slot] = {
          ok: false,
          error: new RpcError(
            -32603,
            "Internal error: the server's batch reply had no response for this request",
          ),
        };
      }
    }
    this.remaining = 0;
  }

  /** Where this attempt stands: UNANSWERED, ANSWERED, PARTLY_REFUSED or REFUSED. */
  outcome(): number {
    if (this.remaining > 0) return UNANSWERED;
    if (this.refused === 0) return ANSWERED;
    // A batch refused whole did not run; one partly run (not @rerpc/server's way) keeps its
    // results, -32002 items included.
    return this.refused === this.slots.length ? REFUSED : PARTLY_REFUSED;
  }

  /** The -32002 error of a refused batch. */
  refusal(): RpcError {
    return (this.results[this.slots[0]!] as { error: RpcError }).error;
  }
}
