import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUFFER_DEFAULTS, DEFAULTS, DoubleReleaseError, ForeignObjectError } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The rows of the first table after `heading`: option name → default cell, backticks removed. */
function defaultsTable(heading: string): Map<string, string> {
  const start = readme.indexOf(heading);
  expect(start).toBeGreaterThan(-1);
  const rows = new Map<string, string>();
  for (const line of readme.slice(start).split('\n').slice(1)) {
    if (rows.size > 0 && !line.startsWith('|')) break;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    const option = /^`(\w+)`$/.exec(cells[1] ?? '')?.[1];
    if (option !== undefined) rows.set(option, (cells[3] ?? '').replace(/`/g, ''));
  }
  return rows;
}

describe('README', () => {
  it('documents every error code', () => {
    for (const error of [new DoubleReleaseError(), new ForeignObjectError()]) {
      expect(readme).toContain(`| \`${error.name}\` | \`${error.code}\` |`);
    }
    expect(readme).toContain('| `TypeError` | `RERPC_ERR_INVALID_OPTION` |');
  });

  it('states the object pool defaults exactly as DEFAULTS has them', () => {
    const table = defaultsTable('### Object pool options');
    for (const [option, value] of Object.entries(DEFAULTS)) {
      expect(table.get(option), option).toBe(String(value));
    }
    expect(table.get('create')).toBe('required');
    expect(table.get('reset')).toBe('undefined');
  });

  it('states the buffer pool defaults exactly as BUFFER_DEFAULTS has them', () => {
    const table = defaultsTable('### Buffer pool options');
    expect([...table.keys()].sort()).toEqual(Object.keys(BUFFER_DEFAULTS).sort());
    for (const [option, value] of Object.entries(BUFFER_DEFAULTS)) {
      expect(table.get(option), option).toBe(String(value));
    }
  });
});
