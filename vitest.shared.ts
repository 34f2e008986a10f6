import { configDefaults, defineConfig } from 'vitest/config';

/** True inside a Stryker run (`pnpm mutation`), where every mutant reruns the tests that cover it. */
export const underStryker = process.env.STRYKER_MUTATOR_WORKER !== undefined;

export interface PackageTestOptions {
  /** Run `test/*.test-d.ts` type tests with `vitest --typecheck`. */
  typecheck?: boolean;
  /** Settings that apply only under Stryker; a plain `pnpm test` ignores them. */
  mutation?: {
    /**
     * A test or hook fails after this many ms instead of 30 s. Many mutants leave a promise
     * pending forever; Stryker's own timeout then fires first and restarts the test runner for
     * each of them, which on 2 cores makes a run crawl. A package whose tests all finish well
     * under it sets this, and such a mutant is killed with the runner kept.
     */
    testTimeout?: number;
    /** Test files share one module graph (`isolate: false`): re-importing src/ per file is most of a suite's time, paid again by every mutant. Only where no test relies on fresh module state. */
    shareModules?: boolean;
    /** Test files left out: ones that run only dist/ or child processes (they cannot kill a mutant in src/) and take seconds each. */
    exclude?: string[];
  };
}

/** One vitest setup for every package: tests in test/, a JSON report for .ci/run to count. */
export function packageTestConfig(options: PackageTestOptions = {}) {
  const mutation = underStryker ? (options.mutation ?? {}) : {};
  const timeout = mutation.testTimeout ?? 30_000;
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      exclude: [...configDefaults.exclude, ...(mutation.exclude ?? [])],
      isolate: mutation.shareModules !== true,
      reporters: ['default', 'json'],
      outputFile: { json: '.vitest/results.json' },
      testTimeout: timeout,
      hookTimeout: timeout,
      typecheck: {
        // Type tests pin no runtime behaviour, so a Stryker run (pnpm mutation) skips them.
        enabled: options.typecheck === true && !underStryker,
        include: ['test/**/*.test-d.ts'],
        tsconfig: './tsconfig.json',
      },
    },
  });
}
