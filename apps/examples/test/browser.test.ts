import { describe, expect, it } from 'vitest';
import { bundlePage, CHROMIUM, hasChromium, openPage, serveFiles } from './browser-helpers.js';
import { start } from './spec-process.js';

// @rerpc/client/browser in real headless Chromium (Debian's package, driven by playwright-core),
// against the spec server over HTTP (CORS) and WebSocket.

if (!hasChromium) {
  console.warn(
    `browser.test.ts SKIPPED: no Chromium at ${CHROMIUM}. Install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH.`,
  );
}

const PAGE = '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>';

const ok = (value: unknown) => ({ ok: true, value });

describe.skipIf(!hasChromium)('@rerpc/client/browser in Chromium', () => {
  it('calls, batches, notifies, fails with data, times out, aborts and subscribes over HTTP and WebSocket, and reconnects after the server restarts', async () => {
    const script = await bundlePage(new URL('./browser/page.ts', import.meta.url));
    const origin = await serveFiles({
      '/': ['text/html', PAGE],
      '/page.js': ['text/javascript', script],
    });
    let server = await start('--transport', 'http', '--cors', origin);
    const http = `http://127.0.0.1:${server.port}/`;
    const ws = `ws://127.0.0.1:${server.port}/`;
    const { page, errors } = await openPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'rerpcPage' in globalThis, null, { timeout: 10_000 });
    type PageApi = {
      run(url: string): Promise<Record<string, unknown>>;
      again(url: string): Promise<unknown>;
      follow(url: string): void;
      followed: number[];
      followEnd: { outcome: unknown };
    };
    const run = (url: string) =>
      page.evaluate((u) => (globalThis as unknown as { rerpcPage: PageApi }).rerpcPage.run(u), url);
    const again = (url: string) =>
      page.evaluate(
        (u) => (globalThis as unknown as { rerpcPage: PageApi }).rerpcPage.again(u),
        url,
      );

    for (const url of [http, ws]) {
      const r = await run(url);
      expect(r['call'], url).toEqual(ok(19));
      expect(r['proxy'], url).toEqual(ok({ result: 5 })); // Go rerpc's shape
      expect(r['batch'], url).toEqual(
        ok([ok(7), null, ok(19), { ok: false, code: -32601, rpc: true }]),
      );
      expect(r['notify'], url).toEqual({ ok: true });
      expect(r['errorWithData'], url).toMatchObject({
        ok: false,
        name: 'RpcError',
        rpc: true,
        code: 1001,
        message: 'Division by zero',
        data: { dividend: 1 },
      });
      expect(r['timeout'], url).toMatchObject({ ok: false, code: 'RERPC_ERR_TIMEOUT' });
      expect(r['abort'], url).toMatchObject({ ok: false, code: 'RERPC_ERR_ABORTED' });
      if (url === ws) expect(r['subscription']).toEqual([5, 6, 7]);
      else expect(r['subscription']).toMatchObject({ ok: false, code: 'RERPC_ERR_INVALID_OPTION' });
      expect(r['afterAll'], url).toEqual(ok(7));
      expect(r['pending'], url).toBe(0);
    }

    // A subscription with resubscribe is running when the server restarts on the same port.
    await page.evaluate(
      (u) => (globalThis as unknown as { rerpcPage: PageApi }).rerpcPage.follow(u),
      ws,
    );
    await page.waitForFunction(
      () => (globalThis as unknown as { rerpcPage: PageApi }).rerpcPage.followed.length >= 2,
    );
    // The server restarts on the same port: the page's clients (its WebSocket lost) call again.
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    server = await start('--transport', 'http', '--cors', origin, '--port', String(server.port));
    expect(await again(http)).toEqual(ok(99));
    expect(await again(ws)).toEqual(ok(99));
    // The subscription came back on the new server: its events start again from 100 (or it
    // ended, which fails the test with how).
    await page.waitForFunction(
      () => {
        const p = (globalThis as unknown as { rerpcPage: PageApi }).rerpcPage;
        return p.followed.lastIndexOf(100) > 0 || p.followEnd.outcome !== null;
      },
      null,
      { timeout: 90_000 },
    );
    const end = await page.evaluate(
      () => (globalThis as unknown as { rerpcPage: PageApi }).rerpcPage.followEnd.outcome,
    );
    expect(end).toBeNull();
    expect(errors).toEqual([]);
  }, 180_000);
});
