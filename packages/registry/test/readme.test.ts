import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { DEFAULTS, RegistrationError } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every error code', () => {
    const err = new RegistrationError('x');
    expect(readme).toContain(err.code);
    expect(readme).toContain(err.name);
    expect(readme).toContain('| `TypeError`         | `RERPC_ERR_INVALID_OPTION` |');
  });

  it('lists every createRegistry() option with its default', () => {
    const start = readme.indexOf('## Options');
    expect(start).toBeGreaterThan(-1);
    const rows = new Map<string, string>();
    for (const line of readme.slice(start).split('\n').slice(1)) {
      if (rows.size > 0 && !line.startsWith('|')) break;
      const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
      const option = /^`(\w+)`$/.exec(cells[1] ?? '')?.[1];
      if (option !== undefined) rows.set(option, (cells[3] ?? '').replace(/`/g, ''));
    }
    expect([...rows.keys()]).toEqual(Object.keys(DEFAULTS));
    expect(rows.get('formats')).toBe(JSON.stringify(DEFAULTS.formats));
  });

  it('lists every built-in format', async () => {
    const { fullFormats } = await import('ajv-formats/dist/formats.js');
    for (const name of Object.keys(fullFormats)) expect(readme).toContain(`\`${name}\``);
  });

  it('shows the discovery example word for word, and it prints what its comment says', async () => {
    const start = readme.indexOf('### Discovery (OpenRPC)');
    const open = readme.indexOf('```ts\n', start) + 6;
    const shown = readme.slice(open, readme.indexOf('```\n', open));
    const fixture = readFileSync(
      new URL('./fixtures/readme-discovery-example.ts', import.meta.url),
      'utf8',
    );
    // A mutation run's sandbox prefixes every test file with `// @ts-nocheck`.
    const asShown = fixture
      .replace(/^\/\/ @ts-nocheck\n/, '')
      .replace("from '../../src/index.js'", "from '@rerpc/registry'");
    expect(shown).toBe(asShown);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    onTestFinished(() => log.mockRestore());
    await import('./fixtures/readme-discovery-example.js');
    expect(log.mock.calls).toEqual([['by-position', ['minuend', 'subtrahend']]]);
    expect(shown).toContain("// by-position [ 'minuend', 'subtrahend' ]");
  });
});
