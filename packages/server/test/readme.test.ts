// The README's Peers example is test/fixtures/readme-peers-example.ts (type-checked by
// `pnpm typecheck`), word for word but for the import path; this test holds them together and runs it.
import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The first ```ts block after `heading`. */
function block(heading: string): string {
  const start = readme.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const open = readme.indexOf('```ts\n', start);
  return readme.slice(open + 6, readme.indexOf('```\n', open + 6));
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
});
