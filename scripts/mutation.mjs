// `pnpm mutation [<package> [<file>...]] [stryker flags]`: mutation testing with StrykerJS, one
// package per Stryker run (stryker.config.mjs). Files are relative to the package and may carry
// Stryker's line ranges (`src/ndjson.ts:40-80`); other flags go to `stryker run` as they are
// (`--concurrency 2`, `--incremental`, `--logLevel debug`). With no package, every published
// package runs in turn (tens of minutes on 2 cores). It builds the package's dependencies first
// (their tests load siblings from dist/). Reports: reports/mutation/<package>/ (ignored by git);
// each run's mutation.json is also kept in its runs/ folder, since a run on one file replaces the
// report of the last: `pnpm mutation:score` adds a package up from them, newest per file.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import { workspaces } from './workspaces.mjs';

const args = process.argv.slice(2).filter((a) => a !== '--');
const packages = workspaces()
  .filter(({ dir, pkg }) => dir.includes('/packages/') && pkg.private !== true)
  .map(({ dir }) => basename(dir));

// The package and files come first; everything from the first flag on goes to Stryker as is.
const firstFlag = args.findIndex((a) => a.startsWith('-'));
const positional = firstFlag === -1 ? args : args.slice(0, firstFlag);
const flags = firstFlag === -1 ? [] : args.slice(firstFlag);
const [only, ...files] = positional;
if (only !== undefined && !packages.includes(only)) {
  process.stderr.write(
    `pnpm mutation: no package "${only}"\n` +
      `usage: pnpm mutation [<package> [<file>[:<lines>]...]] [stryker flags]\n` +
      `packages: ${packages.join(', ')}\n`,
  );
  process.exit(2);
}

const stryker = 'node_modules/@stryker-mutator/core/bin/stryker.js';
let code = 0;
for (const name of only === undefined ? packages : [only]) {
  const built = spawnSync(
    process.execPath,
    ['scripts/build.mjs', `@rerpc/${name}`, `@rerpc/${name} and what its tests load`],
    { stdio: 'inherit' },
  );
  if (built.status !== 0) {
    code = built.status ?? 1;
    continue;
  }
  const mutate = files.map((file) => {
    const path = `packages/${name}/${file}`;
    if (!existsSync(path.replace(/:[\d:-]+$/, ''))) {
      process.stderr.write(`pnpm mutation: no file ${path}\n`);
      process.exit(2);
    }
    return path;
  });
  const run = spawnSync(
    process.execPath,
    [
      stryker,
      'run',
      'stryker.config.mjs',
      ...(mutate.length > 0 ? ['--mutate', mutate.join(',')] : []),
      ...flags,
    ],
    { stdio: 'inherit', env: { ...process.env, RERPC_MUTATION_PACKAGE: name } },
  );
  const reports = process.env.RERPC_MUTATION_REPORTS ?? `reports/mutation/${name}`;
  if (run.status !== 0) code = run.status ?? 1;
  else if (existsSync(`${reports}/mutation.json`)) {
    mkdirSync(`${reports}/runs`, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    copyFileSync(`${reports}/mutation.json`, `${reports}/runs/${stamp}-mutation.json`);
  }
  console.log(`report: ${reports}/index.html`);
}
process.exit(code);
