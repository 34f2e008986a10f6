// The lease waiters the balancer (balancer.ts) puts in an endpoint's pool: a call whose dial is
// in flight there (moved to another endpoint if the dial fails), and a probe (a dial that only
// asks whether an ejected server is back).
import type { LeaseWaiter } from '@rerpc/conn-pool';
import type { Endpoint } from './endpoint-state.js';
import type { Link } from './link.js';

/** What the waiters tell the balancer of their dial. */
export interface WaiterHost {
  /** A dial to `ep` succeeded. */
  dialled(ep: Endpoint): void;
  /** Gives `link` on `ep` to `waiter`; false when it did not take it. */
  hand(ep: Endpoint, link: Link, waiter: LeaseWaiter<Link>, direct: boolean): boolean;
  /** `r`'s dial failed with `error`: it moves to another endpoint, or `inner` fails. */
  moveOn(r: Rerouted, inner: LeaseWaiter<Link>, error: unknown): void;
  /** A probe's dial to `ep` failed. */
  probeFailed(ep: Endpoint): void;
}

/**
 * A call waiting for a link on `ep` (its dial in flight): when the dial fails it moves to another
 * endpoint, at most once per other endpoint, before `inner` is failed.
 */
export class Rerouted implements LeaseWaiter<Link> {
  constructor(
    private readonly host: WaiterHost,
    public ep: Endpoint,
    private readonly inner: LeaseWaiter<Link>,
    public hops: number,
  ) {}

  leased(link: Link): boolean {
    this.host.dialled(this.ep);
    return this.host.hand(this.ep, link, this.inner, false);
  }

  failed(error: unknown): void {
    this.host.moveOn(this, this.inner, error);
  }
}

/** Checks an ejected endpoint with a dial: any link leased to it means the server is back. */
export class Probe implements LeaseWaiter<Link> {
  constructor(
    private readonly host: WaiterHost,
    private readonly ep: Endpoint,
  ) {}

  leased(_link: Link): boolean {
    this.host.dialled(this.ep);
    return false; // the lease is undone: the probe wanted only the dial
  }

  failed(_error: unknown): void {
    this.host.probeFailed(this.ep);
  }
}
