// The page of browser.test.ts, bundled by esbuild from @rerpc/client/browser: it calls the spec
// server over HTTP and WebSocket and reports what each step gave, for the test to read back.
import { type Client, createClient, RpcError } from '@rerpc/client/browser';

/** What a step settled with: its value, or the error's name, code and (RpcError) data. */
type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; name: string; code: unknown; message: string; data?: unknown; rpc: boolean };

async function outcome(promise: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    const e = error as Error & { code?: unknown; data?: unknown };
    return {
      ok: false,
      name: e.name,
      code: e.code,
      message: e.message,
      data: e.data,
      rpc: error instanceof RpcError,
    };
  }
}

const clients = new Map<string, Client>();

function client(url: string): Client {
  let c = clients.get(url);
  if (c === undefined) {
    // cancelMethod: a timed-out or aborted call stops its handler on the server (over WebSocket;
    // over HTTP the aborted POST does).
    c = createClient(url, { timeout: 5_000, maxRetries: 0, cancelMethod: '$/cancelRequest' });
    clients.set(url, c);
  }
  return c;
}

/** Every step against `url` (`http://…` or `ws://…`), in order. */
async function run(url: string): Promise<Record<string, unknown>> {
  const c = client(url);
  const results: Record<string, unknown> = {};
  results['call'] = await outcome(c.call('subtract', [42, 23]));
  results['proxy'] = await outcome(
    c.service<{ Add(p: { a: number; b: number }): number }>('ArithService').Add({ a: 2, b: 3 }),
  );
  results['batch'] = await outcome(
    c
      .batch([
        { method: 'sum', params: [1, 2, 4] },
        { method: 'notify_hello', params: [7], notify: true },
        { method: 'subtract', params: [42, 23] },
        { method: 'no_such_method' },
      ])
      .then((items) =>
        // Plain data for the test: undefined for the notification, an error's code and class.
        items.map((item) =>
          item === undefined
            ? null
            : item.ok
              ? item
              : { ok: false, code: item.error.code, rpc: item.error instanceof RpcError },
        ),
      ),
  );
  results['notify'] = await outcome(c.notify('notify_hello', [7]));
  results['errorWithData'] = await outcome(
    c.call('fail', { code: 1001, message: 'Division by zero', data: { dividend: 1 } }),
  );
  results['timeout'] = await outcome(c.call('sleep', { ms: 60_000 }, { timeout: 200 }));
  const controller = new AbortController();
  const aborted = outcome(c.call('sleep', { ms: 60_000 }, { signal: controller.signal }));
  setTimeout(() => controller.abort(new Error('the user left')), 50);
  results['abort'] = await aborted;
  if (url.startsWith('ws')) {
    const events: number[] = [];
    for await (const n of c.subscribe<number>('ticks', { from: 5 })) {
      events.push(n);
      if (events.length === 3) break;
    }
    results['subscription'] = events;
  } else {
    results['subscription'] = await outcome(Promise.resolve().then(() => c.subscribe('ticks')));
  }
  results['afterAll'] = await outcome(c.call('subtract', [10, 3]));
  results['pending'] = c.stats().pending;
  return results;
}

/** Events of the subscription `follow()` keeps, in arrival order. */
const followed: number[] = [];
/** How that subscription ended, if it did (it should not: the test reads this to say why). */
const followEnd: { outcome: Outcome | null } = { outcome: null };

/**
 * Subscribes to `ticks` from 100 with `resubscribe`, in the background: after a lost connection
 * the client subscribes again (from 100 again) on a new one, retrying the dial (within its
 * timeout, long enough for a busy machine to restart the server) while the server is away.
 */
function follow(url: string): void {
  const c = createClient(url, { timeout: 60_000, maxRetries: 1_000, maxRetryDelay: 250 });
  followEnd.outcome = null;
  void outcome(
    (async () => {
      for await (const n of c.subscribe<number>('ticks', { from: 100 }, { resubscribe: true })) {
        followed.push(n);
      }
      return 'ended';
    })(),
  ).then((o) => {
    followEnd.outcome = o;
  });
}

/** One call on the client made for `url` before (after the server restarted, for instance). */
function again(url: string): Promise<Outcome> {
  return outcome(client(url).call('subtract', [100, 1]));
}

(globalThis as Record<string, unknown>)['rerpcPage'] = { run, again, follow, followed, followEnd };
