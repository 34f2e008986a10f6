import { DialTimeoutError } from '@rerpc/conn-pool';
import { unref } from './timers.js';

/**
 * Bounds a handshake in progress (a TLS start, a WebSocket upgrade) by the dial's deadline and
 * the pool's abort: `fail` gets `DialTimeoutError` after `timeout` ms (0: never) or
 * `signal.reason`. Returns the function that clears both, for when the handshake settles.
 */
export function guardDial(
  address: string,
  timeout: number,
  signal: AbortSignal,
  fail: (error: Error) => void,
): () => void {
  const onAbort = (): void => fail(signal.reason as Error);
  signal.addEventListener('abort', onAbort);
  let timer: NodeJS.Timeout | undefined;
  if (timeout > 0) {
    timer = setTimeout(() => fail(new DialTimeoutError(timeout, address)), timeout);
    unref(timer);
  }
  return () => {
    clearTimeout(timer); // undefined (no deadline): does nothing
    // Stryker disable next-line StringLiteral: the signal is this dial's own, aborted by the pool only while the dial is in progress
    signal.removeEventListener('abort', onAbort);
  };
}
