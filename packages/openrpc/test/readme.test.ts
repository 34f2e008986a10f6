import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { DEFAULTS, OpenRpcDocumentError } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The ```ts block that follows `marker` (the first after it, or the one after `skip` others). */
function block(marker: string, skip = 0): string {
  let open = readme.indexOf('```ts\n', readme.indexOf(marker));
  for (let i = 0; i < skip; i++) open = readme.indexOf('```ts\n', open + 6);
  return readme.slice(open + 6, readme.indexOf('```\n', open + 6));
}

describe('README', () => {
  it('shows the example word for word, and it prints the types shown', async () => {
    const fixture = readFileSync(new URL('./fixtures/readme-example.ts', import.meta.url), 'utf8');
    expect(block('The same from code')).toBe(
      fixture.replace("from '../../src/index.js'", "from '@rerpc/openrpc'"),
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    onTestFinished(() => log.mockRestore());
    await import('./fixtures/readme-example.js');
    expect(log.mock.calls).toEqual([[block('prints')]]);
  });

  it('lists every option with its default, and every error code', () => {
    const rows = new Map<string, string>();
    const start = readme.indexOf('## Options');
    for (const line of readme.slice(start, readme.indexOf('## Errors')).split('\n')) {
      const cells = line.split('|').map((c) => c.trim());
      const name = /^`(\w+)`$/.exec(cells[1] ?? '')?.[1];
      if (name !== undefined) rows.set(name, (cells[3] ?? '').replace(/`/g, ''));
    }
    expect([...rows.keys()]).toEqual(Object.keys(DEFAULTS));
    for (const [key, value] of Object.entries(DEFAULTS)) {
      expect(rows.get(key), key).toBe(value === null ? 'null' : `'${value}'`);
    }
    const error = new OpenRpcDocumentError('x');
    expect(readme).toContain(`| \`${error.name}\` | \`${error.code}\` |`);
    expect(readme).toContain('| `TypeError` | `RERPC_ERR_INVALID_OPTION` |');
  });
});
