import { readFileSync } from 'node:fs';
import { readmeDefaults } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { ClusterClosedError, DEFAULTS, WorkerStartError } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every error code', () => {
    for (const error of [new WorkerStartError(0, 'x'), new ClusterClosedError()]) {
      expect(readme).toContain(`| \`${error.name}\` | \`${error.code}\` |`);
    }
    expect(readme).toContain('| `TypeError` | `RERPC_ERR_INVALID_OPTION` |');
  });

  it('states the defaults exactly as DEFAULTS has them', () => {
    const table = readmeDefaults(readme, '## Options');
    expect([...table.keys()].sort()).toEqual(
      ['module', 'workers', ...Object.keys(DEFAULTS)].sort(),
    );
    for (const [option, value] of Object.entries(DEFAULTS)) {
      const expected =
        option === 'listen' ? '{}' : typeof value === 'function' ? '' : String(value);
      expect(table.get(option), option).toBe(expected);
    }
    expect(table.get('module')).toBe('required');
    expect(table.get('workers')).toBe('os.availableParallelism()');
  });
});
