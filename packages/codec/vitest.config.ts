import { mergeConfig } from 'vitest/config';
import { packageTestConfig, underStryker } from '../../vitest.shared.ts';

// --expose-gc: test/issue-11.test.ts checks, through WeakRefs and a full collection, that a
// decoder holding a drip-fed frame no longer keeps the buffers the bytes arrived in.
// Stryker's vitest runner uses worker threads, which refuse V8 flags in execArgv: there the flag
// comes from stryker.config.mjs (testRunnerNodeArgs) and reaches every thread.
const execArgv = underStryker ? [] : ['--expose-gc'];
export default mergeConfig(packageTestConfig(), { test: { execArgv } });
