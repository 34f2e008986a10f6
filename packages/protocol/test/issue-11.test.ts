// Issue 11: RpcError printed as `_RpcError` (esbuild renamed the class that refers to itself in
// the build); a non-integer code threw a TypeError without a code. These run against the BUILT
// package, ESM and CJS, since the renaming happened only there.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';

type ProtocolModule = typeof import('../src/index.js');

// Paths as values, so typechecking does not need a build (turbo builds before it tests).
const require = createRequire(import.meta.url);
const esm = new URL('../dist/index.js', import.meta.url).href;
const cjs = new URL('../dist/index.cjs', import.meta.url);
const builds: Array<[string, () => Promise<ProtocolModule>]> = [
  ['ESM', () => import(esm) as Promise<ProtocolModule>],
  ['CJS', async () => require(cjs.pathname) as ProtocolModule],
];

describe.each(builds)('the %s build', (_kind, load) => {
  it('names RpcError RpcError: name, constructor.name, String() and util.inspect', async () => {
    const { RpcError } = await load();
    expect(RpcError.name).toBe('RpcError');
    for (const error of [
      new RpcError(1001, 'Out of stock', { sku: 'A1' }),
      RpcError.methodNotFound(),
      RpcError.fromObject({ code: 1001, message: 'Out of stock' }),
    ]) {
      expect(error.name).toBe('RpcError');
      expect(error.constructor.name).toBe('RpcError');
      expect(String(error)).toMatch(/^RpcError: /);
      expect(inspect(error)).toMatch(/^RpcError: /);
      expect(inspect(error)).not.toContain('_RpcError');
    }
  });

  it('refuses a non-integer code with a TypeError coded RERPC_ERR_INVALID_OPTION', async () => {
    const { RpcError } = await load();
    for (const code of [1.5, '1001', Number.NaN]) {
      try {
        new RpcError(code as number, 'x');
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
        expect(error).toMatchObject({ code: 'RERPC_ERR_INVALID_OPTION' });
        expect((error as Error).message).toMatch(/^RpcError code must be an integer, got /);
      }
    }
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it('never shows an application error with a reserved code (-32768..-32000)', () => {
    for (const [, code] of readme.matchAll(/new RpcError\((-?\d+)/g)) {
      const n = Number(code);
      expect(n >= -32768 && n <= -32000, `new RpcError(${n}`).toBe(false);
    }
  });

  it('says which codes an application should use, and lists the option error code', () => {
    expect(readme).toContain('## Error codes for your own errors');
    expect(readme).toContain('| `TypeError` | `RERPC_ERR_INVALID_OPTION` |');
  });
});
