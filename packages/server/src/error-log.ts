import type { CallContext } from './call.js';

/** Distinct (method, error class) pairs remembered; past it nothing more is logged. */
const MAX_SEEN = 1000;

/**
 * The default `onHandlerError`: writes each distinct method and error class once to stderr, so a
 * bug in a handler is seen without a flood (a handler failing on every call logs once).
 */
export class HandlerErrorLog {
  private readonly seen = new Set<string>();

  report(error: unknown, ctx: CallContext): void {
    const kind = className(error);
    const key = `${ctx.method}\u0000${kind}`;
    if (this.seen.has(key) || this.seen.size > MAX_SEEN) return;
    this.seen.add(key);
    const what = ctx.id === undefined ? 'notification' : 'call';
    const more =
      this.seen.size > MAX_SEEN
        ? 'no further handler errors will be logged'
        : 'logged once per method and error class';
    console.error(
      `@rerpc/server: a ${what} of ${ctx.method} failed with ${kind}; the caller got -32603 "Internal error" (${more}; set onHandlerError to log your own way, or null to silence):`,
      error,
    );
  }
}

function className(error: unknown): string {
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
