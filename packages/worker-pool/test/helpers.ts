import { onTestFinished } from 'vitest';

/** Settles to 'pending' if `promise` has not settled after the microtasks already queued run. */
export async function state(
  promise: Promise<unknown>,
): Promise<'fulfilled' | 'rejected' | 'pending'> {
  const pending = {};
  try {
    const value = await Promise.race([promise, new Promise((r) => setImmediate(r, pending))]);
    return value === pending ? 'pending' : 'fulfilled';
  } catch {
    return 'rejected';
  }
}

/**
 * The errors thrown from now on where no caller can catch them (the pool reports a throwing
 * listener or callback on a later tick, as an EventEmitter would), as a live array. Vitest's own
 * uncaught-exception handlers are set aside until the test ends.
 */
export function uncaught(): unknown[] {
  const saved = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const errors: unknown[] = [];
  const listener = (error: unknown) => {
    errors.push(error);
  };
  process.on('uncaughtException', listener);
  onTestFinished(() => {
    process.off('uncaughtException', listener);
    for (const l of saved) process.on('uncaughtException', l);
  });
  return errors;
}
