import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

// Every example runs as a user would run it (`node dist/<name>.js`) so that none can rot.
async function example(name: string): Promise<string> {
  const { stdout } = await run(process.execPath, [`${dist}${name}.js`], { timeout: 20_000 });
  return stdout;
}

describe('examples', () => {
  it('conn-pool-alone shares at most 3 sockets among 20 jobs', async () => {
    const out = await example('conn-pool-alone');
    expect(out).toContain('20 jobs answered: WORD0, WORD1, WORD2');
    expect(out).toContain('connections created: 3 (maxActive 3)');
  });

  it('worker-pool-alone bounds concurrency and refuses past maxQueue', async () => {
    const out = await example('worker-pool-alone');
    expect(out).toContain('50 jobs done, sum of squares 40425, peak running 5');
    expect(out).toContain('of 10 extra submits, 5 were refused with QueueFullError');
  });
});
