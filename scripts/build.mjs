// `node scripts/build.mjs <package> <what>`: builds <package> and everything it depends on
// through turbo, saying what it is doing (a first build takes about a minute; later runs are
// cached and print nothing). Used by `pnpm demo` and `pnpm bench:e2e`.
import { report, runTurbo } from './turbo-progress.mjs';

const [pkg, what] = process.argv.slice(2);
if (!pkg || !what) {
  process.stderr.write('usage: node scripts/build.mjs <package> <what it is for>\n');
  process.exit(2);
}

const result = await runTurbo(['run', 'build', `--filter=${pkg}...`], {
  intro: `building ${what} (first run ~1 min; later runs are cached)…`,
});
const { ran } = result.log.counts();
// A warm run (everything cached) says nothing, so the demo's own output comes first.
if (ran > 0 || result.code !== 0) report(result, 'built');
process.exit(result.code);
