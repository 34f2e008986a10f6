import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, openPage } from './browser-helpers.js';
import { startScript } from './spec-process.js';

// The live dashboard (`pnpm dashboard`) in headless Chromium: stats arrive over the page's
// subscription, the form calls a method the server lists, and a screenshot is taken. With
// RERPC_SCREENSHOT=update it replaces the README's (docs/dashboard.png).

const script = fileURLToPath(new URL('../dist/dashboard.js', import.meta.url));
const committed = fileURLToPath(new URL('../docs/dashboard.png', import.meta.url));

if (!hasChromium) {
  console.warn(
    `dashboard.test.ts SKIPPED: no Chromium at ${CHROMIUM}. Install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH.`,
  );
}

/** `node dist/dashboard.js --port 0`, once it printed its URL. */
async function startDashboard(): Promise<{ child: ChildProcess; url: string }> {
  const { child, match } = await startScript(
    script,
    ['--port', '0'],
    /^dashboard (http:\/\/127\.0\.0\.1:\d+\/)\n/,
  );
  return { child, url: match[1]! };
}

describe.skipIf(!hasChromium)('dashboard', () => {
  it('shows live stats over a subscription, calls a listed method from the form, and is screenshotted', async () => {
    const { child, url } = await startDashboard();
    const { page, errors } = await openPage();
    await page.setViewportSize({ width: 1100, height: 480 });
    await page.goto(url);
    // Stats arrived (every 500 ms) and the load moved them; the chart has a few points.
    await page.waitForFunction(
      () => {
        const doc = (
          globalThis as unknown as {
            document: {
              getElementById(id: string): {
                textContent: string;
                getAttribute(n: string): string | null;
              };
            };
          }
        ).document;
        const points = doc.getElementById('line').getAttribute('points') ?? '';
        return (
          doc.getElementById('state').textContent === 'live' &&
          Number(doc.getElementById('total').textContent) > 0 &&
          points.split(' ').length >= 4
        );
      },
      null,
      { timeout: 15_000 },
    );
    expect(await page.textContent('#conns')).toMatch(/^\d+$/);
    expect(await page.textContent('#errors')).toMatch(/-32601/); // the load calls a missing method
    const options = await page.$$eval('#method option', (list) =>
      list.map((o) => (o as unknown as { textContent: string }).textContent),
    );
    expect(options).toEqual(expect.arrayContaining(['ArithService.Add', 'echo', 'sleep']));
    await page.selectOption('#method', 'ArithService.Add');
    await page.fill('#params', '{"a": 1, "b": 2}');
    await page.click('button[type=submit]');
    await page.waitForFunction(() =>
      (
        globalThis as unknown as {
          document: { getElementById(id: string): { textContent: string } };
        }
      ).document
        .getElementById('result')
        .textContent.includes('→'),
    );
    expect(await page.textContent('#result')).toBe('ArithService.Add → {\n "result": 3\n}');

    const png = await page.screenshot();
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const target =
      process.env['RERPC_SCREENSHOT'] === 'update'
        ? committed
        : join(mkdtempSync(join(tmpdir(), 'rerpc-dashboard-')), 'dashboard.png');
    writeFileSync(target, png);
    expect(errors).toEqual([]);

    await page.close(); // its WebSocket ends, so the server closes without waiting for it
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 60_000);
});
