// Issue 12: one time rule for every time option (an integer 0..2^31-1 ms, or Infinity for close
// timeouts), and `import '@rerpc/worker-pool'` without loading piscina (the thread pool moved to
// `@rerpc/worker-pool/threads`).
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { deferred, optionErrorLike } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createWorkerPool, type WorkerPoolOptions } from '../src/index.js';
import { createThreadPool } from '../src/threads.js';
import { state } from './helpers.js';

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url);
const run = promisify(execFile);

describe('time options follow one rule: integer ms from 0 to 2^31 - 1, Infinity for close', () => {
  it('createWorkerPool refuses closeTimeout 2^31 (Node would fire it after 1 ms)', () => {
    expect(() => createWorkerPool({ closeTimeout: 2 ** 31 })).toThrow(
      optionErrorLike(
        /^closeTimeout must be an integer number of milliseconds from 0 to 2147483647, or Infinity to wait forever, got 2147483648$/,
      ),
    );
  });

  it('refuses fractions and accepts 2^31 - 1 and Infinity', () => {
    expect(() => createWorkerPool({ closeTimeout: 1.5 })).toThrow(optionErrorLike());
    for (const closeTimeout of [0, 2 ** 31 - 1, Number.POSITIVE_INFINITY]) {
      const options: WorkerPoolOptions = { closeTimeout };
      expect(() => createWorkerPool(options)).not.toThrow();
    }
  });

  it('createThreadPool refuses closeTimeout 2^31 before any thread starts', () => {
    expect(() => createThreadPool({ filename: fixture, closeTimeout: 2 ** 31 })).toThrow(
      optionErrorLike(/^closeTimeout must be an integer number of milliseconds/),
    );
  });

  it('close({ timeout: 2^31 }) rejects and leaves a running task alone', async () => {
    const pool = createWorkerPool({ concurrency: 1 });
    onTestFinished(() => pool.close({ timeout: 0 }));
    const release = deferred();
    const task = pool.submit(() => release.promise.then(() => 'done'));
    await expect(pool.close({ timeout: 2 ** 31 })).rejects.toThrow(optionErrorLike());
    expect(pool.closed).toBe(false);
    release.resolve();
    await expect(task).resolves.toBe('done');
  });

  it('close({ timeout: Infinity }) waits for the running task however long it takes', async () => {
    const pool = createWorkerPool({ concurrency: 1 });
    const release = deferred();
    const task = pool.submit(() => release.promise.then(() => 'done'));
    const closed = pool.close({ timeout: Number.POSITIVE_INFINITY });
    expect(await state(closed)).toBe('pending');
    release.resolve();
    await expect(task).resolves.toBe('done');
    await closed;
  });
});

// piscina's own directory (its entry is dist/main.js), as this package resolves it: real paths,
// as require.cache keys are.
const piscinaDir = dirname(dirname(createRequire(import.meta.url).resolve('piscina')));

/**
 * Runs `code` in a fresh node process (ESM with `--input-type=module`, else CommonJS) and returns
 * its stdout. `loadedPiscina()` counts the loaded modules under piscina's directory (its ESM
 * entry is a wrapper that requires the CommonJS build, so both formats land in require.cache).
 */
async function inChild(code: string, esm: boolean): Promise<string> {
  const probe = `const loadedPiscina = () => Object.keys(require.cache).filter((file) => file.startsWith(${JSON.stringify(`${piscinaDir}/`)})).length;`;
  const body = esm
    ? `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);\n${probe}\n${code}`
    : `${probe}\n${code}`;
  const args = esm ? ['--input-type=module', '-e', body] : ['-e', body];
  const { stdout } = await run(process.execPath, args, { timeout: 20_000 });
  return stdout.trim();
}

// Each test starts a node process: seconds on a loaded machine, past the 5 s test timeout the
// package gives itself under Stryker (vitest.config.ts).
describe('the main entry does not load piscina; the threads subpath does', {
  timeout: 30_000,
}, () => {
  const dist = (file: string) => new URL(`../dist/${file}`, import.meta.url);

  it('import (ESM): the main entry loads no piscina module', async () => {
    const out = await inChild(
      `const m = await import(${JSON.stringify(dist('index.js').href)});
const pool = m.createWorkerPool({ concurrency: 1 }); await pool.submit(() => 1); await pool.close();
console.log(loadedPiscina(), typeof m.createThreadPool);`,
      true,
    );
    expect(out).toBe('0 undefined');
  });

  it('require (CJS): the main entry loads no piscina module', async () => {
    const out = await inChild(
      `const m = require(${JSON.stringify(dist('index.cjs').pathname)});
console.log(loadedPiscina(), typeof m.createWorkerPool);`,
      false,
    );
    expect(out).toBe('0 function');
  });

  it('the threads subpath loads piscina (the probe sees it), and shares the error classes', async () => {
    const esm = await inChild(
      `const main = await import(${JSON.stringify(dist('index.js').href)});
const threads = await import(${JSON.stringify(dist('threads.js').href)});
console.log(loadedPiscina() > 0, typeof threads.createThreadPool, main.AbortError === threads.AbortError, main.PoolClosedError === threads.PoolClosedError);`,
      true,
    );
    expect(esm).toBe('true function true true');
    const cjs = await inChild(
      `const main = require(${JSON.stringify(dist('index.cjs').pathname)});
const threads = require(${JSON.stringify(dist('threads.cjs').pathname)});
console.log(loadedPiscina() > 0, main.QueueFullError === threads.QueueFullError);`,
      false,
    );
    expect(cjs).toBe('true true');
  });
});
