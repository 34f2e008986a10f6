// The shared (multiplexed) pool with abstract resources: plain objects from a factory whose
// creates the test opens or fails by hand, and an injected clock for parking, eviction, backoff
// and close timeouts (no sleeps).
import { getEventListeners } from 'node:events';
import { thrown } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  DialError,
  type LeaseWaiter,
  PoolClosedError,
  type SharedPoolOptions,
} from '../src/index.js';
import {
  type Deferred,
  deferred,
  FakeClock,
  settle,
  sharedPool,
  stubborn,
  type Thing,
  tick,
  withCounters,
} from './helpers.js';

/**
 * A factory whose creates wait for the test: `open()` resolves the oldest pending create with a
 * new thing, `fail(error)` rejects it. Counters are not enumerable (a spread is exactly a factory).
 */
function gated() {
  let next = 0;
  const queue: Deferred<Thing>[] = [];
  const live = new Set<Thing>();
  const destroyed: Thing[] = [];
  const signals: AbortSignal[] = [];
  const factory = {
    create(signal: AbortSignal): Promise<Thing> {
      signals.push(signal);
      const d = deferred<Thing>();
      queue.push(d);
      return d.promise;
    },
    destroy(thing: Thing): void {
      live.delete(thing);
      destroyed.push(thing);
    },
    validate(thing: Thing): boolean {
      return !thing.broken;
    },
  };
  /** Opens the oldest pending create; resolves once the pool has taken the thing. */
  const open = async (): Promise<Thing> => {
    const d = queue.shift();
    if (d === undefined) throw new Error('no create is pending');
    const thing = { id: ++next, broken: false };
    live.add(thing);
    d.resolve(thing);
    await tick();
    return thing;
  };
  const fail = async (error: unknown): Promise<void> => {
    const d = queue.shift();
    if (d === undefined) throw new Error('no create is pending');
    d.reject(error);
    await tick();
  };
  return withCounters(factory, {
    live,
    destroyed,
    signals,
    get pending(): number {
      return queue.length;
    },
    open,
    fail,
  });
}

/**
 * A pool on a fake clock with `n` resources open, none leased: for each, it leases until the pool
 * starts a create (nothing open, or all at loadThreshold), opens it, and unleases.
 */
async function opened(
  n: number,
  extra: Partial<SharedPoolOptions<Thing>> = {},
  clock = new FakeClock(),
) {
  const f = gated();
  const p = sharedPool({ ...f, ...extra }, clock);
  const things: Thing[] = [];
  for (let i = 0; i < n; i++) {
    const held: Thing[] = [];
    for (let j = 0; j < 10_000 && f.pending === 0; j++) {
      const thing = p.lease();
      if (thing !== null) held.push(thing);
    }
    things.push(await f.open());
    for (const thing of held) p.unlease(thing);
  }
  return { f, p, clock, things };
}

/** A waiter that records what it got. */
function recorder(accept = true) {
  const got: Thing[] = [];
  const errors: unknown[] = [];
  const waiter: LeaseWaiter<Thing> = {
    leased(thing) {
      got.push(thing);
      return accept;
    },
    failed(error) {
      errors.push(error);
    },
  };
  return { waiter, got, errors };
}

describe('lease', () => {
  it('returns null and starts one create when nothing is open, then leases synchronously', async () => {
    const f = gated();
    const p = sharedPool({ ...f });
    expect(p.lease()).toBeNull();
    expect(p.lease()).toBeNull();
    expect(f.pending).toBe(1); // one create, however many leases found nothing
    expect(p.stats()).toMatchObject({ creating: 1, size: 1, active: 0 });
    const thing = await f.open();
    expect(p.lease()).toBe(thing);
    expect(p.lease()).toBe(thing);
    expect(p.stats()).toMatchObject({ active: 1, leases: 2, creating: 0, created: 1 });
    p.unlease(thing);
    p.unlease(thing);
    expect(p.stats().leases).toBe(0);
  });

  it('leases the least-loaded open resource, the earliest opened on a tie', async () => {
    const { p, things } = await opened(3, { loadThreshold: 1 });
    const [a, b, c] = things as [Thing, Thing, Thing];
    expect([p.lease(), p.lease(), p.lease(), p.lease()]).toEqual([a, b, c, a]);
    p.unlease(b);
    expect(p.lease()).toBe(b);
  });

  it('ranks by the load function, which gets each resource and its lease count', async () => {
    const blocked = new Set<Thing>();
    const seen: number[] = [];
    const load = (thing: Thing, leases: number) => {
      seen.push(leases);
      return leases + (blocked.has(thing) ? 1000 : 0);
    };
    const { p, things } = await opened(2, { loadThreshold: 1, load });
    const [a, b] = things as [Thing, Thing];
    blocked.add(a);
    seen.length = 0;
    expect([p.lease(), p.lease(), p.lease()]).toEqual([b, b, b]);
    expect(seen).toEqual([0, 0, 0, 1, 0, 2]);
    blocked.clear();
    expect(p.lease()).toBe(a);
  });

  it('gives a tie in load to the earliest opened, and stops asking at a load of 0 or less', async () => {
    const loads = new Map<Thing, number>();
    const asked: Thing[] = [];
    const load = (thing: Thing, leases: number) => {
      asked.push(thing);
      return loads.get(thing) ?? leases;
    };
    const { p, things } = await opened(3, { loadThreshold: 1, load });
    const [a, b, c] = things as [Thing, Thing, Thing];
    for (const [thing, l] of [
      [a, 7],
      [b, 5],
      [c, 5],
    ] as const)
      loads.set(thing, l);
    expect(p.lease()).toBe(b); // b and c tie at 5: the earlier wins
    loads.set(b, 0);
    loads.set(c, -5);
    asked.length = 0;
    expect(p.lease()).toBe(b); // nothing beats 0: c (lower still) is not asked
    expect(asked).toEqual([a, b]);
  });

  it('creates another in the background at loadThreshold, one at a time, up to maxActive', async () => {
    const f = gated();
    const p = sharedPool({ ...f, loadThreshold: 2, maxActive: 2 });
    p.lease();
    const a = await f.open();
    expect([p.lease(), p.lease()]).toEqual([a, a]);
    expect(f.pending).toBe(0); // the choice saw load 1 < 2
    expect(p.lease()).toBe(a); // load 2: still leased, and a create starts
    expect(p.lease()).toBe(a);
    expect(f.pending).toBe(1); // one at a time
    const b = await f.open();
    expect(p.lease()).toBe(b);
    for (let i = 0; i < 5; i++) p.lease();
    expect(f.pending).toBe(0); // maxActive reached
    expect(p.stats()).toMatchObject({ active: 2, size: 2, leases: 10 });
  });

  it('never creates a second resource when loadThreshold is Infinity', async () => {
    const f = gated();
    const p = sharedPool({ ...f, loadThreshold: Infinity });
    p.lease();
    const a = await f.open();
    for (let i = 0; i < 1000; i++) expect(p.lease()).toBe(a);
    expect(f.pending).toBe(0);
  });

  it('reads no clock and starts no timer per lease and unlease', async () => {
    const clock = new FakeClock();
    const { p, things } = await opened(2, { loadThreshold: 1 }, clock);
    let reads = 0;
    const now = clock.now.bind(clock);
    clock.now = () => {
      reads += 1;
      return now();
    };
    const timers = clock.pending;
    for (let i = 0; i < 100; i++) p.unlease(p.lease()!);
    expect(reads).toBe(0);
    expect(clock.pending).toBe(timers);
    expect(things).toHaveLength(2);
  });
});

describe('unlease', () => {
  it('throws RERPC_ERR_INVALID_OPTION for a resource with no lease (unleased twice)', async () => {
    const { p, things } = await opened(1);
    const error = thrown(() => p.unlease(things[0]!));
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ code: 'RERPC_ERR_INVALID_OPTION' });
    expect(error.message).toContain('unleased twice');
  });

  it('ignores a resource the pool does not track (destroyed, or never its own)', async () => {
    const { p, things } = await opened(1);
    const a = things[0]!;
    p.lease();
    await p.destroy(a);
    expect(() => p.unlease(a)).not.toThrow();
    expect(() => p.unlease({ id: -1, broken: false })).not.toThrow();
    expect(p.stats()).toMatchObject({ leases: 0, active: 0 });
  });
});

describe('waiters', () => {
  it('are served synchronously, first come first served, when a resource opens', async () => {
    const f = gated();
    const p = sharedPool({ ...f });
    const order: string[] = [];
    const named = (name: string): LeaseWaiter<Thing> => ({
      leased: () => {
        order.push(name);
        return true;
      },
      failed: () => order.push(`${name} failed`),
    });
    for (const name of ['a', 'b', 'c']) p.wait(named(name));
    expect(p.stats()).toMatchObject({ pending: 3, creating: 1 });
    expect(order).toEqual([]);
    const thing = await f.open();
    expect(order).toEqual(['a', 'b', 'c']);
    expect(p.stats()).toMatchObject({ pending: 0, leases: 3 });
    p.wait(named('d')); // something is open: leased at once
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    expect(p.lease()).toBe(thing);
  });

  it('undo the lease of a waiter that declines (it gave up) and serve the next', async () => {
    const f = gated();
    const p = sharedPool({ ...f });
    const gone = recorder(false);
    const next = recorder();
    p.wait(gone.waiter);
    p.wait(next.waiter);
    const thing = await f.open();
    expect(gone.got).toEqual([thing]);
    expect(next.got).toEqual([thing]);
    expect(p.stats()).toMatchObject({ leases: 1, pending: 0 });
  });

  it('undo the lease at once when wait() finds something open and the waiter declines', async () => {
    const { p, things } = await opened(1);
    const gone = recorder(false);
    p.wait(gone.waiter);
    expect(gone.got).toEqual(things);
    expect(p.stats()).toMatchObject({ leases: 0, pending: 0 });
  });

  it('queue one that waits again from its callback behind those already waiting', async () => {
    const f = gated();
    const p = sharedPool({ ...f });
    const order: string[] = [];
    const named = (name: string): LeaseWaiter<Thing> => ({
      leased: () => {
        order.push(name);
        return true;
      },
      failed: () => {},
    });
    const breaker: LeaseWaiter<Thing> = {
      leased: (thing) => {
        order.push('breaker');
        void p.destroy(thing); // broken: nothing open now
        p.wait(named('breaker again'));
        return false;
      },
      failed: () => {},
    };
    p.wait(breaker);
    p.wait(named('second'));
    await f.open();
    expect(order).toEqual(['breaker']);
    expect(p.stats()).toMatchObject({ pending: 2, creating: 1, leases: 0 });
    await f.open();
    expect(order).toEqual(['breaker', 'second', 'breaker again']);
  });

  it('spread over a second resource when the first passes loadThreshold while serving them', async () => {
    const f = gated();
    const p = sharedPool({ ...f, loadThreshold: 2 });
    const waiters = Array.from({ length: 4 }, () => recorder());
    for (const w of waiters) p.wait(w.waiter);
    const a = await f.open();
    expect(waiters.map((w) => w.got[0])).toEqual([a, a, a, a]);
    expect(f.pending).toBe(1); // the third lease saw load 2
    const b = await f.open();
    expect(p.lease()).toBe(b);
  });

  it('all fail with the create’s error, as DialError, when a create fails with nothing open', async () => {
    const f = gated();
    const p = sharedPool({ ...f });
    const waiters = [recorder(), recorder()];
    for (const w of waiters) p.wait(w.waiter);
    const cause = new Error('ECONNREFUSED');
    await f.fail(cause);
    for (const w of waiters) {
      expect(w.errors).toHaveLength(1);
      expect(w.errors[0]).toBeInstanceOf(DialError);
      expect(w.errors[0]).toMatchObject({ code: 'RERPC_ERR_DIAL', cause });
    }
    expect(waiters[0]!.errors[0]).toBe(waiters[1]!.errors[0]); // one error, shared
    expect(p.stats()).toMatchObject({ pending: 0, createErrors: 1, creating: 0, size: 0 });
    // The next lease creates again at once (no backoff with nothing open).
    expect(p.lease()).toBeNull();
    expect(f.pending).toBe(1);
  });

  it('fail with DialError when create throws synchronously, and the pool creates again later', async () => {
    let calls = 0;
    const cause = new Error('no route');
    const p = sharedPool<Thing>({
      create: () => {
        calls += 1;
        if (calls === 1) throw cause;
        return { id: calls, broken: false };
      },
      destroy: () => {},
    });
    const w = recorder();
    p.wait(w.waiter);
    expect(w.errors).toEqual([]); // settled in a later microtask, never inside wait()
    await tick();
    expect(w.errors[0]).toBeInstanceOf(DialError);
    expect(w.errors[0]).toMatchObject({ cause, address: null });
    expect(p.stats()).toMatchObject({ createErrors: 1, creating: 0, pending: 0 });
    const waiting = p.acquire();
    expect(await waiting).toMatchObject({ id: 2 });
  });

  it('get an error of this package as create threw it', async () => {
    const f = gated();
    const p = sharedPool({ ...f });
    const w = recorder();
    p.wait(w.waiter);
    const own = new DialError('h:1', { cause: new Error('x') });
    await f.fail(own);
    expect(w.errors).toEqual([own]);
  });

  it('get a new one at once when the only resource is retired but still leased (retiring ones do not count against maxActive)', async () => {
    const { f, p, things } = await opened(1, { maxActive: 1 });
    const a = things[0]!;
    p.lease();
    p.retire(a);
    const w = recorder();
    p.wait(w.waiter);
    expect(f.pending).toBe(1); // a is draining: its replacement is dialled now
    expect(p.stats()).toMatchObject({ retiring: 1, pending: 1, size: 1, creating: 1 });
    const b = await f.open();
    expect(w.got).toEqual([b]);
    expect(f.destroyed).toEqual([]);
    p.unlease(a);
    expect(f.destroyed).toEqual([a]);
    expect(p.stats()).toMatchObject({ retiring: 0, active: 1, size: 1 });
  });
});

describe('acquire', () => {
  it('resolves at once when something is open, else when a resource opens', async () => {
    const f = gated();
    const p = sharedPool({ ...f });
    const first = p.acquire();
    const thing = await f.open();
    expect(await first).toBe(thing);
    expect(await p.acquire()).toBe(thing);
    expect(p.stats().leases).toBe(2);
  });

  it('rejects with DialError when the create fails with nothing open', async () => {
    const f = gated();
    const p = sharedPool({ ...f });
    const waiting = settle(p.acquire());
    await f.fail(new Error('down'));
    expect((await waiting).error).toBeInstanceOf(DialError);
  });

  it('rejects with AbortError: at once when aborted, or when aborted while waiting, leasing nothing', async () => {
    const f = gated();
    const p = sharedPool({ ...f });
    const early = await settle(p.acquire({ signal: AbortSignal.abort('early') }));
    expect(early.error).toBeInstanceOf(AbortError);
    expect(early.error).toMatchObject({ cause: 'early' });
    const controller = new AbortController();
    const waiting = settle(p.acquire({ signal: controller.signal }));
    controller.abort('late');
    expect((await waiting).error).toMatchObject({ code: 'RERPC_ERR_ABORTED', cause: 'late' });
    await f.open();
    expect(p.stats()).toMatchObject({ leases: 0, pending: 0 });
  });

  it('rejects an invalid option without throwing', async () => {
    const p = sharedPool({ ...gated() });
    const { error } = await settle(p.acquire({ sginal: null } as never));
    expect(error).toMatchObject({ code: 'RERPC_ERR_INVALID_OPTION' });
    expect((error as Error).message).toContain('did you mean "signal"?');
  });
});

describe('acquires sharing one AbortSignal', () => {
  it('keep one abort listener on it, and aborting it rejects them all', async () => {
    const p = sharedPool({ ...gated() });
    const shared = new AbortController();
    const waiting = Array.from({ length: 11 }, () => settle(p.acquire({ signal: shared.signal })));
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(1);
    shared.abort('all');
    for (const w of waiting) expect((await w).error).toMatchObject({ cause: 'all' });
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
  });
});

describe('createBackoff', () => {
  it('holds background creates for createBackoff ms after a failed one', async () => {
    const clock = new FakeClock();
    const { f, p, things } = await opened(1, { loadThreshold: 1, createBackoff: 100 }, clock);
    const a = things[0]!;
    p.lease();
    p.lease(); // load 1: background create
    await f.fail(new Error('refused'));
    expect(p.stats().createErrors).toBe(1);
    p.lease();
    expect(f.pending).toBe(0); // paused
    clock.advance(99);
    p.lease();
    expect(f.pending).toBe(0);
    clock.advance(1);
    expect(p.lease()).toBe(a);
    expect(f.pending).toBe(1);
  });

  it('counts from the latest failure when another create fails meanwhile', async () => {
    const clock = new FakeClock();
    const { f, p, things } = await opened(1, { loadThreshold: 1, createBackoff: 100 }, clock);
    p.lease();
    p.lease(); // load 1: background create
    await f.fail(new Error('refused')); // held until +100
    clock.advance(50);
    await p.destroy(things[0]!);
    expect(p.lease()).toBeNull(); // nothing open: creates at once, backoff or not
    await f.fail(new Error('refused again')); // held until +150 now
    expect(p.lease()).toBeNull();
    const b = await f.open();
    expect(p.lease()).toBe(b);
    p.lease(); // load 1, but held
    expect(f.pending).toBe(0);
    clock.advance(50); // +100: the first failure's backoff would have ended here
    p.lease();
    expect(f.pending).toBe(0);
    clock.advance(50); // +150
    p.lease();
    expect(f.pending).toBe(1);
    expect(p.stats().createErrors).toBe(2);
  });

  it('leaves no timer once the backoff ends, and a later failure holds for the full backoff again', async () => {
    const clock = new FakeClock();
    const backoff = { loadThreshold: 1, createBackoff: 100, parkTimeout: 0 };
    const { f, p } = await opened(1, backoff, clock);
    p.lease();
    p.lease(); // load 1: background create
    await f.fail(new Error('refused'));
    expect(clock.pending).toBe(1); // the backoff's timer (no sweep at parkTimeout 0)
    clock.advance(100);
    expect(clock.pending).toBe(0);
    clock.advance(50);
    p.lease();
    await f.fail(new Error('refused again')); // held until +100 from here
    clock.advance(99);
    p.lease();
    expect(f.pending).toBe(0);
    clock.advance(1);
    p.lease();
    expect(f.pending).toBe(1);
  });

  it('does not hold a create when nothing is open', async () => {
    const f = gated();
    const p = sharedPool({ ...f, createBackoff: 10_000 });
    p.lease();
    await f.fail(new Error('refused'));
    expect(p.lease()).toBeNull();
    expect(f.pending).toBe(1);
  });

  it('is off at 0: a failed background create is retried by the next lease', async () => {
    const { f, p } = await opened(1, { loadThreshold: 1, createBackoff: 0 });
    p.lease();
    p.lease();
    await f.fail(new Error('refused'));
    p.lease();
    expect(f.pending).toBe(1);
  });
});

describe('retire and destroy', () => {
  it('retire(r) stops leasing r and destroys it when its last lease ends', async () => {
    const { f, p, things } = await opened(2, { loadThreshold: 1 });
    const [a, b] = things as [Thing, Thing];
    expect(p.lease()).toBe(a);
    p.retire(a);
    expect(p.stats()).toMatchObject({ active: 1, retiring: 1, leases: 1 });
    expect([p.lease(), p.lease()]).toEqual([b, b]);
    expect(f.destroyed).toEqual([]);
    p.unlease(a);
    expect(f.destroyed).toEqual([a]);
    expect(p.stats()).toMatchObject({ retiring: 0, destroyed: 1 });
    p.retire(b); // leased twice: stays until both end
    p.unlease(b);
    p.unlease(b);
    expect(f.destroyed).toEqual([a, b]);
    p.retire(b); // untracked now: ignored
  });

  it('retire(r) twice while leased counts it once and still waits for its last lease', async () => {
    const { f, p, things } = await opened(2, { loadThreshold: 1 });
    const [a] = things as [Thing, Thing];
    expect(p.lease()).toBe(a);
    p.retire(a);
    p.retire(a);
    expect(f.destroyed).toEqual([]);
    expect(p.stats()).toMatchObject({ active: 1, retiring: 1, size: 1, leases: 1 });
    p.unlease(a);
    expect(f.destroyed).toEqual([a]);
    expect(p.stats()).toMatchObject({ active: 1, retiring: 0, leases: 0 });
  });

  it('retire(r) of a parked resource destroys it at once', async () => {
    const clock = new FakeClock();
    const { f, p, things } = await opened(1, { parkTimeout: 1000 }, clock);
    clock.advance(5000);
    expect(p.stats().idle).toBe(1);
    p.retire(things[0]!);
    expect(f.destroyed).toEqual(things);
    expect(p.stats()).toMatchObject({ idle: 0, size: 0, retiring: 0, destroyed: 1 });
  });

  it('retire(r) of a resource with no lease destroys it at once', async () => {
    const { f, p, things } = await opened(1);
    p.retire(things[0]!);
    expect(f.destroyed).toEqual(things);
    expect(p.lease()).toBeNull();
  });

  it('retireAll() retires every open resource, drops parked ones, keeps the create in flight', async () => {
    const clock = new FakeClock();
    const { f, p, things } = await opened(3, { loadThreshold: 1, parkTimeout: 1000 }, clock);
    const [a, b, c] = things as [Thing, Thing, Thing];
    expect(p.lease()).toBe(a);
    clock.advance(3000); // b and c park; a is leased
    expect(p.stats()).toMatchObject({ active: 1, idle: 2 });
    p.lease(); // a at load 1 ≥ 1: b is taken back
    expect(p.stats()).toMatchObject({ active: 2, idle: 1 });
    expect(p.lease()).toBe(c); // both at load 1: the last parked comes back
    p.lease(); // all at load 1, nothing parked: a create starts
    expect(f.pending).toBe(1);
    p.retireAll();
    expect(p.stats()).toMatchObject({ active: 0, idle: 0, retiring: 3, creating: 1 });
    const d = await f.open(); // started before the bump, made after: new generation
    expect(p.lease()).toBe(d);
    for (const t of [a, a, b, c]) p.unlease(t);
    expect(new Set(f.destroyed)).toEqual(new Set([a, b, c]));
  });

  it('retireAll() destroys parked resources at once, and close() with only parked ones resolves', async () => {
    const clock = new FakeClock();
    const { f, p, things } = await opened(2, { loadThreshold: 1, parkTimeout: 1000 }, clock);
    clock.advance(3000);
    expect(p.stats()).toMatchObject({ active: 0, idle: 2 });
    p.retireAll();
    expect(new Set(f.destroyed)).toEqual(new Set(things));
    expect(p.stats()).toMatchObject({ idle: 0, size: 0, destroyed: 2 });
    const more = await opened(1, { parkTimeout: 1000 }, clock);
    clock.advance(3000);
    expect(more.p.stats().idle).toBe(1);
    await more.p.close();
    expect(more.f.destroyed).toEqual(more.things);
  });

  it('destroy(r) destroys it at once, forgets its leases, and creates for the waiters', async () => {
    const { f, p, things } = await opened(1);
    const a = things[0]!;
    p.lease();
    p.lease();
    const done = p.destroy(a);
    expect(f.destroyed).toEqual([a]);
    await expect(done).resolves.toBeUndefined();
    expect(p.stats()).toMatchObject({ leases: 0, active: 0, destroyed: 1 });
    const w = recorder();
    p.wait(w.waiter);
    const b = await f.open();
    expect(w.got).toEqual([b]);
    await expect(p.destroy(a)).resolves.toBeUndefined(); // untracked: ignored
  });

  it('a waiter that destroys the resource it was given leaves the rest queued for a new one', async () => {
    const f = gated();
    const p = sharedPool({ ...f });
    const breaker: LeaseWaiter<Thing> = {
      leased: (thing) => {
        void p.destroy(thing);
        return false;
      },
      failed: () => {},
    };
    const after = recorder();
    p.wait(breaker);
    p.wait(after.waiter);
    await f.open();
    expect(after.got).toEqual([]);
    expect(p.stats()).toMatchObject({ pending: 1, creating: 1 });
    const b = await f.open();
    expect(after.got).toEqual([b]);
  });
});

describe('waiters left after one was served', () => {
  it('all fail when the next create fails, and all fail on close', async () => {
    for (const end of ['fail', 'close'] as const) {
      const f = gated();
      const p = sharedPool({ ...f });
      const breaker: LeaseWaiter<Thing> = {
        leased: (thing) => {
          void p.destroy(thing);
          return false;
        },
        failed: () => {},
      };
      const rest = [recorder(), recorder()];
      p.wait(breaker);
      for (const w of rest) p.wait(w.waiter);
      await f.open(); // the breaker is served and destroys it: the rest stay queued
      expect(p.stats()).toMatchObject({ pending: 2, creating: 1 });
      if (end === 'fail') {
        await f.fail(new Error('down'));
      } else {
        const closing = p.close();
        await f.fail(f.signals.at(-1)!.reason); // the create honours its aborted signal
        await closing;
      }
      for (const w of rest) {
        expect(w.errors).toHaveLength(1);
        expect(w.errors[0]).toBeInstanceOf(end === 'fail' ? DialError : PoolClosedError);
      }
      expect(p.stats().pending).toBe(0);
    }
  });
});

describe('parking and eviction (parkTimeout, maxIdle, idleTimeout)', () => {
  it('parks an open resource unused for parkTimeout, not before, and never a leased one', async () => {
    const clock = new FakeClock();
    const { p, things } = await opened(2, { loadThreshold: 1, parkTimeout: 1000 }, clock);
    const a = things[0]!;
    p.lease(); // a stays leased
    clock.advance(999);
    expect(p.stats()).toMatchObject({ active: 2, idle: 0 });
    clock.advance(1500); // at most about half a parkTimeout late
    expect(p.stats()).toMatchObject({ active: 1, idle: 1, leases: 1 });
    p.unlease(a);
    expect(p.lease()).toBe(a); // a stayed open
  });

  it('counts from the last unlease, so a long lease is not parked as soon as it ends', async () => {
    const clock = new FakeClock();
    const { p, things } = await opened(1, { parkTimeout: 1000 }, clock);
    p.lease();
    clock.advance(10_100); // between two sweeps: the pool's coarse clock says 11000
    p.unlease(things[0]!);
    clock.advance(999); // never early, though the unlease was stamped 100 ms early
    expect(p.stats()).toMatchObject({ active: 1, idle: 0 });
    clock.advance(1500);
    expect(p.stats()).toMatchObject({ active: 0, idle: 1 });
  });

  it('counts parked resources in size, against maxActive', async () => {
    const clock = new FakeClock();
    const { f, p, things } = await opened(
      2,
      { loadThreshold: 1, maxActive: 2, parkTimeout: 1000 },
      clock,
    );
    p.lease(); // a stays in use
    clock.advance(3000); // b parks
    expect(p.stats()).toMatchObject({ size: 2, active: 1, idle: 1 });
    expect(p.lease()).toBe(things[1]); // a at load 1: b is taken back, nothing is created
    expect(p.lease()).toBe(things[0]);
    expect(f.pending).toBe(0); // two open: maxActive
  });

  it('takes a parked resource back (the same object) before creating one', async () => {
    const clock = new FakeClock();
    const { f, p, things } = await opened(1, { parkTimeout: 1000 }, clock);
    const a = things[0]!;
    clock.advance(5000);
    expect(p.stats().idle).toBe(1);
    expect(p.lease()).toBe(a);
    expect(f.pending).toBe(0);
    expect(p.stats()).toMatchObject({ active: 1, idle: 0, created: 1 });
  });

  it('takes a parked resource back as it is when the factory has no validate', async () => {
    const clock = new FakeClock();
    const { f, p, things } = await opened(1, { parkTimeout: 1000, validate: undefined }, clock);
    clock.advance(5000);
    expect(p.stats().idle).toBe(1);
    expect(p.lease()).toBe(things[0]);
    expect(f.destroyed).toEqual([]);
    expect(p.stats()).toMatchObject({ active: 1, idle: 0, leases: 1, destroyed: 0 });
  });

  it('destroys a parked resource that fails validate and creates another', async () => {
    const clock = new FakeClock();
    const { f, p, things } = await opened(1, { parkTimeout: 1000 }, clock);
    const a = things[0]!;
    clock.advance(5000);
    a.broken = true;
    expect(p.lease()).toBeNull();
    expect(f.destroyed).toEqual([a]);
    expect(f.pending).toBe(1);
  });

  it('treats a validate that throws as a failed one', async () => {
    const clock = new FakeClock();
    const { f, p } = await opened(
      1,
      {
        parkTimeout: 1000,
        validate: () => {
          throw new Error('boom');
        },
      },
      clock,
    );
    clock.advance(5000);
    expect(p.lease()).toBeNull();
    expect(f.destroyed).toHaveLength(1);
  });

  it('keeps at most maxIdle parked and destroys the others', async () => {
    const clock = new FakeClock();
    const { f, p } = await opened(3, { loadThreshold: 1, parkTimeout: 1000, maxIdle: 1 }, clock);
    clock.advance(5000);
    expect(p.stats()).toMatchObject({ active: 0, idle: 1 });
    expect(f.destroyed).toHaveLength(2);
  });

  it('destroys an unused resource after parkTimeout when maxIdle is 0', async () => {
    const clock = new FakeClock();
    const { f, p } = await opened(1, { parkTimeout: 1000, maxIdle: 0 }, clock);
    clock.advance(5000);
    expect(p.stats()).toMatchObject({ active: 0, idle: 0, size: 0 });
    expect(f.destroyed).toHaveLength(1);
  });

  it('evicts a parked resource after idleTimeout, not before, and then stops its timer', async () => {
    const clock = new FakeClock();
    const { f, p } = await opened(1, { parkTimeout: 1000, idleTimeout: 4000 }, clock);
    clock.advance(2500); // parked at 2250 ms (the clock starts at 1000)
    expect(p.stats().idle).toBe(1);
    clock.advance(2749); // 3999 ms after parking
    expect(p.stats().idle).toBe(1);
    clock.advance(2000);
    expect(p.stats()).toMatchObject({ idle: 0, size: 0 });
    expect(f.destroyed).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });

  it('evicts parked resources oldest first, keeping the ones parked later', async () => {
    const clock = new FakeClock();
    const { f, p, things } = await opened(
      2,
      { loadThreshold: 1, parkTimeout: 1000, idleTimeout: 4000 },
      clock,
    );
    const [a, b] = things as [Thing, Thing];
    p.lease(); // a stays in use for now
    clock.advance(2500); // b parks
    p.unlease(a);
    clock.advance(2500); // a parks, 2000 ms or so after b
    expect(p.stats()).toMatchObject({ idle: 2 });
    clock.advance(2000); // b unused 4000+ ms, a not yet
    expect(f.destroyed).toEqual([b]);
    expect(p.stats()).toMatchObject({ idle: 1 });
    clock.advance(2500);
    expect(f.destroyed).toEqual([b, a]);
  });

  it('sweeps every quarter of idleTimeout when it is the shorter, so eviction is in time', async () => {
    const clock = new FakeClock();
    const { f, p } = await opened(1, { parkTimeout: 1000, idleTimeout: 100 }, clock);
    expect(clock.pending).toBe(1);
    clock.advance(1025); // parked within a sweep (25 ms) of parkTimeout
    expect(p.stats().idle).toBe(1);
    clock.advance(100); // and evicted 100 ms later
    expect(f.destroyed).toHaveLength(1);
    expect(p.stats()).toMatchObject({ idle: 0, size: 0 });
  });

  it('parks and evicts at the first sweep due, counting a timer up to 1 ms early as on time', async () => {
    // Sweeps every 2 ms (a quarter of 5, rounded up) from 1000, when the resource opened.
    const clock = new FakeClock();
    const { f, p } = await opened(1, { parkTimeout: 5, idleTimeout: 5 }, clock);
    clock.advance(5); // 1005: unused 4 ms (the sweep at 1004)
    expect(p.stats()).toMatchObject({ active: 1, idle: 0 });
    clock.advance(1); // the sweep at 1006: unused 6 ms, parkTimeout + one period less 1 ms slack
    expect(p.stats()).toMatchObject({ active: 0, idle: 1 });
    clock.advance(3); // 1009: parked 3 ms ago
    expect(p.stats().idle).toBe(1);
    clock.advance(1); // the sweep at 1010: parked 4 ms ago, idleTimeout less 1 ms slack
    expect(p.stats()).toMatchObject({ idle: 0, size: 0 });
    expect(f.destroyed).toHaveLength(1);
  });

  it('runs one sweep timer however many resources open, a quarter of the shorter timeout apart', async () => {
    const recording = () => {
      const clock = new FakeClock();
      const seen: number[] = [];
      const schedule = clock.schedule.bind(clock);
      clock.schedule = (fn, ms, repeat) => {
        if (repeat) seen.push(ms);
        return schedule(fn, ms, repeat);
      };
      return { clock, seen };
    };
    const three = recording();
    await opened(3, { loadThreshold: 1, parkTimeout: 1000, idleTimeout: 0 }, three.clock);
    expect(three.seen).toEqual([250]); // idleTimeout 0 (never evict) does not shorten it
    expect(three.clock.pending).toBe(1);
    for (const [parkTimeout, idleTimeout, period] of [
      [1000, 4000, 250],
      [1000, 1000, 250],
      [1000, 100, 25],
      [2, 0, 1],
    ]) {
      const one = recording();
      await opened(1, { parkTimeout, idleTimeout }, one.clock);
      expect(one.seen, `parkTimeout ${parkTimeout}, idleTimeout ${idleTimeout}`).toEqual([period]);
    }
  });

  it('stops the sweep timer once the last of several resources is evicted', async () => {
    const clock = new FakeClock();
    const { f, p } = await opened(
      2,
      { loadThreshold: 1, parkTimeout: 1000, idleTimeout: 1000 },
      clock,
    );
    expect(clock.pending).toBe(1);
    clock.advance(5000);
    expect(f.destroyed).toHaveLength(2);
    expect(p.stats().size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('keeps parked resources while idleTimeout is 0', async () => {
    const clock = new FakeClock();
    const { p } = await opened(1, { parkTimeout: 1000, idleTimeout: 0 }, clock);
    clock.advance(2 ** 31);
    expect(p.stats().idle).toBe(1);
  });

  it('never parks when parkTimeout is 0, and runs no timer for it', async () => {
    const clock = new FakeClock();
    const { p } = await opened(1, { parkTimeout: 0 }, clock);
    expect(clock.pending).toBe(0);
    clock.advance(2 ** 31);
    expect(p.stats()).toMatchObject({ active: 1, idle: 0 });
  });
});

describe('close', () => {
  it('fails waiters, aborts the create, destroys leased resources when unleased; idempotent', async () => {
    const { f, p, things } = await opened(1, { loadThreshold: 1 });
    const a = things[0]!;
    p.lease();
    p.lease(); // a background create starts
    expect(f.pending).toBe(1);
    const closing = p.close();
    expect(p.close()).toBe(closing);
    expect(f.signals.at(-1)!.aborted).toBe(true);
    expect(f.signals.at(-1)!.reason).toBeInstanceOf(PoolClosedError);
    expect(p.stats()).toMatchObject({ closed: true, retiring: 1, active: 0 });
    expect(thrown(() => p.lease())).toBeInstanceOf(PoolClosedError);
    expect(thrown(() => p.wait(recorder().waiter))).toBeInstanceOf(PoolClosedError);
    expect((await settle(p.acquire())).error).toBeInstanceOf(PoolClosedError);
    let done = false;
    void closing.then(() => {
      done = true;
    });
    const late = await f.open(); // the aborted create made one anyway: destroyed
    expect(f.destroyed).toEqual([late]);
    p.unlease(a);
    await tick();
    expect(done).toBe(false);
    p.unlease(a);
    await closing;
    expect(f.destroyed).toEqual([late, a]);
  });

  it('fails queued waiters with PoolClosedError', async () => {
    const f = gated();
    const p = sharedPool({ ...f });
    const w = recorder();
    p.wait(w.waiter);
    const waiting = settle(p.acquire());
    const closing = p.close();
    expect(w.errors[0]).toBeInstanceOf(PoolClosedError);
    await f.fail(f.signals[0]!.reason); // the create honours its aborted signal
    await closing;
    expect((await waiting).error).toBeInstanceOf(PoolClosedError);
    expect((w.errors[0] as Error).message).toContain('closed while this lease was waiting');
  });

  it('destroys resources still leased when its timeout passes', async () => {
    const clock = new FakeClock();
    const { f, p, things } = await opened(1, { closeTimeout: 5000 }, clock);
    p.lease();
    const closing = p.close();
    clock.advance(4999);
    expect(f.destroyed).toEqual([]);
    clock.advance(1);
    await closing;
    expect(f.destroyed).toEqual(things);
    expect(() => p.unlease(things[0]!)).not.toThrow();
  });

  it('destroys at once with timeout 0, waits forever with Infinity', async () => {
    const clock = new FakeClock();
    const now = await opened(1, {}, clock);
    now.p.lease();
    await now.p.close({ timeout: 0 });
    expect(now.f.destroyed).toEqual(now.things);
    const never = await opened(1, {}, clock);
    never.p.lease();
    const closing = never.p.close({ timeout: Infinity });
    clock.advance(2 ** 31);
    expect(never.f.destroyed).toEqual([]);
    expect(clock.pending).toBe(0);
    never.p.unlease(never.things[0]!);
    await closing;
  });

  it('waits for an asynchronous destroy', async () => {
    const gate = deferred();
    const { p } = await opened(1, { destroy: () => gate.promise });
    let done = false;
    const closing = p.close().then(() => {
      done = true;
    });
    await tick();
    expect(done).toBe(false);
    gate.resolve();
    await closing;
  });

  it('waits for a create in flight that ignores its aborted signal, and destroys what it makes', async () => {
    const f = stubborn();
    const p = sharedPool({ ...f });
    expect(p.lease()).toBeNull(); // a create starts
    let done = false;
    const closing = p.close().then(() => {
      done = true;
    });
    expect(f.signal!.aborted).toBe(true);
    await tick();
    expect(done).toBe(false);
    const late = { id: 1, broken: false };
    f.gate.resolve(late);
    await closing;
    expect(f.destroyed).toEqual([late]);
    expect(p.stats()).toMatchObject({ created: 1, destroyed: 1, size: 0, creating: 0 });
  });

  it('rejects an unknown close() option, naming close()', async () => {
    const { p } = await opened(1);
    const { error } = await settle(p.close({ timeot: 5 } as never));
    expect((error as Error).message).toMatch(/^close\(\) options has no option "timeot"/);
    expect(p.stats().closed).toBe(false);
  });

  it('rejects an invalid timeout without closing', async () => {
    const { p } = await opened(1);
    const { error } = await settle(p.close({ timeout: -1 }));
    expect(error).toMatchObject({ code: 'RERPC_ERR_INVALID_OPTION' });
    expect(p.stats().closed).toBe(false);
  });

  it('is what Symbol.asyncDispose does', async () => {
    const { p } = await opened(1);
    await p[Symbol.asyncDispose]();
    expect(p.stats()).toMatchObject({ closed: true, size: 0 });
  });
});

describe('stats', () => {
  it('counts active, retiring, idle, creating, leases, pending, created, destroyed, createErrors', async () => {
    const clock = new FakeClock();
    const { f, p, things } = await opened(2, { loadThreshold: 1, parkTimeout: 1000 }, clock);
    p.lease();
    clock.advance(3000); // b parks
    p.retire(things[0]!);
    expect(p.lease()).toBe(things[1]); // taken back
    p.lease(); // load 1: create
    await f.fail(new Error('x'));
    expect(p.stats()).toEqual({
      size: 1, // active + idle + creating: the retiring one is not counted
      maxActive: 100,
      active: 1,
      retiring: 1,
      idle: 0,
      creating: 0,
      leases: 3,
      pending: 0,
      created: 2,
      destroyed: 0,
      createErrors: 1,
      closed: false,
    });
  });
});
