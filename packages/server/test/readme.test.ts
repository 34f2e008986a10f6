// The README's Peers, Cancellation, Hooks and Discovery examples are
// test/fixtures/readme-*-example.ts (type-checked by `pnpm typecheck`), word for word but for the
// import path; this test holds them together and runs them.
import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The ```ts block after `heading` (the first, or the one after `skip` others). */
function block(heading: string, skip = 0): string {
  const start = readme.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  let open = readme.indexOf('```ts\n', start);
  for (let i = 0; i < skip; i++) open = readme.indexOf('```ts\n', open + 6);
  return readme.slice(open + 6, readme.indexOf('```\n', open + 6));
}

/** The fixture's text as the README shows it (importing the published name). */
function fixture(name: string): string {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  return text.replace("from '../../src/index.js'", "from '@rerpc/server'");
}

/** console.log's calls while `run` runs, once `count` were made. */
async function logged(count: number, run: () => Promise<unknown>): Promise<unknown[][]> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  onTestFinished(() => log.mockRestore());
  await run();
  await vi.waitUntil(() => log.mock.calls.length === count, { timeout: 10_000, interval: 5 });
  return log.mock.calls;
}

describe('README', () => {
  it('shows the peers and subscription example word for word, and it runs as its comment says', async () => {
    const fixture = readFileSync(
      new URL('./fixtures/readme-peers-example.ts', import.meta.url),
      'utf8',
    );
    expect(block('## Peers: calling the client back')).toBe(
      fixture.replace("from '../../src/index.js'", "from '@rerpc/server'"),
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    onTestFinished(() => log.mockRestore());
    await import('./fixtures/readme-peers-example.js');
    await vi.waitUntil(() => log.mock.calls.length === 5, { timeout: 10_000, interval: 5 });
    expect(log.mock.calls).toEqual([
      ['0x1'],
      [{ subscription: '0x1', result: 1 }],
      [{ subscription: '0x1', result: 2 }],
      [{ text: 'greeted ada' }],
      ['hello ada'],
    ]);
  });

  it('shows a cancellation that runs: the call is answered -32800 at once', async () => {
    expect(block('## Cancellation', 1)).toBe(fixture('readme-cancel-example.ts'));
    const calls = await logged(1, () => import('./fixtures/readme-cancel-example.js'));
    expect(calls).toEqual([
      [{ jsonrpc: '2.0', error: { code: -32800, message: 'Request cancelled' }, id: 1 }],
    ]);
  });

  it('shows hooks that run: onConnection refuses or attaches a user, middleware guards and times', async () => {
    expect(block('## Hooks: onConnection and middleware')).toBe(fixture('readme-hooks-example.ts'));
    const calls = await logged(4, () => import('./fixtures/readme-hooks-example.js'));
    expect(calls).toHaveLength(4);
    expect(calls).toContainEqual(['refused', 1008]);
    expect(calls).toContainEqual(['whoami', 'took', expect.any(Number), 'ms']);
    // Two calls in flight at once: their answers may come in either order.
    const answers = calls
      .filter((c) => typeof c[0] === 'object')
      .sort((a, b) => (a[0] as { id: number }).id - (b[0] as { id: number }).id);
    expect(answers).toEqual([
      [{ jsonrpc: '2.0', result: 'ada', id: 1 }],
      [{ jsonrpc: '2.0', error: { code: -32010, message: 'Forbidden' }, id: 2 }],
    ]);
  });

  it('shows a discovery example that runs: rpc.discover lists the method with its summary', async () => {
    expect(block('## Discovery (OpenRPC)')).toBe(fixture('readme-discover-example.ts'));
    const calls = await logged(1, () => import('./fixtures/readme-discover-example.js'));
    expect(calls).toEqual([[['add: a + b']]]);
  });
});
