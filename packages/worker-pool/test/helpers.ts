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
