export const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Calls the factory's `destroy()` for both pool modes and counts it: a throw or rejection is
 * ignored, and an asynchronous destroy is counted in `destroying` until it settles.
 */
export class Disposer<T extends object> {
  /** destroy() calls whose promise has not settled. */
  destroying = 0;
  destroyed = 0;
  private readonly destroyFn: (resource: T) => unknown;
  private readonly onSettled: () => void;

  /** @param onSettled called when an asynchronous `destroy()` settles */
  constructor(destroy: (resource: T) => unknown, onSettled: () => void) {
    this.destroyFn = destroy;
    this.onSettled = () => {
      this.destroying -= 1;
      onSettled();
    };
  }

  /** Destroys `resource`; never throws or rejects. */
  discard(resource: T): Promise<void> {
    this.destroyed += 1;
    let result: unknown;
    // Stryker disable BlockStatement: an emptied catch leaves result undefined, which returns RESOLVED below as well
    try {
      result = this.destroyFn(resource);
    } catch {
      return RESOLVED;
    }
    // Stryker restore BlockStatement
    if (
      // Stryker disable next-line ConditionalExpression: treating a plain value as a promise only settles it a microtask later
      result !== null &&
      typeof result === 'object' &&
      // Stryker disable next-line ConditionalExpression: treating a plain value as a promise only settles it a microtask later
      typeof (result as PromiseLike<unknown>).then === 'function'
    ) {
      this.destroying += 1;
      return Promise.resolve(result).then(this.onSettled, this.onSettled);
    }
    return RESOLVED;
  }
}
