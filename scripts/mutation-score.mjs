// `pnpm mutation:score [<package>...] [--survivors]`: one score per package from every Stryker
// report under reports/mutation/ (a package may have been measured in parts: one run per file or
// per RERPC_MUTATION_REPORTS folder; pnpm mutation keeps each run's report in runs/). Where two
// reports hold the same file, the newer one counts.
// Score = detected (killed + timeout) ÷ (detected + survived + no coverage); mutants marked
// equivalent in the source (`Stryker disable`, status Ignored) and ones that do not compile are
// not counted, as in Stryker's own "score of covered and uncovered". Source files of the package
// that no report holds are listed, so a partial measurement never passes for a whole one.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = 'reports/mutation';
const args = process.argv.slice(2).filter((a) => a !== '--');
const showSurvivors = args.includes('--survivors');
const only = args.filter((a) => !a.startsWith('-'));

function reports(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return reports(path);
    return e.name.endsWith('mutation.json') ? [path] : [];
  });
}

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && e.name !== 'index.ts' ? [path] : [];
  });
}

// file -> { mtime, mutants, report }: the newest report's view of each source file.
const files = new Map();
for (const report of reports(root)) {
  const mtime = statSync(report).mtimeMs;
  const { files: held, config } = JSON.parse(readFileSync(report, 'utf8'));
  // A run given `file:lines` mutated only that range: say so rather than pass it off as the file.
  const ranges = (config?.mutate ?? []).filter((m) => /:[\d:-]+$/.test(m));
  for (const [file, { mutants }] of Object.entries(held)) {
    const range = ranges.find((m) => m.startsWith(`${file}:`))?.slice(file.length + 1);
    const seen = files.get(file);
    if (seen === undefined || seen.mtime < mtime)
      files.set(file, { mtime, mutants, report, range });
  }
}

const counted = {
  Killed: 'killed',
  Timeout: 'killed',
  Survived: 'survived',
  NoCoverage: 'noCoverage',
};
function tally(mutants) {
  const t = { killed: 0, survived: 0, noCoverage: 0, ignored: 0, static: 0 };
  for (const m of mutants) {
    if (counted[m.status] !== undefined) t[counted[m.status]]++;
    // --ignoreStatic skips static mutants (run once at load): not run, but not marked either.
    else if (m.status === 'Ignored' && /ignoreStatic/.test(m.statusReason ?? '')) t.static++;
    else if (m.status === 'Ignored') t.ignored++;
  }
  return t;
}
const percent = (t) => {
  const total = t.killed + t.survived + t.noCoverage;
  return total === 0 ? '—' : `${((100 * t.killed) / total).toFixed(1)} %`;
};

const byPackage = new Map();
for (const [file, entry] of files) {
  const pkg = /^packages\/([^/]+)\/src\//.exec(file)?.[1];
  if (pkg === undefined || (only.length > 0 && !only.includes(pkg))) continue;
  if (!byPackage.has(pkg)) byPackage.set(pkg, []);
  byPackage.get(pkg).push([file, entry]);
}
for (const pkg of only) if (!byPackage.has(pkg)) byPackage.set(pkg, []);
if (byPackage.size === 0) {
  process.stderr.write(
    `pnpm mutation:score: no reports under ${root}/ (run pnpm mutation first)\n`,
  );
  process.exit(2);
}

for (const [pkg, entries] of [...byPackage].sort()) {
  const sum = { killed: 0, survived: 0, noCoverage: 0, ignored: 0, static: 0 };
  console.log(`\n@rerpc/${pkg}`);
  for (const [file, { mutants, report, range }] of entries.sort()) {
    const t = tally(mutants);
    for (const k of Object.keys(sum)) sum[k] += t[k];
    console.log(
      `  ${relative(`packages/${pkg}`, file).padEnd(28)} ${percent(t).padStart(7)}  ` +
        `${t.killed} of ${t.killed + t.survived + t.noCoverage}, ${t.ignored} marked` +
        `${t.static > 0 ? `, ${t.static} static not run` : ''}${range ? `, lines ${range} only` : ''}` +
        `  (${relative(root, report)})`,
    );
    if (showSurvivors) {
      for (const m of mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage')) {
        const at = `${m.location.start.line}:${m.location.start.column}`;
        console.log(
          `      ${m.status} ${at} ${m.mutatorName} → ${JSON.stringify(m.replacement ?? '')}`,
        );
      }
    }
  }
  const measured = new Set(entries.map(([file]) => file));
  let missing = [];
  try {
    missing = sources(`packages/${pkg}/src`).filter((f) => !measured.has(f));
  } catch {}
  console.log(
    `  total ${percent(sum)} (${sum.killed} of ${sum.killed + sum.survived + sum.noCoverage}; ` +
      `${sum.ignored} marked equivalent${sum.static > 0 ? `, ${sum.static} static not run` : ''})${missing.length > 0 ? `; in no report (not measured, or no mutants: type-only): ${missing.map((f) => relative(`packages/${pkg}`, f)).join(', ')}` : ''}`,
  );
}
