import { defineConfig } from 'vitest/config';

export interface PackageTestOptions {
  /** Run `test/*.test-d.ts` type tests with `vitest --typecheck`. */
  typecheck?: boolean;
}

/** One vitest setup for every package: tests in test/, a JSON report for .ci/run to count. */
export function packageTestConfig(options: PackageTestOptions = {}) {
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      reporters: ['default', 'json'],
      outputFile: { json: '.vitest/results.json' },
      testTimeout: 30_000,
      hookTimeout: 30_000,
      typecheck: {
        // Type tests pin no runtime behaviour, so a Stryker run (pnpm mutation) skips them.
        enabled: options.typecheck === true && process.env.STRYKER_MUTATOR_WORKER === undefined,
        include: ['test/**/*.test-d.ts'],
        tsconfig: './tsconfig.json',
      },
    },
  });
}
