import { describe, expect, it } from 'vitest';
import {
  AbortError,
  createPool,
  DialError,
  DialTimeoutError,
  type Pool,
  PoolClosedError,
  PoolExhaustedError,
} from '../src/index.js';
import {
  clockedPool,
  type Deferred,
  deferred,
  FakeClock,
  pool,
  settle,
  stubborn,
  type Thing,
  things,
  tick,
} from './helpers.js';

/** A pool whose creates wait until the test resolves their gate (`gates[i]`), in order. */
function gatedPool(maxActive: number, signals?: AbortSignal[]) {
  const gates: Array<Deferred<Thing>> = [];
  const p = pool({
    create: (signal: AbortSignal) => {
      signals?.push(signal);
      const d = deferred<Thing>();
      gates.push(d);
      return d.promise;
    },
    destroy: () => {},
    maxActive,
  });
  return { p, gates };
}

/** Acquires two resources at once, then releases `a` and `b` in that order (`b` idles on top). */
async function releasedPair(p: Pool<Thing>): Promise<[Thing, Thing]> {
  const [a, b] = await Promise.all([p.acquire(), p.acquire()]);
  p.release(a);
  p.release(b);
  return [a, b];
}

describe('acquire and release', () => {
  it('creates a resource on first acquire and reuses it after release', async () => {
    const f = things();
    const p = pool(f);
    const a = await p.acquire();
    expect(p.stats()).toMatchObject({ size: 1, active: 1, idle: 0, created: 1 });
    p.release(a);
    expect(p.stats()).toMatchObject({ size: 1, active: 0, idle: 1 });
    const b = await p.acquire();
    expect(b).toBe(a);
    expect(p.stats()).toMatchObject({ size: 1, active: 1, idle: 0, created: 1, destroyed: 0 });
  });

  it('hands out and takes back an idle resource with no timer and no clock read', async () => {
    const clock = new FakeClock();
    const p = clockedPool({ ...things(), acquireTimeout: 1000 }, clock);
    p.release(await p.acquire()); // the first park starts the sweep timer
    const timers = clock.pending;
    let reads = 0;
    const now = clock.now.bind(clock);
    clock.now = () => {
      reads += 1;
      return now();
    };
    for (let i = 0; i < 100; i++) p.release(await p.acquire());
    expect(reads).toBe(0);
    expect(clock.pending).toBe(timers);
    expect(p.stats()).toMatchObject({ created: 1, idle: 1, pending: 0 });
  });

  it('reuses an idle resource as it is when the factory has no validate', async () => {
    const f = things();
    const p = pool({ create: f.create, destroy: f.destroy, validate: undefined, maxActive: 1 });
    const a = await p.acquire();
    p.release(a);
    expect(await p.acquire()).toBe(a); // from idle
    expect(p.stats()).toMatchObject({ size: 1, active: 1, idle: 0, created: 1 });
    const waiting = p.acquire();
    p.release(a); // straight to the waiter
    expect(await waiting).toBe(a);
    expect(p.stats()).toMatchObject({ size: 1, active: 1, pending: 0, created: 1, destroyed: 0 });
    expect(f.destroyed).toEqual([]);
  });

  it('reuses the most recently released idle resource first', async () => {
    const p = pool(things());
    const [, b] = await releasedPair(p);
    expect(await p.acquire()).toBe(b);
  });

  it('reports size and maxActive so a caller can tell whether another resource may be made', async () => {
    const p = pool({ ...things(), maxActive: 2 });
    const a = await p.acquire();
    expect(p.stats()).toMatchObject({ size: 1, maxActive: 2 });
    const b = await p.acquire();
    const s = p.stats();
    expect(s.size < s.maxActive).toBe(false);
    p.release(a);
    p.release(b);
  });

  it('counts a create in flight in size and creating, synchronously', () => {
    const p = pool({ create: () => new Promise<Thing>(() => {}), destroy: () => {}, maxActive: 3 });
    void settle(p.acquire());
    expect(p.stats()).toMatchObject({ size: 1, creating: 1, pending: 1, active: 0 });
  });

  it('throws TypeError when a resource is released twice or was never handed out', async () => {
    const p = pool(things());
    const a = await p.acquire();
    p.release(a);
    expect(() => p.release(a)).toThrow(TypeError);
    expect(() => p.release({ id: 99, broken: false })).toThrow(/has not handed out/);
  });

  it('accepts a factory whose methods use this', async () => {
    class Factory {
      made = 0;
      create(): Thing {
        this.made += 1;
        return { id: this.made, broken: false };
      }
      destroy(): void {}
    }
    const factory = new Factory();
    const p = pool(factory);
    expect(await p.acquire()).toEqual({ id: 1, broken: false });
    expect(factory.made).toBe(1);
  });
});

describe('maxActive and waiters', () => {
  it('never exceeds maxActive under 1,000 concurrent acquires and serves them all', async () => {
    const f = things();
    const p = pool({ ...f, maxActive: 10 });
    let peak = 0;
    const work = Array.from({ length: 1000 }, async (_, i) => {
      const r = await p.acquire();
      peak = Math.max(peak, p.stats().size, f.live.size);
      if (i % 3 === 0) await tick();
      p.release(r);
      return r.id;
    });
    const ids = await Promise.all(work);
    expect(ids).toHaveLength(1000);
    expect(peak).toBeLessThanOrEqual(10);
    expect(p.stats()).toMatchObject({ created: 10, pending: 0, active: 0, idle: 10 });
  });

  it('serves waiters first come, first served', async () => {
    const p = pool({ ...things(), maxActive: 1 });
    const held = await p.acquire();
    const order: string[] = [];
    const waits = ['a', 'b', 'c'].map((name) =>
      p.acquire().then((r) => {
        order.push(name);
        return r;
      }),
    );
    expect(p.stats().pending).toBe(3);
    p.release(held);
    p.release(await waits[0]!);
    p.release(await waits[1]!);
    p.release(await waits[2]!);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('gives a newly created resource to the oldest waiter, not a later one', async () => {
    const gates: Array<{ resolve(t: Thing): void }> = [];
    const p = pool({
      create: () =>
        new Promise<Thing>((resolve) => {
          gates.push({ resolve });
        }),
      destroy: () => {},
      maxActive: 2,
    });
    const first = p.acquire();
    const second = p.acquire();
    expect(gates).toHaveLength(2);
    gates[1]!.resolve({ id: 2, broken: false }); // the second create finishes first
    expect(await first).toEqual({ id: 2, broken: false });
    gates[0]!.resolve({ id: 1, broken: false });
    expect(await second).toEqual({ id: 1, broken: false });
  });

  it('rejects with PoolExhaustedError after acquireTimeout when maxActive are in use', async () => {
    const p = pool({ ...things(), maxActive: 1, acquireTimeout: 20 });
    const held = await p.acquire();
    const { error } = await settle(p.acquire());
    expect(error).toBeInstanceOf(PoolExhaustedError);
    expect(error).toMatchObject({ code: 'RERPC_ERR_POOL_EXHAUSTED', maxActive: 1, timeout: 20 });
    expect(p.stats()).toMatchObject({ timeouts: 1, pending: 0 });
    // The timed-out acquire left no trace: the release parks the resource idle.
    p.release(held);
    expect(p.stats()).toMatchObject({ idle: 1, active: 0, pending: 0 });
  });

  it('times out waiters one by one in queue order', async () => {
    const p = pool({ ...things(), maxActive: 1, acquireTimeout: 20 });
    const held = await p.acquire();
    const first = settle(p.acquire());
    await tick();
    const second = settle(p.acquire());
    expect((await first).error).toBeInstanceOf(PoolExhaustedError);
    expect(p.stats().pending).toBeLessThanOrEqual(1);
    expect((await second).error).toBeInstanceOf(PoolExhaustedError);
    expect(p.stats().timeouts).toBe(2);
    p.release(held);
  });

  it('keeps one timer for every waiter, rearmed for the next deadline', async () => {
    const clock = new FakeClock();
    const p = clockedPool(
      { ...things(), maxActive: 1, acquireTimeout: 100, idleTimeout: 0, healthCheckInterval: 0 },
      clock,
    );
    const held = await p.acquire();
    const first = settle(p.acquire());
    clock.advance(40);
    const second = settle(p.acquire());
    const third = settle(p.acquire());
    expect(clock.pending).toBe(1);
    clock.advance(60); // the first's deadline
    expect((await first).error).toBeInstanceOf(PoolExhaustedError);
    expect(p.stats()).toMatchObject({ pending: 2, timeouts: 1 });
    expect(clock.pending).toBe(1); // rearmed for the second, 40 ms on
    clock.advance(39);
    expect(p.stats().pending).toBe(2);
    clock.advance(1);
    expect((await second).error).toBeInstanceOf(PoolExhaustedError);
    expect((await third).error).toBeInstanceOf(PoolExhaustedError);
    expect(p.stats()).toMatchObject({ pending: 0, timeouts: 3 });
    expect(clock.pending).toBe(0);
    p.release(held);
  });

  it('times out, with the waiter due, the next one due within 1 ms (a timer may fire that early)', async () => {
    const clock = new FakeClock();
    const p = clockedPool(
      { ...things(), maxActive: 1, acquireTimeout: 100, idleTimeout: 0, healthCheckInterval: 0 },
      clock,
    );
    const held = await p.acquire();
    const first = settle(p.acquire());
    clock.advance(1);
    const second = settle(p.acquire()); // due 1 ms after the first
    clock.advance(2);
    const third = settle(p.acquire()); // due 3 ms after the first
    clock.advance(97); // the first's deadline
    expect(p.stats()).toMatchObject({ pending: 1, timeouts: 2 });
    expect((await first).error).toBeInstanceOf(PoolExhaustedError);
    expect((await second).error).toBeInstanceOf(PoolExhaustedError);
    clock.advance(3); // the third's deadline
    expect(p.stats()).toMatchObject({ pending: 0, timeouts: 3 });
    expect((await third).error).toBeInstanceOf(PoolExhaustedError);
    p.release(held);
  });

  it('waits without limit when acquireTimeout is 0', async () => {
    const clock = new FakeClock();
    const p = clockedPool({ ...things(), maxActive: 1, acquireTimeout: 0, idleTimeout: 0 }, clock);
    const held = await p.acquire();
    const waiting = p.acquire();
    expect(clock.pending).toBe(0); // no timer at all, so nothing can time it out
    clock.advance(2 ** 31);
    expect(p.stats()).toMatchObject({ pending: 1, timeouts: 0 });
    p.release(held);
    expect(await waiting).toBe(held);
  });
});

describe('abort', () => {
  it('rejects at once with AbortError whose cause is the reason when the signal is already aborted', async () => {
    const f = things();
    const p = pool(f);
    const reason = new Error('gone');
    const { error } = await settle(p.acquire({ signal: AbortSignal.abort(reason) }));
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ name: 'AbortError', code: 'RERPC_ERR_ABORTED', cause: reason });
    expect(p.stats()).toMatchObject({ created: 0, pending: 0, size: 0 });
  });

  it('takes acquire({}) and acquire({ signal: undefined }) as no signal', async () => {
    const p = pool({ ...things(), maxActive: 1 });
    const a = await p.acquire({});
    const waiting = p.acquire({ signal: undefined });
    p.release(a);
    expect(await waiting).toBe(a);
  });

  it('rejects a waiting acquire when its signal aborts and leaves the queue as it was', async () => {
    const p = pool({ ...things(), maxActive: 1 });
    const held = await p.acquire();
    const controller = new AbortController();
    const order: string[] = [];
    const a = p.acquire().then((r) => {
      order.push('a');
      return r;
    });
    const b = settle(p.acquire({ signal: controller.signal }));
    const c = p.acquire().then((r) => {
      order.push('c');
      return r;
    });
    controller.abort('user gave up');
    const { error } = await b;
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe('user gave up');
    expect(p.stats().pending).toBe(2);
    p.release(held);
    p.release(await a);
    p.release(await c);
    expect(order).toEqual(['a', 'c']);
    expect(p.stats()).toMatchObject({ pending: 0, active: 0, idle: 1, created: 1 });
  });

  it('keeps the queue in order when the first or the last waiter aborts, then more queue', async () => {
    const p = pool({ ...things(), maxActive: 1, acquireTimeout: 0 });
    const held = await p.acquire();
    const order: string[] = [];
    const queue = (name: string, signal?: AbortSignal) =>
      settle(
        p.acquire(signal === undefined ? undefined : { signal }).then((r) => {
          order.push(name);
          return r;
        }),
      );
    const first = new AbortController();
    const last = new AbortController();
    const a = queue('a', first.signal);
    const b = queue('b');
    const c = queue('c', last.signal);
    first.abort();
    last.abort();
    expect((await a).error).toBeInstanceOf(AbortError);
    expect((await c).error).toBeInstanceOf(AbortError);
    const d = queue('d');
    const e = queue('e');
    expect(p.stats().pending).toBe(3);
    p.release(held);
    for (const next of [b, d, e]) p.release((await next).value!);
    expect(order).toEqual(['b', 'd', 'e']);
    expect(p.stats()).toMatchObject({ pending: 0, active: 0, idle: 1 });
  });

  it('aborts the create an aborted acquire started when nobody else needs it', async () => {
    const f = stubborn();
    const p = pool(f);
    const controller = new AbortController();
    const acquired = settle(p.acquire({ signal: controller.signal }));
    controller.abort();
    expect((await acquired).error).toBeInstanceOf(AbortError);
    expect(f.signal?.aborted).toBe(true);
    expect(f.signal?.reason).toBeInstanceOf(AbortError);
    expect(p.stats()).toMatchObject({ size: 0, creating: 0, pending: 0 });
    // The create ignored its signal and finished anyway: the resource is destroyed, not kept.
    const late = { id: 1, broken: false };
    f.gate.resolve(late);
    await tick();
    expect(f.destroyed).toEqual([late]);
    // created counts what it made; a create nobody wanted any more is no create error.
    expect(p.stats()).toMatchObject({
      size: 0,
      idle: 0,
      created: 1,
      destroyed: 1,
      createErrors: 0,
    });
  });

  it('counts no create error when an aborted create fails afterwards', async () => {
    const gate = deferred<Thing>();
    const p = pool({ create: () => gate.promise, destroy: () => {} });
    const controller = new AbortController();
    const acquired = settle(p.acquire({ signal: controller.signal }));
    controller.abort();
    expect((await acquired).error).toBeInstanceOf(AbortError);
    gate.reject(new Error('too late'));
    await tick();
    expect(p.stats()).toMatchObject({ createErrors: 0, created: 0, creating: 0, size: 0 });
  });

  it('aborts the create of a waiter that was served by a released resource instead', async () => {
    const signals: AbortSignal[] = [];
    const { p, gates } = gatedPool(2, signals);
    const first = p.acquire();
    gates[0]!.resolve({ id: 1, broken: false });
    const a = await first;
    const second = p.acquire(); // its create starts
    expect(p.stats()).toMatchObject({ creating: 1, pending: 1 });
    p.release(a); // ...but a comes back first
    expect(await second).toBe(a);
    expect(signals[1]!.aborted).toBe(true);
    expect(signals[1]!.reason).toBeInstanceOf(AbortError);
    expect((signals[1]!.reason as Error).message).toBe(
      'No acquire is waiting for this resource any more',
    );
    expect(p.stats()).toMatchObject({ creating: 0, pending: 0, size: 1 });
  });

  it('an aborted acquire’s async validation finishes for the pool: the resource goes idle', async () => {
    const f = things();
    const answer = deferred<boolean>();
    const p = pool({ ...f, validate: () => answer.promise });
    const a = await p.acquire();
    p.release(a);
    const controller = new AbortController();
    const acquiring = settle(p.acquire({ signal: controller.signal }));
    expect(p.stats()).toMatchObject({ validating: 1, pending: 1 });
    controller.abort('gave up');
    expect((await acquiring).error).toMatchObject({ code: 'RERPC_ERR_ABORTED', cause: 'gave up' });
    expect(p.stats()).toMatchObject({ validating: 1, pending: 0 });
    answer.resolve(true);
    await tick();
    expect(p.stats()).toMatchObject({ validating: 0, idle: 1, active: 0, size: 1 });
    expect(f.destroyed).toEqual([]);
  });

  it('hands an aborted acquire’s create to the next waiter that needs one', async () => {
    const { p, gates } = gatedPool(1);
    const controller = new AbortController();
    const first = settle(p.acquire({ signal: controller.signal }));
    const second = p.acquire();
    expect(gates).toHaveLength(1);
    controller.abort();
    expect((await first).error).toBeInstanceOf(AbortError);
    expect(p.stats()).toMatchObject({ creating: 1, pending: 1 });
    gates[0]!.resolve({ id: 1, broken: false });
    expect(await second).toEqual({ id: 1, broken: false });
    expect(gates).toHaveLength(1);
  });

  it('rejects the waiter that inherited a create with that create’s failure', async () => {
    const { p, gates } = gatedPool(1);
    const controller = new AbortController();
    const first = settle(p.acquire({ signal: controller.signal }));
    const second = settle(p.acquire());
    controller.abort();
    expect((await first).error).toBeInstanceOf(AbortError);
    const cause = new Error('refused');
    gates[0]!.reject(cause);
    expect((await second).error).toMatchObject({ code: 'RERPC_ERR_DIAL', cause });
    expect(gates).toHaveLength(1);
    expect(p.stats()).toMatchObject({ createErrors: 1, pending: 0, size: 0 });
  });
});

describe('create failures', () => {
  it('rejects the acquire that caused it with DialError whose cause is the thrown error', async () => {
    const boom = new Error('boom');
    const p = pool({
      create: () => Promise.reject(boom),
      destroy: () => {},
    });
    const { error } = await settle(p.acquire());
    expect(error).toBeInstanceOf(DialError);
    expect(error).toMatchObject({ code: 'RERPC_ERR_DIAL', cause: boom, address: null });
    expect((error as Error).message).toContain('boom');
    expect(p.stats()).toMatchObject({ createErrors: 1, size: 0, pending: 0 });
  });

  it('wraps a synchronous throw from create the same way', async () => {
    const p = pool({
      create: (): Thing => {
        throw new RangeError('sync');
      },
      destroy: () => {},
    });
    const { error } = await settle(p.acquire());
    expect(error).toBeInstanceOf(DialError);
    expect((error as DialError).cause).toBeInstanceOf(RangeError);
  });

  it('passes its own error classes through unwrapped', async () => {
    const own = new DialTimeoutError(5, 'x:1');
    const p = pool({ create: () => Promise.reject(own), destroy: () => {} });
    expect((await settle(p.acquire())).error).toBe(own);
  });

  it('reaches only the waiter whose create failed; the others still get resources', async () => {
    let calls = 0;
    const p = pool({
      create: async (): Promise<Thing> => {
        calls += 1;
        if (calls === 1) throw new Error('first dial fails');
        return { id: calls, broken: false };
      },
      destroy: () => {},
      maxActive: 2,
    });
    const [a, b] = await Promise.all([settle(p.acquire()), settle(p.acquire())]);
    expect(a.error).toBeInstanceOf(DialError);
    expect(b.value).toEqual({ id: 2, broken: false });
    expect(p.stats()).toMatchObject({ createErrors: 1, active: 1 });
  });

  it('rejects with DialTimeoutError and aborts create when it outlasts acquireTimeout', async () => {
    let createSignal: AbortSignal | undefined;
    const p = pool({
      // Never resolves by itself; rejects when its signal aborts, as a well-behaved create does.
      create: (signal: AbortSignal) =>
        new Promise<Thing>((_, reject) => {
          createSignal = signal;
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
      destroy: () => {},
      acquireTimeout: 25,
    });
    const { error } = await settle(p.acquire());
    expect(error).toBeInstanceOf(DialTimeoutError);
    expect(error).toMatchObject({ code: 'RERPC_ERR_DIAL_TIMEOUT', timeout: 25, address: null });
    expect(createSignal!.reason).toBe(error);
    await tick();
    expect(p.stats()).toMatchObject({ timeouts: 1, creating: 0, size: 0, createErrors: 0 });
  });
});

describe('validation', () => {
  it('destroys an idle resource that fails validation and hands out a replacement', async () => {
    const f = things();
    const p = pool(f);
    const a = await p.acquire();
    p.release(a);
    a.broken = true;
    const b = await p.acquire();
    expect(b).not.toBe(a);
    expect(f.destroyed).toEqual([a]);
    expect(p.stats()).toMatchObject({ validationFailures: 1, created: 2, destroyed: 1, size: 1 });
  });

  it('tries the next idle resource before creating one', async () => {
    const f = things();
    const p = pool(f);
    const [a, b] = await releasedPair(p);
    b.broken = true;
    expect(await p.acquire()).toBe(a);
    expect(p.stats().created).toBe(2);
  });

  it('treats a throwing validate as a failure', async () => {
    const f = things();
    const p = pool({
      ...f,
      validate: (t: Thing) => {
        if (t.broken) throw new Error('cannot tell');
        return true;
      },
    });
    const a = await p.acquire();
    p.release(a);
    a.broken = true;
    expect(await p.acquire()).not.toBe(a);
    expect(f.destroyed).toEqual([a]);
  });

  it('validates a released resource before handing it straight to a waiter', async () => {
    const f = things();
    const p = pool({ ...f, maxActive: 1 });
    const a = await p.acquire();
    const waiting = p.acquire();
    a.broken = true;
    p.release(a);
    const b = await waiting;
    expect(b).not.toBe(a);
    expect(f.destroyed).toEqual([a]);
  });

  it('supports an asynchronous validate, replacing what it rejects', async () => {
    const f = things();
    const p = pool({
      ...f,
      validate: async (t: Thing) => {
        await tick();
        return !t.broken;
      },
    });
    const a = await p.acquire();
    p.release(a);
    expect(await p.acquire()).toBe(a);
    p.release(a);
    a.broken = true;
    const acquiring = p.acquire();
    expect(p.stats()).toMatchObject({ validating: 1, pending: 1, size: 1 });
    const b = await acquiring;
    expect(b).not.toBe(a);
    expect(p.stats()).toMatchObject({ validating: 0, validationFailures: 1, active: 1 });
  });

  it('treats an asynchronous validate that rejects as a failure', async () => {
    const f = things();
    const p = pool({
      ...f,
      validate: (t: Thing) =>
        t.broken ? Promise.reject(new Error('no answer')) : Promise.resolve(true),
    });
    const a = await p.acquire();
    p.release(a);
    a.broken = true;
    const b = await p.acquire();
    expect(b).not.toBe(a);
    expect(f.destroyed).toEqual([a]);
    expect(p.stats()).toMatchObject({ validating: 0, validationFailures: 1, active: 1, size: 1 });
  });

  it.each([
    ['false', false],
    ['null', null],
    ['undefined', undefined],
    ['1 (truthy, not true)', 1],
    ['an object that is no promise', {}],
  ])('treats a validate returning %s as a failure', async (_, verdict) => {
    const f = things();
    const p = pool({ ...f, validate: () => verdict as boolean });
    const a = await p.acquire();
    p.release(a);
    const b = await p.acquire();
    expect(b).not.toBe(a);
    expect(f.destroyed).toEqual([a]);
    expect(p.stats()).toMatchObject({ validationFailures: 1, active: 1, size: 1 });
  });

  it('treats an asynchronous validate resolving anything but true as a failure', async () => {
    const f = things();
    const p = pool({ ...f, validate: () => Promise.resolve(1 as unknown as boolean) });
    const a = await p.acquire();
    p.release(a);
    expect(await p.acquire()).not.toBe(a);
    expect(f.destroyed).toEqual([a]);
    expect(p.stats()).toMatchObject({ validationFailures: 1, validating: 0 });
  });

  it('validates asynchronously a released resource before handing it straight to a waiter', async () => {
    const f = things();
    const p = pool({ ...f, maxActive: 1, validate: async (t: Thing) => !t.broken });
    const a = await p.acquire();
    const waiting = p.acquire();
    p.release(a);
    expect(p.stats()).toMatchObject({ validating: 1, pending: 1 });
    expect(await waiting).toBe(a);
    expect(p.stats()).toMatchObject({ validating: 0, active: 1, validationFailures: 0 });
  });

  it('ignores destroy() of a resource that is being validated: the validation decides', async () => {
    const f = things();
    const answer = deferred<boolean>();
    const p = pool({ ...f, validate: () => answer.promise });
    const a = await p.acquire();
    p.release(a);
    const acquiring = p.acquire();
    await p.destroy(a); // a stale reference: the pool is checking it for the acquire
    expect(f.destroyed).toEqual([]);
    expect(p.stats()).toMatchObject({ validating: 1, destroyed: 0 });
    answer.resolve(true);
    expect(await acquiring).toBe(a);
  });

  it('serves a later acquire from another idle resource while an earlier one is being validated', async () => {
    const f = things();
    const first = deferred<boolean>();
    let calls = 0;
    const p = pool({
      ...f,
      validate: (t: Thing) => (++calls === 1 ? first.promise : !t.broken),
    });
    const [a, b] = await releasedPair(p); // b on top
    a.broken = true;
    const one = p.acquire(); // b, validated asynchronously
    const two = p.acquire(); // a fails its check: destroyed, and a create serves it
    const c = await two;
    expect(c).not.toBe(a);
    expect(c).not.toBe(b);
    expect(f.destroyed).toEqual([a]);
    expect(p.stats()).toMatchObject({ idle: 0, validating: 1, validationFailures: 1 });
    first.resolve(true);
    expect(await one).toBe(b);
  });

  it('parks a released resource while every waiter is waiting on a validation', async () => {
    const f = things();
    const answer = deferred<boolean>();
    let calls = 0;
    const p = pool({ ...f, validate: () => (++calls === 1 ? answer.promise : true) });
    const [a, b, c] = await Promise.all([p.acquire(), p.acquire(), p.acquire()]);
    p.release(a);
    p.release(b);
    const one = p.acquire(); // b, validated asynchronously
    p.release(c); // nobody else waits: c goes idle, next to a
    expect(p.stats()).toMatchObject({ idle: 2, validating: 1, pending: 1, active: 0 });
    answer.resolve(true);
    expect(await one).toBe(b);
    expect(p.stats()).toMatchObject({ idle: 2, active: 1, pending: 0 });
    expect(f.destroyed).toEqual([]);
  });

  it('never hands a later acquire an idle resource past maxLifetime while another is validated', async () => {
    const f = things();
    const clock = new FakeClock();
    const first = deferred<boolean>();
    let calls = 0;
    const p = clockedPool(
      { ...f, maxLifetime: 20, validate: () => (++calls === 1 ? first.promise : true) },
      clock,
    );
    const a = await p.acquire();
    clock.time += 10;
    const b = await p.acquire();
    p.release(a);
    p.release(b); // b on top
    clock.time += 15; // a is 25 ms old, b 15
    const one = p.acquire(); // b, validated asynchronously
    const c = await p.acquire(); // a is too old: destroyed, and a create serves it
    expect(c).not.toBe(a);
    expect(f.destroyed).toEqual([a]);
    expect(calls).toBe(1); // a was not even validated
    first.resolve(true);
    expect(await one).toBe(b);
  });

  it('does not validate a resource it has just created', async () => {
    let validated = 0;
    const p = pool({
      ...things(),
      validate: () => {
        validated += 1;
        return true;
      },
    });
    p.release(await p.acquire());
    expect(validated).toBe(0);
    await p.acquire();
    expect(validated).toBe(1);
  });
});

describe('idle limits and health check', () => {
  it('destroys a released resource when maxIdle are already idle', async () => {
    const f = things();
    const p = pool({ ...f, maxIdle: 1 });
    const [, b] = await releasedPair(p);
    expect(f.destroyed).toEqual([b]);
    expect(p.stats()).toMatchObject({ idle: 1, size: 1 });
  });

  it('keeps nothing idle when maxIdle is 0', async () => {
    const f = things();
    const p = pool({ ...f, maxIdle: 0 });
    const a = await p.acquire();
    p.release(a);
    expect(f.destroyed).toEqual([a]);
    expect(p.stats().size).toBe(0);
  });

  it('evicts a resource idle longer than idleTimeout', async () => {
    const f = things();
    const p = pool({ ...f, idleTimeout: 20, healthCheckInterval: 0 });
    const a = await p.acquire();
    const evicted = f.nextDestroy();
    p.release(a);
    expect(await evicted).toBe(a);
    expect(p.stats()).toMatchObject({ idle: 0, size: 0, destroyed: 1 });
  });

  it('evicts an idle resource older than maxLifetime', async () => {
    const f = things();
    const p = pool({ ...f, maxLifetime: 20, idleTimeout: 0, healthCheckInterval: 0 });
    const a = await p.acquire();
    const evicted = f.nextDestroy();
    p.release(a);
    expect(await evicted).toBe(a);
    expect(p.stats().size).toBe(0);
  });

  it('destroys a resource released after maxLifetime instead of keeping it', async () => {
    const f = things();
    const clock = new FakeClock();
    const p = clockedPool({ ...f, maxLifetime: 20 }, clock);
    const a = await p.acquire();
    clock.advance(19);
    p.release(a);
    expect(f.destroyed).toEqual([]); // not yet 20 ms old: kept idle
    expect(await p.acquire()).toBe(a);
    clock.advance(1); // the lifetime passes while it is held
    p.release(a);
    expect(f.destroyed).toEqual([a]);
    expect(await p.acquire()).not.toBe(a);
  });

  it('destroys an idle resource past maxLifetime when an acquire finds it, before any sweep', async () => {
    const f = things();
    const clock = new FakeClock();
    const p = clockedPool({ ...f, maxLifetime: 20 }, clock);
    const a = await p.acquire();
    p.release(a);
    clock.time += 19; // moved without firing timers: only the acquire sees its age
    expect(await p.acquire()).toBe(a);
    p.release(a);
    clock.time += 1;
    const b = await p.acquire();
    expect(b).not.toBe(a);
    expect(f.destroyed).toEqual([a]);
    expect(p.stats()).toMatchObject({ size: 1, active: 1, idle: 0, created: 2, destroyed: 1 });
  });

  it('evicts for maxLifetime never early, and within a sweep, even when the health check sweeps more often', async () => {
    const f = things();
    const clock = new FakeClock();
    const p = clockedPool(
      { ...f, maxLifetime: 300, idleTimeout: 0, healthCheckInterval: 100 },
      clock,
    );
    p.release(await p.acquire());
    clock.advance(299);
    expect(f.destroyed).toEqual([]);
    clock.advance(101);
    expect(f.destroyed).toHaveLength(1);
    expect(p.stats()).toMatchObject({ idle: 0, size: 0 });
  });

  it('sweeps as often as the shortest idle limit: idleTimeout shorter than the health check', async () => {
    const f = things();
    const clock = new FakeClock();
    const p = clockedPool({ ...f, idleTimeout: 100, healthCheckInterval: 1000 }, clock);
    p.release(await p.acquire());
    clock.advance(300); // idleTimeout and two sweep periods of 100 ms
    expect(f.destroyed).toHaveLength(1);
    expect(p.stats().idle).toBe(0);
  });

  it('never evicts an idle resource for its idle time when idleTimeout is 0', async () => {
    const f = things();
    const clock = new FakeClock();
    const p = clockedPool({ ...f, idleTimeout: 0, healthCheckInterval: 20 }, clock);
    const a = await p.acquire();
    p.release(a);
    clock.advance(10_000); // 500 health checks
    expect(f.destroyed).toEqual([]);
    expect(p.stats()).toMatchObject({ idle: 1, destroyed: 0 });
    expect(await p.acquire()).toBe(a);
  });

  it('validates idle resources every healthCheckInterval and evicts the broken ones', async () => {
    const f = things();
    const p = pool({ ...f, healthCheckInterval: 20 });
    const [a, b] = await releasedPair(p);
    const evicted = f.nextDestroy();
    a.broken = true;
    expect(await evicted).toBe(a);
    expect(p.stats()).toMatchObject({ idle: 1, validationFailures: 1 });
    expect(await p.acquire()).toBe(b);
  });

  it('runs an asynchronous health check and puts healthy resources back', async () => {
    const f = things();
    let checks = 0;
    const checked = deferred();
    const p = pool({
      ...f,
      healthCheckInterval: 20,
      validate: async (t: Thing) => {
        checks += 1;
        if (checks === 2) checked.resolve();
        return !t.broken;
      },
    });
    const [, b] = await releasedPair(p);
    const evicted = f.nextDestroy();
    b.broken = true;
    expect(await evicted).toBe(b);
    await checked.promise;
    await tick();
    expect(p.stats()).toMatchObject({ idle: 1, validating: 0, validationFailures: 1 });
  });

  it('evicts for idleTimeout never early, and within two sweep periods', async () => {
    const f = things();
    const clock = new FakeClock();
    const p = clockedPool({ ...f, idleTimeout: 100, healthCheckInterval: 0 }, clock);
    const [a, b] = await Promise.all([p.acquire(), p.acquire()]);
    p.release(a); // the sweep starts: every 100 ms
    clock.advance(50);
    p.release(b);
    clock.advance(99); // b idle for 99 ms, a for 149
    expect(f.destroyed).toEqual([]);
    clock.advance(1 + 200); // b idle for 100 ms, plus two periods
    expect(new Set(f.destroyed)).toEqual(new Set([a, b]));
    expect(p.stats()).toMatchObject({ idle: 0, size: 0 });
  });

  it('health-checks idle resources every healthCheckInterval, even when the sweep runs more often', async () => {
    const clock = new FakeClock();
    let checks = 0;
    let acquiring = false;
    const p = clockedPool(
      {
        ...things(),
        idleTimeout: 100, // the sweep runs every 100 ms
        healthCheckInterval: 300,
        validate: () => {
          if (!acquiring) checks += 1;
          return true;
        },
      },
      clock,
    );
    p.release(await p.acquire());
    for (let i = 0; i < 10; i++) {
      clock.advance(100);
      acquiring = true;
      const a = await p.acquire(); // keeps it from idling out
      acquiring = false;
      p.release(a);
    }
    expect(checks).toBe(3); // at 300, 600 and 900 ms
  });

  it('runs no health check when healthCheckInterval is 0 or the factory has no validate', async () => {
    const clock = new FakeClock();
    let checks = 0;
    const f = things();
    const off = clockedPool(
      {
        ...f,
        idleTimeout: 500, // a sweep runs (every 500 ms, for idleTimeout) but checks nothing
        healthCheckInterval: 0,
        validate: () => {
          checks += 1;
          return true;
        },
      },
      clock,
    );
    off.release(await off.acquire());
    const none = clockedPool(
      { create: f.create, destroy: f.destroy, idleTimeout: 0, healthCheckInterval: 50 },
      clock,
    );
    const r = await none.acquire();
    none.release(r);
    clock.advance(600);
    expect(checks).toBe(0);
    expect(f.destroyed).toEqual([]);
    expect(off.stats().idle).toBe(1);
    expect(none.stats().idle).toBe(1);
  });

  it('runs one sweep timer while anything is idle, and none once nothing is', async () => {
    const clock = new FakeClock();
    const p = clockedPool({ ...things(), acquireTimeout: 0, healthCheckInterval: 50 }, clock);
    expect(clock.pending).toBe(0);
    const [a, b, c] = await Promise.all([p.acquire(), p.acquire(), p.acquire()]);
    p.release(a);
    p.release(b);
    p.release(c);
    expect(clock.pending).toBe(1);
    await Promise.all([p.acquire(), p.acquire(), p.acquire()]);
    clock.advance(50); // the sweep finds nothing idle and stops
    expect(clock.pending).toBe(0);
  });

  it('runs no sweep when idleTimeout, maxLifetime and healthCheckInterval are all 0', async () => {
    const clock = new FakeClock();
    const p = clockedPool(
      { ...things(), acquireTimeout: 0, idleTimeout: 0, maxLifetime: 0, healthCheckInterval: 0 },
      clock,
    );
    p.release(await p.acquire());
    expect(clock.pending).toBe(0);
    expect(p.stats().idle).toBe(1);
  });

  it('keeps no timer that holds the process open', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const p = pool({ ...things(), maxActive: 1, acquireTimeout: 60_000, healthCheckInterval: 50 });
    const a = await p.acquire();
    const waiting = p.acquire(); // arms the acquire timer
    expect(timers()).toBe(before);
    p.release(a);
    p.release(await waiting); // parks it idle: starts the sweep
    expect(timers()).toBe(before);
  });
});

describe('destroy', () => {
  it('frees the place of a broken resource so a waiter gets a new one', async () => {
    const f = things();
    const p = pool({ ...f, maxActive: 1 });
    const a = await p.acquire();
    const waiting = p.acquire();
    await p.destroy(a);
    const b = await waiting;
    expect(b).not.toBe(a);
    expect(f.destroyed).toEqual([a]);
    expect(p.stats()).toMatchObject({ size: 1, active: 1, destroyed: 1 });
  });

  it('ignores a resource it no longer tracks, and destroys an idle one', async () => {
    const f = things();
    const p = pool(f);
    const a = await p.acquire();
    await p.destroy(a);
    await p.destroy(a);
    expect(f.destroyed).toEqual([a]);
    const b = await p.acquire();
    p.release(b);
    await p.destroy(b);
    expect(p.stats()).toMatchObject({ idle: 0, size: 0, destroyed: 2 });
  });

  it('ignores a destroy that throws: the place is freed and counted', async () => {
    let made = 0;
    const p = pool({
      create: (): Thing => ({ id: ++made, broken: false }),
      destroy: () => {
        throw new Error('destroy failed');
      },
      maxActive: 1,
    });
    const a = await p.acquire();
    const waiting = p.acquire();
    await expect(p.destroy(a)).resolves.toBeUndefined();
    expect(await waiting).toEqual({ id: 2, broken: false });
    expect(p.stats()).toMatchObject({ destroyed: 1, size: 1, active: 1 });
  });

  it('takes any value a synchronous destroy returns, null included, as done', async () => {
    for (const value of [null, undefined, 0, 'done', {}]) {
      const p = pool({ create: (): Thing => ({ id: 1, broken: false }), destroy: () => value });
      const a = await p.acquire();
      await expect(p.destroy(a)).resolves.toBeUndefined();
      await p.close();
      expect(p.stats()).toMatchObject({ destroyed: 1, size: 0 });
    }
  });

  it('waits for an asynchronous destroy and ignores its failure', async () => {
    const gate = deferred();
    const p = pool({
      create: (): Thing => ({ id: 1, broken: false }),
      destroy: async () => {
        await gate.promise;
        throw new Error('destroy failed');
      },
    });
    const a = await p.acquire();
    let done = false;
    const destroying = p.destroy(a).then(() => {
      done = true;
    });
    await tick();
    expect(done).toBe(false);
    gate.resolve();
    await destroying;
    expect(done).toBe(true);
  });
});

describe('close', () => {
  it('rejects pending acquires with PoolClosedError, then waits for held resources', async () => {
    const f = things();
    const p = createPool({ ...f, maxActive: 2 });
    const [a, b] = await Promise.all([p.acquire(), p.acquire()]);
    const waiting = settle(p.acquire({ signal: new AbortController().signal }));
    const waiting2 = settle(p.acquire());
    const closing = p.close();
    expect((await waiting).error).toBeInstanceOf(PoolClosedError);
    expect((await waiting2).error).toMatchObject({ code: 'RERPC_ERR_POOL_CLOSED' });
    expect(p.stats()).toMatchObject({ pending: 0, active: 2, closed: true });
    p.release(a);
    p.release(b);
    await closing;
    expect(f.live.size).toBe(0);
    expect(p.stats()).toMatchObject({ size: 0, destroyed: 2 });
  });

  it('destroys idle resources as soon as close is called', async () => {
    const f = things();
    const p = createPool(f);
    const a = await p.acquire();
    p.release(a);
    const closing = p.close();
    expect(f.destroyed).toEqual([a]);
    await closing;
  });

  it('destroys held resources when they are released and resolves then', async () => {
    const f = things();
    const p = createPool(f);
    const [a, b] = await Promise.all([p.acquire(), p.acquire()]);
    p.release(b);
    let closed = false;
    const closing = p.close().then(() => {
      closed = true;
    });
    expect(f.destroyed).toEqual([b]);
    await tick();
    expect(closed).toBe(false);
    p.release(a);
    await closing;
    expect(f.destroyed).toEqual([b, a]);
    expect(p.stats()).toMatchObject({ size: 0, closed: true });
  });

  it('resolves only once an asynchronous destroy of an idle resource finished', async () => {
    const gate = deferred();
    const destroyed: Thing[] = [];
    const p = pool({
      create: (): Thing => ({ id: 1, broken: false }),
      destroy: async (t: Thing) => {
        await gate.promise;
        destroyed.push(t);
      },
    });
    const a = await p.acquire();
    p.release(a);
    let closed = false;
    const closing = p.close().then(() => {
      closed = true;
    });
    await tick();
    expect(closed).toBe(false);
    expect(p.stats()).toMatchObject({ idle: 0, size: 0, destroyed: 1 });
    gate.resolve();
    await closing;
    expect(destroyed).toEqual([a]);
  });

  it('rejects an acquire waiting on an async validation and destroys the resource when it ends', async () => {
    const f = things();
    const answer = deferred<boolean>();
    const p = createPool({ ...f, validate: () => answer.promise });
    const a = await p.acquire();
    p.release(a);
    const acquiring = settle(p.acquire());
    let closed = false;
    const closing = p.close().then(() => {
      closed = true;
    });
    expect((await acquiring).error).toBeInstanceOf(PoolClosedError);
    await tick();
    expect(closed).toBe(false); // the validation is still out
    expect(f.destroyed).toEqual([]);
    answer.resolve(true);
    await closing;
    expect(f.destroyed).toEqual([a]);
    expect(p.stats()).toMatchObject({ validating: 0, size: 0, idle: 0 });
  });

  it('cancels the wait and sweep timers, and says why a waiting acquire failed', async () => {
    const clock = new FakeClock();
    const p = clockedPool({ ...things(), maxActive: 2, acquireTimeout: 1000 }, clock);
    const [a] = await Promise.all([p.acquire(), p.acquire()]);
    p.release(a); // parked: the sweep timer starts
    expect(await p.acquire()).toBe(a); // the sweep timer stays until a sweep finds nothing idle
    const queued = settle(p.acquire()); // waits: the wait timer runs
    expect(clock.pending).toBe(2);
    const closing = p.close({ timeout: 0 });
    expect(clock.pending).toBe(0);
    const { error } = await queued;
    expect((error as Error).message).toBe(
      'The pool was closed while this acquire was waiting; acquire before close(), or create a new pool',
    );
    await closing;
  });

  it('resolves once a create in flight fails after its signal aborted', async () => {
    const p = createPool({
      create: (signal: AbortSignal) =>
        new Promise<Thing>((_, reject) => {
          signal.addEventListener('abort', () => queueMicrotask(() => reject(signal.reason)));
        }),
      destroy: () => {},
    });
    const acquiring = settle(p.acquire());
    await p.close();
    expect((await acquiring).error).toBeInstanceOf(PoolClosedError);
    expect(p.stats()).toMatchObject({ creating: 0, size: 0, createErrors: 0 });
  });

  it('resolves when the last held resource is destroyed instead of released', async () => {
    const f = things();
    const p = createPool(f);
    const a = await p.acquire();
    const closing = p.close();
    await p.destroy(a);
    await closing;
    expect(f.destroyed).toEqual([a]);
    expect(p.stats()).toMatchObject({ active: 0, size: 0 });
  });

  it('is idempotent: a second close returns the same promise', async () => {
    const p = createPool(things());
    const first = p.close();
    expect(p.close()).toBe(first);
    expect(p[Symbol.asyncDispose]()).toBe(first);
    await first;
  });

  it('rejects acquire with PoolClosedError afterwards, and release never throws', async () => {
    const p = createPool(things());
    const a = await p.acquire();
    const closing = p.close();
    expect((await settle(p.acquire())).error).toBeInstanceOf(PoolClosedError);
    p.release(a);
    expect(() => p.release(a)).not.toThrow();
    expect(() => p.release({ id: 7, broken: false })).not.toThrow();
    await closing;
  });

  it.each([
    ['close', 20],
    ['close', 0],
    ['drain', 20],
  ] as const)(
    '%s({ timeout: %i }) destroys resources still held once it passes',
    async (method, timeout) => {
      const f = things();
      const clock = new FakeClock();
      const p = clockedPool(f, clock);
      const a = await p.acquire();
      const closing = p[method]({ timeout });
      clock.advance(timeout);
      await closing;
      expect(f.destroyed).toEqual([a]);
      expect(() => p.release(a)).not.toThrow();
      expect(f.destroyed).toEqual([a]);
    },
  );

  it('past its timeout, counts nothing still held or being validated', async () => {
    const f = things();
    const clock = new FakeClock();
    const answer = deferred<boolean>();
    const p = clockedPool({ ...f, validate: () => answer.promise }, clock);
    const [a, b] = await Promise.all([p.acquire(), p.acquire()]);
    p.release(b);
    const validating = settle(p.acquire()); // b is being validated for it
    expect(p.stats()).toMatchObject({ active: 1, validating: 1 });
    const closing = p.close({ timeout: 10 });
    expect((await validating).error).toBeInstanceOf(PoolClosedError);
    clock.advance(10);
    await closing;
    expect(new Set(f.destroyed)).toEqual(new Set([a, b]));
    expect(p.stats()).toMatchObject({ active: 0, validating: 0, size: 0, destroyed: 2 });
    answer.resolve(true); // the late answer changes nothing
    await tick();
    expect(p.stats()).toMatchObject({ active: 0, validating: 0, size: 0, destroyed: 2 });
  });

  it.each(['close', 'drain'] as const)(
    '%s() without a timeout waits the closeTimeout option, then destroys what is held',
    async (method) => {
      const f = things();
      const clock = new FakeClock();
      const p = clockedPool({ ...f, closeTimeout: 50 }, clock);
      const a = await p.acquire();
      const closing = p[method]();
      clock.advance(49);
      expect(f.destroyed).toEqual([]);
      clock.advance(1);
      await closing;
      expect(f.destroyed).toEqual([a]);
    },
  );

  it('aborts creates in flight and leaks nothing they make', async () => {
    const f = stubborn();
    const p = createPool(f);
    const acquiring = settle(p.acquire());
    let closed = false;
    const closing = p.close().then(() => {
      closed = true;
    });
    expect((await acquiring).error).toBeInstanceOf(PoolClosedError);
    expect(f.signal?.reason).toBeInstanceOf(PoolClosedError);
    await tick();
    expect(closed).toBe(false); // it waits for the create it could not stop
    const late = { id: 1, broken: false };
    f.gate.resolve(late);
    await closing;
    expect(f.destroyed).toEqual([late]);
  });

  it('rejects an invalid timeout without closing', async () => {
    const p = pool(things());
    await expect(p.close({ timeout: -1 })).rejects.toThrow(
      'timeout must be an integer number of milliseconds from 0 to 2147483647, or Infinity to wait forever, got -1',
    );
    expect(p.stats().closed).toBe(false);
  });

  it('works with await using', async () => {
    const f = things();
    let a: Thing;
    {
      const p = createPool(f);
      a = await p.acquire();
      p.release(a);
      await p[Symbol.asyncDispose]();
    }
    expect(f.destroyed).toEqual([a]);
  });
});

describe('drain', () => {
  it('serves queued acquires, refuses new ones, then closes once everything is released', async () => {
    const f = things();
    const p = createPool({ ...f, maxActive: 2 });
    const [a, b] = await Promise.all([p.acquire(), p.acquire()]);
    const queued = p.acquire();
    let drained = false;
    const draining = p.drain().then(() => {
      drained = true;
    });
    expect(p.drain()).toBe(p.drain());
    expect((await settle(p.acquire())).error).toBeInstanceOf(PoolClosedError);
    p.release(a);
    const c = await queued;
    expect(c).toBe(a);
    p.release(b);
    await tick();
    expect(drained).toBe(false);
    p.release(c);
    await draining;
    expect(f.live.size).toBe(0);
    expect(p.stats()).toMatchObject({ size: 0, pending: 0, closed: true });
  });

  it('after close() returns the close’s promise; before it, resolves with the close it leads to', async () => {
    const closedFirst = createPool(things());
    const closing = closedFirst.close();
    expect(closedFirst.drain()).toBe(closing);
    await closing;
    const clock = new FakeClock();
    const p = clockedPool(things(), clock);
    const a = await p.acquire();
    const timers = clock.pending;
    const draining = p.drain({ timeout: Infinity });
    expect(clock.pending).toBe(timers); // no drain timer: it waits as long as it takes
    expect(p.close()).not.toBe(draining);
    let drained = false;
    void draining.then(() => {
      drained = true;
    });
    await tick();
    expect(drained).toBe(false);
    p.release(a);
    await draining;
    expect(p.stats()).toMatchObject({ size: 0, closed: true });
  });

  it('closes once the last held resource is destroyed, or the last waiter gives up', async () => {
    const f = things();
    const p = createPool({ ...f, maxActive: 1 });
    const a = await p.acquire();
    const draining = p.drain();
    await p.destroy(a);
    await draining;
    expect(p.stats()).toMatchObject({ size: 0, closed: true });
    const q = createPool({ ...things(), maxActive: 1, acquireTimeout: 0 });
    const b = await q.acquire();
    const controller = new AbortController();
    const waiting = settle(q.acquire({ signal: controller.signal }));
    const drainingQ = q.drain();
    controller.abort();
    expect((await waiting).error).toBeInstanceOf(AbortError);
    q.release(b);
    await drainingQ;
    expect(q.stats()).toMatchObject({ size: 0, pending: 0 });
  });

  it('leaves no timer behind once closed: neither the drain’s nor the close’s', async () => {
    const clock = new FakeClock();
    const p = clockedPool({ ...things(), acquireTimeout: 0, healthCheckInterval: 0 }, clock);
    const a = await p.acquire();
    const draining = p.drain({ timeout: 100 });
    const closing = p.close({ timeout: 200 });
    expect(clock.pending).toBe(1); // the close's: the drain's is gone
    p.release(a);
    await Promise.all([draining, closing]);
    expect(clock.pending).toBe(0);
  });

  it('lets an acquire whose create is in flight finish, then closes', async () => {
    const gate = deferred<Thing>();
    const destroyed: Thing[] = [];
    const p = createPool({
      create: () => gate.promise,
      destroy: (t: Thing) => void destroyed.push(t),
    });
    const acquiring = p.acquire();
    const draining = p.drain();
    const a = { id: 1, broken: false };
    gate.resolve(a);
    expect(await acquiring).toBe(a);
    p.release(a);
    await draining;
    expect(destroyed).toEqual([a]);
  });

  it('closes once the create of the last waiter fails', async () => {
    const gate = deferred<Thing>();
    const p = createPool({ create: () => gate.promise, destroy: () => {} });
    const acquiring = settle(p.acquire());
    const draining = p.drain();
    gate.reject(new Error('down'));
    expect((await acquiring).error).toBeInstanceOf(DialError);
    await draining;
    expect(p.stats()).toMatchObject({ size: 0, pending: 0, createErrors: 1 });
  });

  it('ends with close() when close is called meanwhile', async () => {
    const p = createPool(things());
    const a = await p.acquire();
    const draining = p.drain();
    const closing = p.close();
    p.release(a);
    await Promise.all([draining, closing]);
    expect(p.stats().size).toBe(0);
  });
});
