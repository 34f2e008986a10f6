import type { Call } from './call.js';

/** What the client does when a watched signal aborts; implemented by the client. */
export interface WatchHost {
  /** Every call linked into `watch` is aborted. */
  abortWatched(watch: SignalWatch): void;
}

/**
 * The one 'abort' listener a client keeps on a caller's signal, however many unsettled calls share
 * it (one AbortController cancelling a group of calls). A listener per call printed Node's
 * MaxListenersExceededWarning past 10 calls, and made each call's add/remove walk the signal's
 * listener list. Calls link into `head` (through `Call.watchPrev`/`watchNext`); the listener is
 * added with the first and removed when the last settles. Being an object with `handleEvent`, it
 * needs no closure.
 */
export class SignalWatch {
  readonly host: WatchHost;
  readonly signal: AbortSignal;
  head: Call | null = null;

  constructor(host: WatchHost, signal: AbortSignal) {
    this.host = host;
    this.signal = signal;
  }

  handleEvent(): void {
    this.host.abortWatched(this);
  }
}
