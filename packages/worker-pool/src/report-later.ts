/** A listener or callback threw: surface it like an EventEmitter would, without breaking the pool. */
export function reportLater(error: unknown): void {
  process.nextTick(rethrow, error);
}

function rethrow(error: unknown): never {
  throw error;
}
