import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readmeDefaults } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
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
    const child = spawn(process.execPath, [fileURLToPath(new URL('main.mjs', dir))], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(out).toMatch(
      /^serving on \{ host: '127\.0\.0\.1', port: \d+, family: 'IPv4' \} with \d+ workers\n$/,
    );
    expect(code).toBe(0);
  });
});
