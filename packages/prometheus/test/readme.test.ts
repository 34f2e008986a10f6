import { readFileSync } from 'node:fs';
import { expectReadmeDefaults } from '@rerpc/internal/testing';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, DEFAULT_BUCKETS, DEFAULTS } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('states every default as DEFAULTS has it', () => {
    expectReadmeDefaults(readme, '## Options', DEFAULTS, (value, option) =>
      option === 'buckets' ? 'DEFAULT_BUCKETS' : String(value),
    );
    expect(readme).toContain(`[${DEFAULT_BUCKETS.join(', ')}]`);
  });

  it('documents the option error code', () => {
    expect(readme).toContain('| `TypeError` | `RERPC_ERR_INVALID_OPTION` |');
  });

  it('lists exactly the metrics createMetrics() registers, with their types and labels', () => {
    const registry = new Registry();
    const metrics = createMetrics({ registry });
    try {
      const registered = registry.getMetricsAsArray().map((m) => {
        const { name, type, labelNames } = m as unknown as {
          name: string;
          type: string;
          labelNames: string[];
        };
        return `${name} ${type} ${[...labelNames].sort().join(',')}`;
      });
      const start = readme.indexOf('## Metrics');
      const rows = readme
        .slice(start, readme.indexOf('\n## ', start + 1))
        .split('\n')
        .map((line) => /^\| `(\w+)` \| (\w+) \| ([^|]*)\|/.exec(line))
        .filter((m) => m !== null)
        .map(
          (m) =>
            `${m[1]} ${m[2]} ${[...m[3]!.matchAll(/`(\w+)`/g)]
              .map((l) => l[1])
              .sort()
              .join(',')}`,
        );
      expect(rows.sort()).toEqual(registered.sort());
    } finally {
      metrics.close();
    }
  });
});
