// The tracker of unsettled calls and their timers is internal; it is tested directly because
// which timers keep the process alive can only be read synchronously (a socket's await lets other
// timers come and go), and its timers are driven here by a fake clock.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Call, type CallHost, SINGLE } from '../src/call.js';
import { Deadlines, TICK_MS } from '../src/deadlines.js';
import { CallSettings } from '../src/request.js';

/** Timers keeping the process alive (an unref'd one is not listed). */
function refTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

function recorder() {
  const events: string[] = [];
  const host: CallHost = {
    expire: (call) => events.push(`expire ${call.id}`),
    retry: (call) => events.push(`retry ${call.id}`),
    send: () => events.push('send'),
    unreachable: () => events.push('unreachable'),
  };
  return { host, events };
}

function makeCall(host: CallHost, id: number, timeout: number, start = 0): Call {
  const settings = new CallSettings();
  settings.timeout = timeout;
  return new Call(host, SINGLE, `m${id}`, '{}', id, settings, start, null);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Deadlines', () => {
  it("keeps one ref'd timer exactly while a call is tracked; a sub-second timeout's own timer is unref'd", () => {
    const { host } = recorder();
    const deadlines = new Deadlines(() => {});
    const before = refTimers();
    const a = makeCall(host, 1, 0);
    deadlines.add(a);
    expect(refTimers()).toBe(before + 1);
    const b = makeCall(host, 2, 500);
    deadlines.add(b);
    expect(b.timer).not.toBeNull();
    expect(refTimers()).toBe(before + 1);
    deadlines.remove(a);
    expect(refTimers()).toBe(before + 1);
    deadlines.remove(b);
    expect(b.timer).toBeNull();
    expect(refTimers()).toBe(before);
    // The next call refs the same timer again; stop() clears it.
    deadlines.add(a);
    expect(refTimers()).toBe(before + 1);
    deadlines.remove(a);
    deadlines.stop();
    expect(refTimers()).toBe(before);
    expect(deadlines.size).toBe(0);
  });

  it('gives a timeout under 1000 ms its own timer and leaves one of 1000 ms and more to the sweep', () => {
    vi.useFakeTimers();
    const { host, events } = recorder();
    const deadlines = new Deadlines(() => events.push('tick'));
    const short = makeCall(host, 1, 999);
    const long = makeCall(host, 2, 1000);
    const none = makeCall(host, 3, 0);
    for (const call of [short, long, none]) deadlines.add(call);
    expect([short.timer !== null, long.timer !== null, none.timer !== null]).toEqual([
      true,
      false,
      false,
    ]);
    vi.advanceTimersByTime(TICK_MS - 1);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(['tick']);
    vi.advanceTimersByTime(998 - TICK_MS);
    expect(events).toEqual(['tick', 'tick', 'tick']);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(['tick', 'tick', 'tick', 'expire 1']);
    for (const call of [short, long, none]) deadlines.remove(call);
    deadlines.stop();
    vi.advanceTimersByTime(10 * TICK_MS);
    expect(events).toHaveLength(4);
  });

  it('sweeps the calls whose deadline is at or before now, never one without a timeout', () => {
    const { host } = recorder();
    const deadlines = new Deadlines(() => {});
    const a = makeCall(host, 1, 1000, 100);
    const b = makeCall(host, 2, 2000, 100);
    const c = makeCall(host, 3, 0, 100);
    for (const call of [a, b, c]) deadlines.add(call);
    expect(deadlines.first()).toBe(a);
    expect(deadlines.sweep(1099)).toBeNull();
    expect(deadlines.sweep(1100)).toEqual([a]);
    expect(deadlines.sweep(2100)).toEqual([a, b]);
    expect(deadlines.sweep(1e12)).toEqual([a, b]);
    deadlines.remove(a);
    expect(deadlines.first()).toBe(b);
    for (const call of [b, c]) deadlines.remove(call);
    expect(deadlines.first()).toBeNull();
    expect(deadlines.sweep(1e12)).toBeNull();
    deadlines.stop();
  });

  it("ends a backoff with the host's retry, unless the call was removed first", () => {
    vi.useFakeTimers();
    const { host, events } = recorder();
    const deadlines = new Deadlines(() => {});
    const a = makeCall(host, 1, 0);
    const b = makeCall(host, 2, 0);
    deadlines.add(a);
    deadlines.add(b);
    deadlines.backoff(a, 40);
    deadlines.backoff(b, 40);
    vi.advanceTimersByTime(39);
    deadlines.remove(b);
    expect(b.backoff).toBeNull();
    vi.advanceTimersByTime(1);
    expect(events).toEqual(['retry 1']);
    expect(a.backoff).toBeNull();
    vi.advanceTimersByTime(1000);
    expect(events).toEqual(['retry 1']);
    deadlines.remove(a);
    deadlines.stop();
  });

  it('drained(): at once when empty or with timeout 0, on the last removal, or after its timeout', async () => {
    vi.useFakeTimers();
    const { host } = recorder();
    const deadlines = new Deadlines(() => {});
    await deadlines.drained(1000); // empty
    const a = makeCall(host, 1, 0);
    deadlines.add(a);
    await deadlines.drained(0);
    let done = false;
    const waiting = deadlines.drained(1000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    // Infinity sets no timer (Node would fire one past 2^31 - 1 ms after 1 ms): only the removal ends it.
    done = false;
    const forever = deadlines.drained(Number.POSITIVE_INFINITY).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(done).toBe(false);
    deadlines.remove(a);
    await forever;
    expect(done).toBe(true);
    // Ended by the last removal, it clears its own timer.
    deadlines.add(a);
    const timers = vi.getTimerCount();
    const early = deadlines.drained(1000);
    expect(vi.getTimerCount()).toBe(timers + 1);
    deadlines.remove(a);
    await early;
    expect(vi.getTimerCount()).toBe(timers);
    deadlines.stop();
  });

  it('runs one shared timer however often the calls come and go, until stop()', () => {
    vi.useFakeTimers();
    const { host } = recorder();
    const deadlines = new Deadlines(() => {});
    const a = makeCall(host, 1, 0);
    for (let i = 0; i < 3; i++) {
      deadlines.add(a);
      expect(vi.getTimerCount()).toBe(1);
      deadlines.remove(a);
    }
    deadlines.stop();
    expect(vi.getTimerCount()).toBe(0);
    deadlines.add(a);
    expect(vi.getTimerCount()).toBe(1);
    deadlines.remove(a);
    deadlines.stop();
  });
});
