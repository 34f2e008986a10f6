// Proves each published package works alone: `pnpm pack` it (and only the @rerpc packages it
// depends on), install the tarballs into an empty scratch project with npm, then load it with
// both `import` and `require` and compare the export names. Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaces } from './workspaces.mjs';

const published = new Map(
  workspaces()
    .filter(({ pkg }) => !pkg.private)
    .map(({ dir, pkg }) => [pkg.name, { dir, pkg }]),
);
const only = process.argv.slice(2);
const work = mkdtempSync(join(tmpdir(), 'rerpc-pack-'));
const tarballs = new Map();
let failures = 0;

function tarball(name) {
  if (tarballs.has(name)) return tarballs.get(name);
  const { dir } = published.get(name);
  const out = join(work, 'tarballs', name.replace('/', '+'));
  mkdirSync(out, { recursive: true });
  execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: dir, stdio: 'pipe' });
  const file = join(
    out,
    readdirSync(out).find((f) => f.endsWith('.tgz')),
  );
  tarballs.set(name, file);
  return file;
}

function internalClosure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const dep of Object.keys(published.get(name).pkg.dependencies ?? {})) {
    if (published.has(dep)) internalClosure(dep, seen);
  }
  return seen;
}

for (const [name] of published) {
  if (only.length && !only.includes(name)) continue;
  const closure = [...internalClosure(name)];
  const project = join(work, 'use', name.replace('/', '+'));
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
  try {
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--loglevel=error', ...closure.map(tarball)],
      { cwd: project, stdio: 'pipe' },
    );
    const others = readdirSync(join(project, 'node_modules', '@rerpc')).filter(
      (d) => !closure.includes(`@rerpc/${d}`),
    );
    if (others.length) throw new Error(`unexpected @rerpc packages installed: ${others}`);
    // Every entry point the package exports (`.` and subpaths such as `./threads`).
    const { pkg } = published.get(name);
    const entries = Object.keys(pkg.exports ?? { '.': null })
      .filter((key) => key === '.' || (key.startsWith('./') && !key.endsWith('.json')))
      .map((key) => (key === '.' ? name : `${name}/${key.slice(2)}`));
    for (const entry of entries) {
      const esm = execFileSync(
        'node',
        [
          '--input-type=module',
          '-e',
          `import * as m from '${entry}'; console.log(Object.keys(m).sort().join(','))`,
        ],
        { cwd: project, encoding: 'utf8' },
      ).trim();
      const cjs = execFileSync(
        'node',
        [
          '-e',
          `console.log(Object.keys(require('${entry}')).filter(k => k !== '__esModule' && k !== 'default').sort().join(','))`,
        ],
        { cwd: project, encoding: 'utf8' },
      ).trim();
      if (esm !== cjs)
        throw new Error(
          `${entry}: import and require disagree:\n  import: ${esm}\n  require: ${cjs}`,
        );
      console.log(
        `ok ${entry} (alone with ${closure.length - 1} @rerpc deps): ${esm || '(no exports yet)'}`,
      );
    }
  } catch (err) {
    failures += 1;
    console.error(`FAIL ${name}: ${err.message}\n${err.stderr ?? ''}`);
  }
}
rmSync(work, { recursive: true, force: true });
process.exit(failures ? 1 : 0);
