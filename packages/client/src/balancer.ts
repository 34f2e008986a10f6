// The links of a client with several servers: one link set (a conn-pool shared pool, or an HTTP
// origin) per endpoint, behind the same LinkSet interface the client uses for one server, so the
// life of a call (client.ts) does not change. The balancer owns the endpoints: it asks the picker
// (picker.ts) where a call goes, the ejection policy (ejection.ts) what a failure means, and the
// resolver (endpoints.ts) which endpoints exist; it creates and closes their pools as they come
// and go. A call that could not get a link on one endpoint (its dial failed) is moved to another
// before the client sees a failure (balancer-waiters.ts).
import type { LeaseWaiter, SharedPoolStats } from '@rerpc/conn-pool';
import { Probe, Rerouted, type WaiterHost } from './balancer-waiters.js';
import { answered, DRAINING, draining, failed, probeFailed, succeeded, UP } from './ejection.js';
import { Endpoint } from './endpoint-state.js';
import { checkEndpoints, type ResolvedEndpoints } from './endpoints.js';
import type { Link, LinkSet } from './link.js';
import { endpointEvents } from './node-diagnostics.js';
import { createPicker, type Picker } from './picker.js';
import type { EndpointStats } from './stats.js';
import type { ResolvedTarget } from './target.js';

/** Makes the link set of one endpoint (checks the client's options against it; may throw). */
export type LinkSetFactory = (target: ResolvedTarget) => LinkSet;

/**
 * Probes an ejected endpoint with a call of the target's `healthMethod` (health-check.ts):
 * resolves when it is healthy; null where it cannot (then a probe is a dial).
 */
export type HealthCheck = (target: ResolvedTarget) => Promise<void> | null;

/** Least time (ms) between two resolver runs started by failed dials. */
const RESOLVE_GAP = 1000;

export class Balancer implements LinkSet, WaiterHost {
  /** The endpoints now, in the given (or resolved) order. */
  private all: Endpoint[] = [];
  /** Those up: what is picked from while any is. */
  private healthy: Endpoint[] = [];
  private readonly owner = new WeakMap<Link, Endpoint>();
  /** The endpoint the last lease() chose: a wait() that follows it waits there. */
  private picked: Endpoint | null = null;
  /** Calls waiting for the resolver's first answer. */
  private unresolved: LeaseWaiter<Link>[] = [];
  /** Removed endpoints with calls still in flight: each pool closes when its last call leaves. */
  private leaving: Endpoint[] = [];
  /** The pools of removed endpoints, closing. */
  // Stryker disable next-line ArrayDeclaration: close() awaits them with Promise.all(), which takes a string as settled
  private readonly closing: Promise<void>[] = [];
  private readonly picker: Picker;
  private resolving = false;
  private lastResolve = Number.NEGATIVE_INFINITY;
  private interval: ReturnType<typeof setInterval> | null = null;
  private closed: Promise<void> | null = null;

  constructor(
    private readonly spec: ResolvedEndpoints,
    private readonly makeSet: LinkSetFactory,
    private readonly clock: () => number = Date.now,
    random?: () => number,
    private readonly check: HealthCheck | null = null,
  ) {
    this.picker = createPicker(spec.pick, random);
    if (spec.list !== null) this.update(spec.list);
  }

  // --- leasing (LinkSet) -------------------------------------------------------------------------

  lease(): Link | null {
    const ep = this.choose();
    this.picked = ep;
    if (ep === null) {
      this.resolve();
      return null;
    }
    ep.picks += 1;
    const link = ep.pool.lease();
    if (link !== null) this.took(ep, link);
    return link;
  }

  wait(waiter: LeaseWaiter<Link>): void {
    const ep = this.picked;
    if (ep === null) this.unresolved.push(waiter);
    else ep.pool.wait(new Rerouted(this, ep, waiter, 0));
  }

  unlease(link: Link): void {
    const ep = this.owner.get(link);
    // Stryker disable next-line ConditionalExpression: defensive: the client unleases only links this set leased
    if (ep === undefined) return;
    ep.inFlight -= 1;
    ep.pool.unlease(link);
    // A call leaving a live link was answered (or cancelled, or its answer was an error): the
    // server is there, so a run of failures ends; one that timed out is not an answer.
    if (ep.timeouts > 0) ep.timeouts -= 1;
    else if (
      // Stryker disable next-line ConditionalExpression,EqualityOperator: a fast path (answered() with no run of failures changes nothing)
      ep.health.consecutive > 0 &&
      !link.dead
    )
      answered(ep.health);
    if (ep.removed && ep.inFlight === 0) this.closeRemoved(ep);
  }

  /** A call on `link` timed out: a failure of its endpoint. */
  timedOut(link: Link): void {
    const ep = this.owner.get(link);
    // Stryker disable next-line ConditionalExpression: defensive: a call times out only on a link this set leased
    if (ep === undefined || ep.removed) return;
    ep.timeouts += 1;
    this.failure(ep);
  }

  /**
   * The link broke (the client lost it): a reset counts as a failure of its endpoint, unless its
   * server had said it was shutting down (on this link, or on another: then it is draining, and
   * closes the rest).
   */
  destroy(link: Link): Promise<void> {
    const ep = this.owner.get(link);
    if (ep === undefined) return this.destroyUnowned(link);
    if (!link.refusedSeen && !ep.removed && ep.health.state !== DRAINING) this.failure(ep);
    return ep.pool.destroy(link);
  }

  /**
   * A link no call took (a probe's, or one opened for load) broke: one of the pools holds it (a
   * pool's destroy() of a link it does not hold does nothing). Left there, it would be leased
   * (and fail every call at once). A removed endpoint's pool leases nothing, and closes.
   */
  private async destroyUnowned(link: Link): Promise<void> {
    await Promise.all(this.all.map((ep) => ep.pool.destroy(link)));
  }

  /**
   * `from`'s server said it is shutting down: its links are retired and new calls go elsewhere at
   * once (not a failure); it is probed again after `ejectionTime`. Without `from`, every pool.
   */
  retireAll(from?: Link): void {
    // Stryker disable next-line ConditionalExpression: WeakMap get(undefined) is undefined too
    const ep = from === undefined ? undefined : this.owner.get(from);
    // Stryker disable next-line ConditionalExpression,BlockStatement: unreached: the client retires from the link that answered -32002, one a call took here
    if (ep === undefined) {
      for (const e of this.all) e.pool.retireAll();
      return;
    }
    ep.pool.retireAll();
    const ms = draining(ep.health, this.spec.ejection, this.clock());
    if (ms > 0) this.out(ep, ms);
  }

  close(options?: { timeout?: number }): Promise<void> {
    // Stryker disable next-line ConditionalExpression: the client calls it once (PeerClient.close() is idempotent)
    if (this.closed !== null) return this.closed;
    const closes = this.closing;
    // Set before the pools close: each fails the calls waiting for its dial, and a dial failed
    // by close() is no failure of its endpoint and runs no resolver (moveOn() reads this.closed).
    // Settles once every pool pushed below has closed.
    this.closed = Promise.resolve()
      .then(() => Promise.all(closes))
      .then(() => {});
    // Stryker disable next-line ConditionalExpression,EqualityOperator: closed, resolve() runs no resolver: a left interval (unref'd) only wakes to return
    if (this.interval !== null) clearInterval(this.interval);
    for (const ep of this.leaving) closes.push(ep.pool.close(options));
    for (const ep of this.all) {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: closed, probe() returns at once; the timer is unref'd
      if (ep.timer !== null) clearTimeout(ep.timer);
      closes.push(ep.pool.close(options));
    }
    const waiting = this.unresolved;
    this.unresolved = [];
    // Stryker disable next-line StringLiteral: unread: the client cut its calls off (ClientClosedError) before it closes this
    for (const w of waiting) w.failed(new Error('the client closed before an endpoint was found'));
    return this.closed;
  }

  /** The pools' stats, summed. */
  stats(): SharedPoolStats {
    const sum: SharedPoolStats = {
      size: 0,
      maxActive: 0,
      active: 0,
      retiring: 0,
      idle: 0,
      creating: 0,
      leases: 0,
      pending: this.unresolved.length,
      created: 0,
      destroyed: 0,
      createErrors: 0,
      // Stryker disable next-line ConditionalExpression,EqualityOperator: no caller reads it (see below)
      closed: this.closed !== null,
    };
    for (const ep of this.all) {
      const s = ep.pool.stats();
      sum.active += s.active;
      sum.idle += s.idle;
      sum.creating += s.creating;
      sum.created += s.created;
      sum.createErrors += s.createErrors;
      // The client's stats read only the five sums above (connectionStats()); these reach no caller.
      // Stryker disable AssignmentOperator: unread sums (the LinkSet interface has the pool's shape)
      sum.size += s.size;
      sum.maxActive += s.maxActive;
      sum.retiring += s.retiring;
      sum.leases += s.leases;
      sum.pending += s.pending;
      sum.destroyed += s.destroyed;
      // Stryker restore AssignmentOperator
    }
    return sum;
  }

  /** Each endpoint's calls, failures and state (ClientStats.endpoints). */
  endpoints(): EndpointStats[] {
    return this.all.map((ep) => ep.stats());
  }

  // --- picking -----------------------------------------------------------------------------------

  /** The endpoint for a call: picked among the healthy ones, or among all when none is. */
  private choose(): Endpoint | null {
    const candidates = this.healthy.length > 0 ? this.healthy : this.all;
    if (candidates.length === 0) return null;
    return candidates[this.picker.pick(candidates)]!;
  }

  private took(ep: Endpoint, link: Link): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a fast path (the WeakMap set again to the same endpoint changes nothing)
    if (this.owner.get(link) !== ep) this.owner.set(link, ep);
    ep.inFlight += 1;
    ep.calls += 1;
  }

  /**
   * Hands `link` (leased on `ep`) to `waiter`; false when it no longer wants one. `direct`: the
   * lease came from lease(), not from the pool's wait(), so undoing it is ours to do.
   * @internal (Rerouted)
   */
  hand(ep: Endpoint, link: Link, waiter: LeaseWaiter<Link>, direct: boolean): boolean {
    this.took(ep, link);
    if (waiter.leased(link)) return true;
    ep.inFlight -= 1;
    ep.calls -= 1;
    if (direct) ep.pool.unlease(link);
    return false;
  }

  /**
   * A waiting call's dial on `r.ep` failed (or its pool closed): it moves to another endpoint,
   * unless it has tried them all; then `inner` fails with `error`. @internal (Rerouted)
   */
  moveOn(r: Rerouted, inner: LeaseWaiter<Link>, error: unknown): void {
    const from = r.ep;
    // Its pool closed (the endpoint removed, or the client closing): no dial failed.
    if (!from.removed && this.closed === null) this.dialFailed(from, error);
    const next = this.closed === null && r.hops < this.all.length - 1 ? this.other(from) : null;
    if (next === null) {
      inner.failed(error);
      return;
    }
    r.ep = next;
    r.hops += 1;
    next.picks += 1;
    const link = next.pool.lease();
    if (link === null) next.pool.wait(r);
    else this.hand(next, link, inner, true);
  }

  /** Another endpoint than `from`, healthy if any is; null when there is none. */
  private other(from: Endpoint): Endpoint | null {
    let candidates = this.healthy.filter((ep) => ep !== from);
    if (candidates.length === 0) candidates = this.all.filter((ep) => ep !== from);
    // Stryker disable next-line ConditionalExpression: moveOn() asks only while hops < all.length - 1: there is another
    if (candidates.length === 0) return null;
    return candidates[this.picker.pick(candidates)]!;
  }

  // --- health ------------------------------------------------------------------------------------

  /** A dial to `ep` succeeded: it is up (back, if it was out). @internal (Rerouted, Probe) */
  dialled(ep: Endpoint): void {
    ep.lastError = null;
    const wasUp = ep.health.state === UP;
    succeeded(ep.health);
    if (wasUp || ep.removed) return;
    if (ep.timer !== null) clearTimeout(ep.timer);
    ep.timer = null;
    this.healthy = this.all.filter((e) => e.health.state === UP);
    endpointEvents.back(() => ep.message(null));
  }

  /** A dial to `ep` failed with `error` (counted once, though every waiter hears of it). */
  private dialFailed(ep: Endpoint, error: unknown): void {
    if (ep.lastError === error) return;
    ep.lastError = error;
    this.failure(ep);
    if (this.clock() - this.lastResolve >= RESOLVE_GAP) this.resolve(); // none without a resolver
  }

  private failure(ep: Endpoint): void {
    // Stryker disable next-line ConditionalExpression: failed() ejects only an endpoint that is up
    const others = this.healthy.length - (ep.health.state === UP ? 1 : 0);
    const ms = failed(ep.health, this.spec.ejection, others, this.clock());
    if (ms > 0) this.out(ep, ms);
  }

  /** `ep` is out (ejected or draining) for `ms`: no picks, then a probe. */
  private out(ep: Endpoint, ms: number): void {
    this.healthy = this.all.filter((e) => e.health.state === UP);
    // No timer is set here: out() follows an endpoint's fall from up, or a probe (which ended it).
    ep.timer = setTimeout(() => this.probe(ep), ms);
    ep.timer.unref();
    // The time the policy set (the stats' ejectedUntil), not the clock read again a moment later.
    endpointEvents.out(() => ep.message(ep.health.ejectedUntil));
  }

  /** Checks `ep` (out, its time over): its health method answers, or a link opens: it is back. */
  private probe(ep: Endpoint): void {
    ep.timer = null;
    // Stryker disable next-line ConditionalExpression,LogicalOperator: removal and close() clear the timer
    if (ep.removed || this.closed !== null) return;
    const checked = this.check?.(ep.target) ?? null;
    if (checked !== null) {
      checked.then(
        () => {
          if (!ep.removed && this.closed === null) this.dialled(ep);
        },
        () => this.probeFailed(ep),
      );
      return;
    }
    const link = ep.pool.lease();
    if (link === null) {
      ep.pool.wait(new Probe(this, ep));
    } else {
      ep.pool.unlease(link);
      this.dialled(ep);
    }
  }

  /** @internal (Probe) */
  probeFailed(ep: Endpoint): void {
    if (ep.removed || this.closed !== null || ep.health.state === UP) return;
    this.out(ep, probeFailed(ep.health, this.spec.ejection, this.clock()));
  }

  // --- resolving ---------------------------------------------------------------------------------

  /** Runs the resolver (if any, and not running): at the first call, on the interval, after a failed dial. */
  private resolve(): void {
    const resolver = this.spec.resolver;
    // Stryker disable next-line ConditionalExpression: without a resolver, resolver() throws and resolveFailed() keeps the list; no call or dial reaches here after close()
    if (resolver === null || this.resolving || this.closed !== null) return;
    this.resolving = true;
    this.lastResolve = this.clock();
    if (this.interval === null && this.spec.resolveInterval > 0) {
      this.interval = setInterval(() => this.resolve(), this.spec.resolveInterval);
      this.interval.unref();
    }
    let answer: Promise<readonly unknown[]>;
    try {
      answer = Promise.resolve(resolver());
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer
      .then((given) => {
        if (!Array.isArray(given) || given.length === 0) {
          throw new Error('the resolver found no endpoints');
        }
        this.update(checkEndpoints(given));
      })
      .catch((error: unknown) => this.resolveFailed(error))
      .finally(() => {
        this.resolving = false;
      });
  }

  /**
   * The endpoints are now `targets`: new ones get a pool, gone ones are removed (their pools
   * close once the calls in flight on them finish), the others keep theirs.
   */
  private update(targets: readonly ResolvedTarget[]): void {
    if (this.closed !== null) return;
    const next: Endpoint[] = [];
    for (const target of targets) {
      const had = this.all.find((ep) => ep.target.address === target.address);
      next.push(had ?? new Endpoint(target, this.makeSet(target)));
    }
    const removed = this.all.filter((ep) => !next.includes(ep));
    this.all = next;
    this.healthy = next.filter((e) => e.health.state === UP);
    for (const ep of removed) {
      ep.removed = true;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: a removed endpoint's probe() returns at once; the timer is unref'd
      if (ep.timer !== null) clearTimeout(ep.timer);
      this.leaving.push(ep);
      if (ep.inFlight === 0) this.closeRemoved(ep);
    }
    const waiting = this.unresolved;
    this.unresolved = [];
    for (const waiter of waiting) {
      const ep = this.choose()!;
      ep.picks += 1;
      const link = ep.pool.lease();
      // Stryker disable next-line ConditionalExpression: the first answer's pools are new: lease() starts a dial and returns null
      if (link === null) ep.pool.wait(new Rerouted(this, ep, waiter, 0));
      else {
        // Stryker disable next-line BooleanLiteral: unreached (see above)
        this.hand(ep, link, waiter, true);
      }
    }
  }

  /**
   * Closes a removed endpoint's pool once no call is in flight on it (the calls waiting for its
   * dial move to another endpoint).
   */
  private closeRemoved(ep: Endpoint): void {
    // Stryker disable next-line all: only frees the entry: close() closing a closed pool again does nothing
    this.leaving = this.leaving.filter((e) => e !== ep);
    // Stryker disable next-line ObjectLiteral: no call is in flight on it: nothing to wait for
    this.closing.push(ep.pool.close({ timeout: 0 }));
  }

  /** The resolver failed: calls waiting for a first answer fail (and are retried as unsent). */
  private resolveFailed(error: unknown): void {
    // Stryker disable next-line ConditionalExpression: with endpoints known no call waits here (unresolved is empty)
    if (this.all.length > 0) return;
    const waiting = this.unresolved;
    this.unresolved = [];
    for (const waiter of waiting) waiter.failed(error);
  }
}
