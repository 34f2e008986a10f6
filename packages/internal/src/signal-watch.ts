/**
 * A node that can wait on a signal: the owner's own record (a pending call, a queued task, a
 * waiting acquire) carries these three fields, so watching allocates nothing per node.
 */
export interface WatchNode<N extends WatchNode<N>> {
  /** The watch this node is linked into, or null. Owned by {@link SignalWatches}. */
  watch: SignalWatch<N> | null;
  watchPrev: N | null;
  watchNext: N | null;
}

/**
 * The one 'abort' listener on one signal, however many nodes wait on it. Being an object with
 * `handleEvent`, it needs no closure.
 */
export class SignalWatch<N extends WatchNode<N>> {
  readonly signal: AbortSignal;
  readonly owner: SignalWatches<N>;
  head: N | null = null;

  constructor(owner: SignalWatches<N>, signal: AbortSignal) {
    this.owner = owner;
    this.signal = signal;
  }

  handleEvent(): void {
    this.owner.fire(this);
  }
}

/**
 * One 'abort' listener per distinct AbortSignal, shared by every node waiting on it: the listener
 * is added with the first node and removed with the last. A listener per waiter printed Node's
 * MaxListenersExceededWarning past 10 waiters on one signal (one AbortController cancelling a
 * group of calls), and made each removal walk the signal's listener list (EventTarget finds a
 * listener by scanning: 3.4 µs per task at 1,000 pending in worker-pool). Nodes link through
 * their own `watchPrev`/`watchNext`, so add and remove are O(1) and allocation-free.
 *
 * When a signal aborts, each node still waiting is unlinked and then passed to `onAbort`, oldest
 * first (the order separate listeners would run in); `onAbort` may remove other nodes.
 */
export class SignalWatches<N extends WatchNode<N>> {
  private readonly watches = new WeakMap<AbortSignal, SignalWatch<N>>();
  private readonly onAbort: (node: N) => void;

  /** @param onAbort called once per node whose signal aborted, after the node was unlinked */
  constructor(onAbort: (node: N) => void) {
    this.onAbort = onAbort;
  }

  /** Links `node` into `signal`'s watch (the caller checked `signal.aborted` first). */
  add(node: N, signal: AbortSignal): void {
    let watch = this.watches.get(signal);
    if (watch === undefined) {
      watch = new SignalWatch(this, signal);
      this.watches.set(signal, watch);
    }
    const head = watch.head;
    if (head === null) signal.addEventListener('abort', watch);
    else head.watchPrev = node;
    node.watchNext = head;
    node.watchPrev = null;
    node.watch = watch;
    watch.head = node;
  }

  /** Unlinks `node` (a no-op when it watches nothing); the last node out removes the listener. */
  remove(node: N): void {
    const watch = node.watch;
    if (watch === null) return;
    if (node.watchPrev === null) watch.head = node.watchNext;
    else node.watchPrev.watchNext = node.watchNext;
    if (node.watchNext !== null) node.watchNext.watchPrev = node.watchPrev;
    node.watch = null;
    node.watchPrev = null;
    node.watchNext = null;
    if (watch.head === null) watch.signal.removeEventListener('abort', watch);
  }

  /** @internal The watch's signal aborted. */
  fire(watch: SignalWatch<N>): void {
    // A snapshot: onAbort may settle other nodes of this list (unlinking them) before their turn.
    const nodes: N[] = [];
    for (let node = watch.head; node !== null; node = node.watchNext) nodes.push(node);
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      if (node.watch !== watch) continue;
      this.remove(node);
      this.onAbort(node);
    }
  }
}
