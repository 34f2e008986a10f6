import { readFileSync } from 'node:fs';
import { readmeDefaults } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { AbortError, DEFAULTS, PoolClosedError, QueueFullError } from '../src/index.js';
import { THREAD_DEFAULTS } from '../src/threads.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

const defaultsTable = (heading: string) => readmeDefaults(readme, heading);

describe('README', () => {
  it('documents every error code', () => {
    for (const error of [new QueueFullError(1), new PoolClosedError(), new AbortError(null)]) {
      expect(readme).toContain(`| \`${error.name}\` | \`${error.code}\` |`);
    }
    expect(readme).toContain('| `TypeError` | `RERPC_ERR_INVALID_OPTION` |');
  });

  it('states the worker pool defaults exactly as DEFAULTS has them', () => {
    const table = defaultsTable('### Worker pool options');
    expect([...table.keys()].sort()).toEqual(Object.keys(DEFAULTS).sort());
    for (const [option, value] of Object.entries(DEFAULTS)) {
      expect(table.get(option), option).toBe(String(value));
    }
  });

  it('states the thread pool defaults exactly as THREAD_DEFAULTS has them', () => {
    const table = defaultsTable('### Thread pool options');
    for (const [option, value] of Object.entries(THREAD_DEFAULTS)) {
      const expected =
        option === 'threads'
          ? 'os.availableParallelism()'
          : typeof value === 'string'
            ? `'${value}'`
            : String(value);
      expect(table.get(option), option).toBe(expected);
    }
    expect(table.get('filename')).toBe('required');
    expect(table.get('workerData')).toBe('undefined');
  });
});
