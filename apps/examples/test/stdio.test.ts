import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const client = fileURLToPath(new URL('../dist/stdio-client.js', import.meta.url));

it('stdio-client drives a language-server-style child over its stdio, both ways', async () => {
  const { stdout } = await run(process.execPath, [client], { timeout: 20_000 });
  expect(stdout.split('\n')).toEqual([
    'server asked for configuration: lint',
    'server says: hello editor',
    'initialized: {"capabilities":{"diagnostics":true},"maxProblems":100}',
    'diagnostic: a.ts:3: unused variable',
    'diagnostic: a.ts:14: unused variable',
    'diagnostic: a.ts:15: unused variable',
    'server exited with code 0',
    '',
  ]);
});
