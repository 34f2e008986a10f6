import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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
});
