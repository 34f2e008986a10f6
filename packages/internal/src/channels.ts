import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/** Channel name → subscriber. */
export type Subscribers = Readonly<Record<string, (message: unknown) => void>>;

/**
 * Subscribes each of `subscribers` to its diagnostics channel; returns what unsubscribes them
 * all (for exporters such as @rerpc/otel and @rerpc/prometheus that listen to several channels).
 */
export function subscribeAll(subscribers: Subscribers): () => void {
  const entries = Object.entries(subscribers);
  for (const [name, fn] of entries) subscribe(name, fn);
  return () => {
    for (const [name, fn] of entries) unsubscribe(name, fn);
  };
}
