import { RpcError } from '@rerpc/protocol';
import { type Call, type CallContext, PENDING } from './call.js';

/**
 * Runs around every call's handler (after params validation): `next()` runs the rest of the
 * chain and the handler, and returns a promise of the handler's result. What the middleware
 * returns (or resolves) is the answer; throwing, or returning an `RpcError`, answers that error
 * (without the handler, if `next()` was not called).
 */
export type Middleware = (ctx: CallContext, next: () => Promise<unknown>) => unknown;

/**
 * The scheduler's task once a middleware is registered (`runCall` stays the task until then, so
 * a server without middleware pays nothing): the chain, then the handler.
 */
export function runWithMiddleware(call: Call, chain: readonly Middleware[]): unknown {
  // Answered already (timed out or cancelled while queued): never start it.
  // Stryker disable next-line ConditionalExpression: defensive: the scheduler skips answered calls and the pool runs a task synchronously in tryRun, so a call reaching here is pending
  if (call.state !== PENDING) return undefined;
  return step(call, chain, 0);
}

function step(call: Call, chain: readonly Middleware[], index: number): unknown {
  const middleware = chain[index];
  if (middleware === undefined) return call.entry.handler(call.params, call.ctx);
  let called = false;
  const next = (): Promise<unknown> => {
    if (called) return Promise.reject(new Error('next() was called twice by one middleware'));
    called = true;
    try {
      return Promise.resolve(step(call, chain, index + 1));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const out = middleware(call.ctx, next);
  if (isThenable(out)) return Promise.resolve(out).then(answerOf);
  return answerOf(out);
}

/** A returned `RpcError` answers as if thrown. */
function answerOf(value: unknown): unknown {
  if (value instanceof RpcError) throw value;
  return value;
}

/** A promise or any thenable a user function returned (the server's one check for it). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
