/**
 * One channel's place in the fair queue: its handlers running and its calls waiting for a slot.
 * Only the `Scheduler` reads or writes it; the channel just carries it.
 */
export class Lane<C = unknown> {
  /** Handlers of this lane running now (pool slots held, counting those past their timeout). */
  running = 0;
  /** Its calls waiting for a slot, oldest first, linked through `Call.qNext`. */
  head: C | null = null;
  tail: C | null = null;
  length = 0;
  /** In the ring of lanes that may start a queued call. */
  inRing = false;
  next: Lane<C> | null = null;
}
