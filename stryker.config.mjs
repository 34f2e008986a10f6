// StrykerJS config for `pnpm mutation` (scripts/mutation.mjs sets RERPC_MUTATION_PACKAGE and
// passes any Stryker CLI flags through). Stryker runs from the repo root and its sandbox is a
// slice of the repo: the package under test plus the root files every package config imports
// (vitest.shared.ts, tsconfig.base.json), at the same relative paths, so each package's
// `vitest.config.ts` (`import '../../vitest.shared.ts'`) works unchanged in the sandbox.
const pkg = process.env.RERPC_MUTATION_PACKAGE;
if (!pkg) throw new Error('run mutation testing with `pnpm mutation <package>` (see README)');
const dir = `packages/${pkg}`;
// RERPC_MUTATION_REPORTS moves the reports (and the --incremental file), so that two runs on
// different files of one package can go side by side without overwriting each other.
const reports = process.env.RERPC_MUTATION_REPORTS ?? `reports/mutation/${pkg}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  plugins: ['@stryker-mutator/vitest-runner'],
  testRunner: 'vitest',
  vitest: { configFile: `${dir}/vitest.config.ts`, dir },
  coverageAnalysis: 'perTest',
  // V8 flags reach vitest's worker threads from the process (packages/codec's GC tests need it).
  testRunnerNodeArgs: ['--expose-gc'],
  // index.ts only re-exports; a mutant there is a missing export, which typecheck catches.
  mutate: [`${dir}/src/**/*.ts`, `!${dir}/src/index.ts`],
  // dist/ stays: a few tests check the build itself (they cannot kill a mutant in src/).
  ignorePatterns: [
    '/*',
    '!/package.json',
    '!/tsconfig.base.json',
    '!/vitest.shared.ts',
    '!/packages',
    '/packages/*',
    `!/${dir}`,
    `/${dir}/.vitest`,
  ],
  // 2 cores: one test-runner process leaves the other core to vitest's own work and to others.
  concurrency: 1,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${reports}/index.html` },
  jsonReporter: { fileName: `${reports}/mutation.json` },
  // Every run records what it found, so the next one (same report folder) retests only mutants
  // whose code or covering tests changed; `--force` retests everything.
  incremental: true,
  incrementalFile: `${reports}/stryker-incremental.json`,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 90, low: 80, break: null },
};
