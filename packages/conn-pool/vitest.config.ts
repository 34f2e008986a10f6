import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.ts';

// Under Stryker (`pnpm mutation conn-pool`) many mutants leave an acquire or a close pending
// forever. At the shared 30 s test timeout Stryker's own timeout (about 5 s) fires first, and it
// restarts the test runner for each such mutant: on a loaded 2-core machine the baseline crawled
// at a few mutants a minute. Every test here takes under half a second even then (the slowest
// dials 1,000 loopback sockets), so a hung test fails at 2.5 s instead: killed, and the runner
// stays up.
const testTimeout = process.env.STRYKER_MUTATOR_WORKER === undefined ? 30_000 : 2_500;
export default mergeConfig(packageTestConfig(), {
  test: { testTimeout, hookTimeout: testTimeout },
});
