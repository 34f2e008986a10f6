// One AbortSignal shared by many calls, end to end against the real @rerpc/server on loopback.
import { getEventListeners } from 'node:events';
import { createServer } from '@rerpc/server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AbortError, type Client } from '../src/index.js';
import { until } from './fixtures/raw-server.js';
import { connect, rejection } from './helpers.js';

/** `Hold` answers only once `open()` is called; calls after that answer at once. */
class HoldService {
  held = 0;
  private opened: Promise<void>;
  private release: () => void = () => {};

  constructor() {
    this.opened = new Promise<void>((resolve) => {
      this.release = resolve;
    });
  }

  async Hold(args: { n: number }): Promise<{ n: number }> {
    this.held += 1;
    await this.opened;
    return { n: args.n };
  }

  Add(args: { a: number; b: number }): { result: number } {
    return { result: args.a + args.b };
  }

  _open(): void {
    this.release();
  }
}

async function serve(): Promise<{ hold: HoldService; client: Client }> {
  const server = createServer();
  const hold = new HoldService();
  server.register(hold, { name: 'HoldService' });
  const address = (await server.listen({ port: 0, host: '127.0.0.1' })) as { port: number };
  onTestFinished(() => server.close({ timeout: 0 }));
  const client = connect(address.port);
  return { hold, client };
}

/** Collects the process warnings named `name` until the test finishes. */
function collectWarnings(name: string): Error[] {
  const seen: Error[] = [];
  const listener = (warning: Error): void => {
    if (warning.name === name) seen.push(warning);
  };
  process.on('warning', listener);
  onTestFinished(() => {
    process.off('warning', listener);
  });
  return seen;
}

describe('a signal shared by many calls', () => {
  it('1,000 calls on one signal: no MaxListeners warning, all reject with AbortError on abort, the connection stays usable', async () => {
    const warnings = collectWarnings('MaxListenersExceededWarning');
    const { client, hold } = await serve();
    const controller = new AbortController();
    const signal = controller.signal;
    const calls = Array.from({ length: 1000 }, (_, n) =>
      rejection<AbortError>(client.call('HoldService.Hold', { n }, { signal })),
    );
    const other = new AbortController();
    const unaffected = [
      client.call('HoldService.Hold', { n: -1 }, { signal: other.signal }),
      client.call('HoldService.Hold', { n: -2 }),
    ];
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    // Some are running on the server (how many at once is the server's per-connection share).
    await until(() => hold.held >= 10);

    const reason = new Error('cancel the group');
    controller.abort(reason);
    // Rejected synchronously by the abort: only the two other calls are left.
    expect(client.stats().pending).toBe(2);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    for (const error of await Promise.all(calls)) {
      expect(error).toBeInstanceOf(AbortError);
      expect(error.cause).toBe(reason);
    }
    expect(client.stats().errors.aborted).toBe(1000);

    hold._open();
    await expect(Promise.all(unaffected)).resolves.toEqual([{ n: -1 }, { n: -2 }]);
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
    // Every aborted call's answer still arrives, and is dropped: its pending entry was removed.
    await until(() => client.stats().dropped === 1000);
    await expect(client.call('HoldService.Add', { a: 1, b: 2 })).resolves.toEqual({ result: 3 });
    expect(client.stats()).toMatchObject({ pending: 0, dropped: 1000 });
    expect(warnings).toEqual([]);
  });

  it('leaves no abort listener behind when the calls sharing a signal all settle normally', async () => {
    const warnings = collectWarnings('MaxListenersExceededWarning');
    const { client } = await serve();
    const controller = new AbortController();
    const signal = controller.signal;
    const calls = Array.from({ length: 100 }, (_, i) =>
      client.call<{ result: number }>('HoldService.Add', { a: i, b: 1 }, { signal }),
    );
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    const results = await Promise.all(calls);
    expect(results.every((r, i) => r.result === i + 1)).toBe(true);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    // The signal can be reused for a later group, and aborting it now touches nothing.
    await expect(client.call('HoldService.Add', { a: 2, b: 2 }, { signal })).resolves.toEqual({
      result: 4,
    });
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    controller.abort();
    expect(client.stats().errors.aborted).toBe(0);
    expect(warnings).toEqual([]);
  });
});
