// Recorders of diagnostics channels for the packages' tests (`@rerpc/internal/testing`).
import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { onTestFinished } from 'vitest';

/** Every message published on channel `name` while the test runs (unsubscribed when it ends). */
export function recordChannel<T>(name: string): T[] {
  const seen: T[] = [];
  const listener = (message: unknown): void => {
    seen.push(message as T);
  };
  subscribe(name, listener);
  onTestFinished(() => {
    unsubscribe(name, listener);
  });
  return seen;
}

/** One event of a tracing channel: its name (`start`, `end`, …) and a copy of the context then. */
export type TracingEvent<T> = [event: string, context: T];

/**
 * Every event of `tracingChannel(name)` while the test runs, in order, each with a shallow copy of
 * its context at that moment (the context is one object per call, mutated as the call goes on).
 */
export function recordTracing<T extends object>(name: string): TracingEvent<T>[] {
  const seen: TracingEvent<T>[] = [];
  const at =
    (event: string) =>
    (message: unknown): void => {
      seen.push([event, { ...(message as T) }]);
    };
  const handlers = {
    start: at('start'),
    end: at('end'),
    asyncStart: at('asyncStart'),
    asyncEnd: at('asyncEnd'),
    error: at('error'),
  };
  const channel = tracingChannel(name);
  channel.subscribe(handlers);
  onTestFinished(() => {
    channel.unsubscribe(handlers);
  });
  return seen;
}

/**
 * Resolves with the next message on channel `name` that `where` accepts (any, without it).
 * Subscribes at once: call it before causing the message.
 */
export function nextMessage<T>(
  name: string,
  where: (message: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: unknown): void => {
      if (!where(message as T)) return;
      unsubscribe(name, listener);
      resolve(message as T);
    };
    subscribe(name, listener);
  });
}
