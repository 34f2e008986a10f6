// Hostile-peer scenarios against one build of rerpc (dist/hostile/main.js; `pnpm hostile`):
//
//   node dist/hostile/main.js                                   # the workspace's build, label "new"
//   node dist/hostile/main.js --label=old --root=/tmp/rerpc-old # a worktree of an older commit
//
// Writes <out>/<label>.json (default out: results/local/hostile/, ignored by git), then prints and
// writes <out>/latest.md: one table with a column per <label>.json found there, so running an old
// and a new build one after the other gives the before/after table. --render only redraws it.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveBuild } from './build.js';
import { killChildren } from './child.js';
import { markdownTable } from './report.js';
import { type HostileResults, runHostile } from './run.js';
import { parseSettings, type Settings } from './settings.js';

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  const out = resolve(settings.out ?? join(here, '..', '..', 'results', 'local', 'hostile'));
  if (!settings.render) await run(settings, out);
  const all: HostileResults[] = [];
  for (const file of readdirSync(out)) {
    if (!file.endsWith('.json')) continue;
    all.push(JSON.parse(readFileSync(join(out, file), 'utf8')) as HostileResults);
  }
  const table = markdownTable(all);
  writeFileSync(join(out, 'latest.md'), `# Hostile peers\n\n${table}`);
  process.stdout.write(`\n${table}`);
  process.stderr.write(`hostile: wrote ${join(out, 'latest.md')}\n`);
}

async function run(settings: Settings, out: string): Promise<void> {
  const build = resolveBuild({
    label: settings.label,
    root: settings.root,
    server: settings.server,
    client: settings.client,
    serverMain: join(here, 'server-main.js'),
  });
  mkdirSync(out, { recursive: true });
  process.stderr.write(`hostile: ${build.label}: server ${build.server}, client ${build.client}\n`);
  const results = await runHostile(build, settings, (line) => process.stderr.write(`${line}\n`));
  writeFileSync(join(out, `${build.label}.json`), `${JSON.stringify(results, null, 2)}\n`);
  process.stderr.write(`hostile: wrote ${join(out, `${build.label}.json`)}\n`);
}

process.on('SIGINT', () => {
  killChildren();
  process.exit(130);
});
main().then(
  () => process.exit(0),
  (err: unknown) => {
    killChildren();
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
