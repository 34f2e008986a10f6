import type { Histogram, Tracer } from '@opentelemetry/api';
import { type Subscribers, subscribeAll } from '@rerpc/internal';

/**
 * One side (server or client) of the instrumentation: where its spans and durations go, and its
 * channel subscriptions, made at construction.
 */
export abstract class Side {
  /** Unsubscribes from the channels; spans already started still end. */
  readonly close: () => void;

  constructor(
    protected readonly tracer: Tracer,
    protected readonly histogram: Histogram,
    protected readonly propagate: boolean,
  ) {
    this.close = subscribeAll(this.subscribers());
  }

  /** Channel name → what a message on it does (called once, by the constructor). */
  protected abstract subscribers(): Subscribers;
}
