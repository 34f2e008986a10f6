import { configDefaults, mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.ts';

// Under Stryker (`pnpm mutation client`) every mutant reruns the tests that cover it, so:
// - These files are left out: they cannot kill a mutant in src/, or take seconds to tens of
//   seconds each on 2 cores. browser-bundle and process-lifetime run only dist/ (an esbuild
//   bundle, child processes); endpoints (51 s) and shutdown-handshake (9 s) kill and restart
//   server processes; stream (9 s) spawns a child per test.
// - The test files share one module graph (isolate: false): each file re-importing src/ and its
//   dependencies was 57 s of a 65 s suite's overhead, paid again by every mutant. The suite passes
//   either way (no test relies on fresh module state).
const stryker = process.env.STRYKER_MUTATOR_WORKER !== undefined;
const slowUnderStryker = [
  'test/browser-bundle.test.ts',
  'test/process-lifetime.test.ts',
  'test/endpoints.test.ts',
  'test/shutdown-handshake.test.ts',
  'test/stream.test.ts',
];

export default mergeConfig(packageTestConfig({ typecheck: true }), {
  test: {
    exclude: stryker ? [...configDefaults.exclude, ...slowUnderStryker] : configDefaults.exclude,
    isolate: !stryker,
  },
});
