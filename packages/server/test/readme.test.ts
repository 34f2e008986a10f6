// The README's Peers, Cancellation, Hooks and Discovery examples are
// test/fixtures/readme-*-example.ts (type-checked by `pnpm typecheck`), word for word but for the
// import path; this test holds them together and runs them.
import { readFileSync } from 'node:fs';
import { fixtureAsShown, logged, readmeBlock } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

const block = (heading: string, skip = 0): string => readmeBlock(readme, heading, skip);
// Stryker's sandbox (`pnpm mutation`) starts every file of test/ with `// @ts-nocheck`: dropped.
const fixture = (name: string): string =>
  fixtureAsShown(new URL(`./fixtures/${name}`, import.meta.url), '@rerpc/server').replace(
    /^\/\/ @ts-nocheck\n/,
    '',
  );

describe('README', () => {
  it('shows the peers and subscription example word for word, and it runs as its comment says', async () => {
    expect(block('## Peers: calling the client back')).toBe(fixture('readme-peers-example.ts'));
    const calls = await logged(() => import('./fixtures/readme-peers-example.js'), 5);
    expect(calls).toEqual([
      ['0x1'],
      [{ subscription: '0x1', result: 1 }],
      [{ subscription: '0x1', result: 2 }],
      [{ text: 'greeted ada' }],
      ['hello ada'],
    ]);
  });

  it('shows a cancellation that runs: the call is answered -32800 at once', async () => {
    expect(block('## Cancellation', 1)).toBe(fixture('readme-cancel-example.ts'));
    const calls = await logged(() => import('./fixtures/readme-cancel-example.js'), 1);
    expect(calls).toEqual([
      [{ jsonrpc: '2.0', error: { code: -32800, message: 'Request cancelled' }, id: 1 }],
    ]);
  });

  it('shows hooks that run: onConnection refuses or attaches a user, middleware guards and times', async () => {
    expect(block('## Hooks: onConnection and middleware')).toBe(fixture('readme-hooks-example.ts'));
    const calls = await logged(() => import('./fixtures/readme-hooks-example.js'), 4);
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
    const calls = await logged(() => import('./fixtures/readme-discover-example.js'), 1);
    expect(calls).toEqual([[['add: a + b']]]);
  });
});
