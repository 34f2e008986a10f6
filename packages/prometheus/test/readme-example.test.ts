// The README's Example is test/fixtures/readme-example.ts (type-checked by `pnpm typecheck`), word
// for word but for the import path; this test holds the two together and runs it.
import { readFileSync } from 'node:fs';
import { fixtureAsShown, logged, readmeBlock } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README example', () => {
  it('is the fixture word for word', () => {
    expect(readmeBlock(readme, '## Example')).toBe(
      fixtureAsShown(new URL('./fixtures/readme-example.ts', import.meta.url), '@rerpc/prometheus'),
    );
  });

  it('runs: prints the handled counter of the call it made', async () => {
    expect(await logged(() => import('./fixtures/readme-example.js'))).toEqual([
      ['rerpc_server_handled_total{method="add",code="ok"} 1'],
    ]);
  });
});
