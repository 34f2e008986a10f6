/** A promise with its resolve function, for gating tasks without timers. */
export interface Gate<T = void> {
  promise: Promise<T>;
  open(value: T): void;
}

export function gate<T = void>(): Gate<T> {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

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
