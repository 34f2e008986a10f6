import { readFileSync } from 'node:fs';
import { readmeDefaults } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { BUFFER_DEFAULTS, DEFAULTS, DoubleReleaseError, ForeignObjectError } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

const defaultsTable = (heading: string) => readmeDefaults(readme, heading);

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
