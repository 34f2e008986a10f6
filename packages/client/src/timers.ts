/**
 * What the client needs of its host's timers and task queue, the same in Node and in a browser:
 * Node's timers are objects with `ref()`/`unref()`; a browser's are numbers and never hold a page.
 */

/** Lets a timer not keep the process alive (Node); nothing to do in a browser. */
export function unref(timer: unknown): void {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: Node's timers are objects; the check is for a browser's numbers (Chromium runs the bundle)
  if (typeof timer === 'object' && timer !== null) (timer as NodeJS.Timeout).unref();
}

/** Lets a timer keep the process alive again (Node); nothing to do in a browser. */
export function ref(timer: unknown): void {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: Node's timers are objects; the check is for a browser's numbers (Chromium runs the bundle)
  if (typeof timer === 'object' && timer !== null) (timer as NodeJS.Timeout).ref();
}

/**
 * Runs `fn` once the current task is done: `process.nextTick` in Node (before promise reactions,
 * as the writes of one tick were measured with), `queueMicrotask` in a browser.
 */
export const nextTick: (fn: () => void) => void =
  // Stryker disable next-line all: in Node, queueMicrotask runs fn before the next task too: the choice is the measured order against promise reactions
  typeof process === 'object' && typeof process?.nextTick === 'function'
    ? process.nextTick
    : queueMicrotask;
