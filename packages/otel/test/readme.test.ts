import { readFileSync } from 'node:fs';
import { expectReadmeDefaults } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, DURATION_BUCKETS, SEMCONV_VERSION } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('states every default exactly as DEFAULTS has it', () => {
    expectReadmeDefaults(readme, '## Options', DEFAULTS);
  });

  it('documents the option error code, the pinned version and the buckets', () => {
    expect(readme).toContain('| `TypeError` | `RERPC_ERR_INVALID_OPTION` |');
    expect(readme).toContain(`pinned at v${SEMCONV_VERSION}`);
    expect(readme.replace(/\s+/g, ' ')).toContain(`[${DURATION_BUCKETS.join(', ')}]`);
  });
});
