// `pnpm test [--force]`: builds what the tests need and runs every package's tests through
// turbo, printing one line per task, the log of any task that failed, and the count line of
// scripts/test-summary.mjs ("N passed, N failed"). `--force` re-runs everything past turbo's
// cache (`pnpm test -- --force` works too). Under CI (CI set) the count line is left to .ci/run,
// which prints it once as its last line. Exit code: non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { report, runTurbo } from './turbo-progress.mjs';

const args = process.argv.slice(2).filter((a) => a !== '--');
const unknown = args.filter((a) => a !== '--force');
if (unknown.length > 0) {
  process.stderr.write(
    `pnpm test: unknown argument ${unknown.join(' ')}\n` +
      'usage: pnpm test [--force]   (--force re-runs every build and test past turbo’s cache;\n' +
      '       to test one package: cd packages/<name> && pnpm test)\n',
  );
  process.exit(2);
}
const force = args.includes('--force');

await import('./clean-reports.mjs');
const result = await runTurbo(['run', 'test', '--continue=always', ...(force ? ['--force'] : [])], {
  intro: `${force ? 'rebuilding and re-running' : 'building and testing'} every package (a cold run takes a few minutes; later runs are cached)…`,
});
report(result, 'ok');
const { ran, total } = result.log.counts();
if (total > 0 && ran === 0) {
  console.log('every result came from turbo’s cache; `pnpm test --force` runs them all again');
}
let code = result.code;
if (!process.env.CI) {
  console.log('');
  const summary = spawnSync(process.execPath, ['scripts/test-summary.mjs'], { stdio: 'inherit' });
  if (summary.status !== 0) code ||= summary.status ?? 1;
}
process.exit(code);
