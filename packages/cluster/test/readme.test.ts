import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readmeDefaults, spawnNode } from '@rerpc/internal/testing';
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

describe('README example', () => {
  it('runs: the server module and the primary, as written (port 0, then closed)', async () => {
    const section = readme.slice(readme.indexOf('## Example'), readme.indexOf('## API'));
    const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(2);
    // Under .vitest/ (git-ignored) inside the package, so '@rerpc/cluster' and '@rerpc/server'
    // resolve as they would for a user.
    const dir = new URL('../.vitest/readme-example/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    writeFileSync(new URL('server.mjs', dir), blocks[0]!);
    const main = `${blocks[1]!.replace('port: 4000', 'port: 0')}await cluster.close();\n`;
    writeFileSync(new URL('main.mjs', dir), main);
    const node = spawnNode([fileURLToPath(new URL('main.mjs', dir))]);
    const [code] = await node.exited;
    expect(node.stdout(), node.stderr()).toMatch(
      /^serving on \{ host: '127\.0\.0\.1', port: \d+, family: 'IPv4' \} with \d+ workers\n$/,
    );
    expect(code).toBe(0);
  });
});
