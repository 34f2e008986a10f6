// The README's Example is test/fixtures/readme-example.ts (type-checked by `pnpm typecheck`), word
// for word but for the import path; this test holds the two together and runs it.
import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README example', () => {
  it('is the fixture word for word', () => {
    const start = readme.indexOf('## Example');
    const open = readme.indexOf('```ts\n', start) + 6;
    const shown = readme.slice(open, readme.indexOf('```\n', open));
    const fixture = readFileSync(new URL('./fixtures/readme-example.ts', import.meta.url), 'utf8');
    expect(shown).toBe(fixture.replace("from '../../src/index.js'", "from '@rerpc/prometheus'"));
  });

  it('runs: prints the handled counter of the call it made', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    onTestFinished(() => log.mockRestore());
    await import('./fixtures/readme-example.js');
    expect(log.mock.calls).toEqual([['rerpc_server_handled_total{method="add",code="ok"} 1']]);
  });
});
