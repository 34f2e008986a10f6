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
        enabled: options.typecheck === true,
        include: ['test/**/*.test-d.ts'],
        tsconfig: './tsconfig.json',
      },
    },
  });
}
