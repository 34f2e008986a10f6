// The real clock the pools run on (tests elsewhere inject a fake one).
import { describe, expect, it } from 'vitest';
import { realClock } from '../src/clock.js';

describe('realClock', () => {
  it('cancels a scheduled callback, one-shot or repeating', async () => {
    const calls: string[] = [];
    const once = realClock.schedule(() => calls.push('once'), 1, false);
    const every = realClock.schedule(() => calls.push('every'), 1, true);
    realClock.cancel(once);
    realClock.cancel(every);
    // Node runs timers of one duration in the order they were set: these come after the two above.
    await new Promise((resolve) => setTimeout(resolve, 1));
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(calls).toEqual([]);
  });

  it('runs a callback, and again and again when repeating, without keeping the process alive', async () => {
    const fired: string[] = [];
    const done = new Promise<void>((resolve) => {
      const handle = realClock.schedule(
        () => {
          fired.push('tick');
          if (fired.length === 3) {
            realClock.cancel(handle);
            resolve();
          }
        },
        1,
        true,
      );
      expect((handle as NodeJS.Timeout).hasRef()).toBe(false);
    });
    await done;
    expect(fired).toEqual(['tick', 'tick', 'tick']);
  });
});
