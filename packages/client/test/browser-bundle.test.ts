import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
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

  it('types a page with no Node types: its declarations import only @rerpc/protocol', async () => {
    const types = readFileSync(new URL('dist/browser.d.ts', root), 'utf8');
    const imports = [...types.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(imports).toEqual(['@rerpc/protocol']);
    // A consumer compiled with the DOM library and no @types/node, checking the declarations too.
    const ts = await import('typescript');
    const dir = mkdtempSync(join(tmpdir(), 'rerpc-browser-types-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const page = join(dir, 'page.ts');
    writeFileSync(
      page,
      [
        "import { createClient, type BrowserClientOptions, RpcError } from '@rerpc/client/browser';",
        'const options: BrowserClientOptions = { timeout: 1000, autoBatch: 10 };',
        "const client = createClient('ws://127.0.0.1:1/', options);",
        "export const sum: Promise<number> = client.call<number>('sum', [1, 2]);",
        'export const isRpc = (e: unknown) => e instanceof RpcError;',
        '// @ts-expect-error the browser entry takes no tls',
        "createClient('wss://x/', { tls: {} });",
      ].join('\n'),
    );
    const program = ts.createProgram([page], {
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: [],
      // Client has [Symbol.asyncDispose]: ESNext.Disposable (TypeScript 5.2+), as in Node.
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.esnext.disposable.d.ts'],
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      target: ts.ScriptTarget.ES2022,
      baseUrl: dir,
      paths: { '@rerpc/client/browser': [new URL('dist/browser.d.ts', root).pathname] },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  });

  it('the check bites: the Node entry fails to bundle for the browser', async () => {
    await expect(bundle('dist/index.js')).rejects.toThrow(/Could not resolve "(node:)?\w+"/);
  });
});
