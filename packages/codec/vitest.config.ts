import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.ts';

// --expose-gc: test/issue-11.test.ts checks, through WeakRefs and a full collection, that a
// decoder holding a drip-fed frame no longer keeps the buffers the bytes arrived in.
export default mergeConfig(packageTestConfig(), { test: { execArgv: ['--expose-gc'] } });
