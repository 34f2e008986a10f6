// OpenRPC discovery (issue 18): the spec server's and the demo's rpc.discover documents are
// valid by the OpenRPC meta-schema (checked offline), and rerpc-types turns the spec server's
// into interfaces that a program type-checks against and calls for real.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { validateOpenRPCDocument } from '@open-rpc/schema-utils-js';
import { createClient } from '@rerpc/client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createDemoServer } from '../src/lib/demo-server.js';
import { start } from './spec-process.js';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const cli = fileURLToPath(new URL('../node_modules/@rerpc/openrpc/dist/cli.js', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function expectValidOpenRpc(doc: unknown): void {
  const result = validateOpenRPCDocument(doc as never);
  if (result !== true) throw result;
}

async function specDocument(port: number): Promise<{ methods: { name: string }[] }> {
  const client = createClient(`tcp://127.0.0.1:${port}`, { timeout: 10_000 });
  onTestFinished(() => client.close());
  return (await client.call('rpc.discover')) as { methods: { name: string }[] };
}

describe('rpc.discover', () => {
  it("the spec server's document is valid OpenRPC and lists every method", async () => {
    const spec = await start();
    const doc = await specDocument(spec.port);
    expectValidOpenRpc(doc);
    expect(doc.methods.map((m) => m.name)).toEqual([
      'subtract',
      'sum',
      'get_data',
      'update',
      'notify_hello',
      'notify_sum',
      'echo',
      'sleep',
      'fail',
      'crash',
      'ticks_subscribe',
      'ticks_unsubscribe',
      'ArithService.Add',
      'ArithService.Multiply',
      'ArithService.Divide',
    ]);
  });

  it("the demo's document is valid OpenRPC", async () => {
    const { server } = createDemoServer();
    onTestFinished(() => server.close({ timeout: 0 }));
    const answer = await server.handle('{"jsonrpc":"2.0","method":"rpc.discover","id":1}');
    const doc = JSON.parse(answer!).result;
    expectValidOpenRpc(doc);
    expect(doc.info).toEqual({ title: 'rerpc demo', version: '1.0.0' });
  });
});

describe('rerpc-types', () => {
  it('generates interfaces from the running spec server that a program type-checks against and calls', async () => {
    const spec = await start();
    // Inside apps/examples, so the program resolves @rerpc/client as the examples do.
    const dir = await mkdtemp(join(here, '..', '.openrpc-roundtrip-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const url = `tcp://127.0.0.1:${spec.port}`;
    const { stderr } = await run(
      process.execPath,
      [cli, url, '--out', join(dir, 'spec-types.ts')],
      {
        timeout: 20_000,
      },
    );
    expect(stderr).toContain('wrote');
    await writeFile(
      join(dir, 'program.ts'),
      `import { createClient } from '@rerpc/client';
import type { ArithService, Methods } from './spec-types.js';

export async function main(url: string): Promise<[number, number, unknown]> {
  const client = createClient(url, { timeout: 10_000 });
  try {
    const arith = client.service<ArithService>('ArithService');
    const sum: number = (await arith.Multiply({ a: 6, b: 7 })).result;
    // @ts-expect-error b must be a number: the generated params type says so
    const wrong = () => arith.Add({ a: 1, b: 'two' });
    const params: Parameters<Methods['sleep']>[0] = { ms: 1 };
    const slept = await client.call('sleep', params);
    return [sum, typeof wrong === 'function' ? 1 : 0, slept];
  } finally {
    await client.close();
  }
}
`,
    );
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: '../../../tsconfig.base.json', include: ['*.ts'] }),
    );
    // Exit 0 also proves the @ts-expect-error line is an error: an unused one fails tsc.
    await run(process.execPath, [tsc, '--noEmit', '-p', dir], { timeout: 120_000 });
    const program = (await import(join(dir, 'program.ts'))) as {
      main(url: string): Promise<unknown>;
    };
    expect(await program.main(url)).toEqual([42, 1, 1]);
  });

  it('exits 1 with the reason for a source it cannot read, 2 for bad usage', async () => {
    const fail = (args: string[]) =>
      run(process.execPath, [cli, ...args]).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
    expect(await fail([join(here, 'no-such-file.json')])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('ENOENT'),
    });
    expect(await fail([])).toMatchObject({ code: 2, stderr: expect.stringContaining('usage:') });
    expect(await fail(['x.json', '--timeout', '0'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--timeout must be an integer >= 1'),
    });
  });
});
