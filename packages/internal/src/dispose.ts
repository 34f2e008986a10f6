/** `Symbol.asyncDispose` (Node 20.0-20.3 lack it; Node's own polyfill uses this registered key). */
export const asyncDispose: typeof Symbol.asyncDispose =
  Symbol.asyncDispose ?? (Symbol.for('nodejs.asyncDispose') as typeof Symbol.asyncDispose);
