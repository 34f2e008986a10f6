// The `onHandlerError` contract both ends share (@rerpc/server for its handlers, @rerpc/client
// for the methods it answers the server with): `(error, ctx) => void`, `'log'` (the default) or
// `null`. One implementation of the default log and of calling a user's listener.

/** Distinct (key, error class) pairs the default log remembers; past it nothing more is logged. */
const MAX_SEEN = 1000;

/**
 * The default `onHandlerError` (`'log'`): writes each distinct key (a method) and error class
 * once to stderr with the error (its stack), so a bug in a handler is seen without a flood (a
 * handler failing on every call logs once). Remembers at most MAX_SEEN pairs.
 */
export class HandlerErrorLog {
  private readonly seen = new Set<string>();

  /**
   * Logs `error` unless its key and class were logged already. `text(kind, more)` makes the
   * line: `kind` is the error's class name, `more` says whether later ones will be logged.
   */
  once(key: string, error: unknown, text: (kind: string, more: string) => string): void {
    const kind = errorClassName(error);
    const pair = `${key}\u0000${kind}`;
    if (this.seen.has(pair) || this.seen.size > MAX_SEEN) return;
    this.seen.add(pair);
    const more =
      this.seen.size > MAX_SEEN
        ? 'no further handler errors will be logged'
        : 'logged once per method and error class';
    console.error(text(kind, more), error);
  }
}

/**
 * Calls a user's `onHandlerError` listener. A listener that throws is like an EventEmitter
 * listener that throws: its error surfaces (uncaught) outside the call path, which goes on.
 */
export function callHandlerErrorListener<C>(
  listener: (error: unknown, ctx: C) => void,
  error: unknown,
  ctx: C,
): void {
  try {
    listener(error, ctx);
  } catch (thrown) {
    queueMicrotask(() => {
      throw thrown;
    });
  }
}

/** The class name of a thrown value, for a log line; never throws (a hostile value is named so). */
export function errorClassName(error: unknown): string {
  try {
    if (typeof error === 'object' && error !== null) {
      const name = (error as { constructor?: { name?: unknown } }).constructor?.name;
      return typeof name === 'string' && name.length > 0 ? name : 'an object';
    }
    return `a thrown ${typeof error}`;
  } catch {
    return 'a hostile value';
  }
}
