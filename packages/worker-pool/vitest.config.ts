import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.ts';

// Under Stryker (`pnpm mutation worker-pool`) many mutants leave a task, an onIdle() or a close()
// pending forever. At the shared 30 s test timeout Stryker's own timeout (about 5 s) fires first
// and restarts the test runner for each such mutant: on a loaded 2-core machine the baseline
// crawled at a few mutants a minute. Every test here but the child-process ones (which give
// themselves 30 s and cover no src/) takes under a second even then, so a hung test fails at 5 s
// instead: killed, and the runner stays up. The test files also share one module graph
// (isolate: false, as in packages/client): no test relies on fresh module state.
const stryker = process.env.STRYKER_MUTATOR_WORKER !== undefined;
const testTimeout = stryker ? 5_000 : 30_000;
export default mergeConfig(packageTestConfig(), {
  test: { testTimeout, hookTimeout: testTimeout, isolate: !stryker },
});
