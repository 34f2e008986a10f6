import { mergeConfig } from 'vitest/config';
import { packageTestConfig, underStryker } from '../../vitest.shared.ts';

// --expose-gc: test/issue-11.test.ts checks, through WeakRefs and a full collection, that a
// decoder holding a drip-fed frame no longer keeps the buffers the bytes arrived in.
// Stryker's vitest runner uses worker threads, which refuse V8 flags in execArgv: there the flag
// comes from stryker.config.mjs (testRunnerNodeArgs) and reaches every thread.
const execArgv = underStryker ? [] : ['--expose-gc'];
// Under Stryker a test left pending by a mutant fails at 5 s, not 30 s: killed, and the runner
// stays up (an endless synchronous loop still needs Stryker's own timeout). The slowest test here
// takes about 1 s on a loaded machine (message.test.ts, NDJSON vs Content-Length on one text).
export default mergeConfig(packageTestConfig({ mutation: { testTimeout: 5_000 } }), {
  test: { execArgv },
});
