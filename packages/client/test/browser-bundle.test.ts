import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from './helpers.js';

// The CI check of the browser entry: bundled by esbuild for the browser platform, which fails on
// any Node built-in (`buffer`, `net`, `node:…`) it meets, with nothing marked external.

const root = new URL('../', import.meta.url);
/** The most the browser entry may weigh, minified and gzipped (README: Browser). */
const BUDGET_GZIP = 24 * 1024;

function bundle(entry: string) {
  return build({
    entryPoints: [new URL(entry, root).pathname],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
}

// The check reads dist/.
beforeAll(() => assertBuilt('browser.js'));

describe('@rerpc/client/browser', () => {
  it('bundles for the browser with no Node built-in, undici or ws in its graph', async () => {
    const result = await bundle('dist/browser.js');
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toEqual(['dist/browser.js']); // our packages are compiled in
    const text = result.outputFiles[0]!.text;
    expect(text).not.toMatch(/\b(undici|node:)/);
    const gzip = gzipSync(result.outputFiles[0]!.contents).length;
    console.log(`@rerpc/client/browser: ${text.length} bytes minified, ${gzip} gzipped`);
    expect(gzip).toBeLessThan(BUDGET_GZIP);
  });

  it('is what package.json exports as ./browser, with types', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
    expect(pkg.exports['./browser']).toEqual({
      types: './dist/browser.d.ts',
      default: './dist/browser.js',
    });
    const types = readFileSync(new URL('dist/browser.d.ts', root), 'utf8');
    expect(types).toMatch(/export \{[^}]*\bcreateClient\b/);
  });

  it('the check bites: the Node entry fails to bundle for the browser', async () => {
    await expect(bundle('dist/index.js')).rejects.toThrow(/Could not resolve "(node:)?\w+"/);
  });
});
