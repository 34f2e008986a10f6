import { packageTestConfig } from '../../vitest.shared.ts';

// Under Stryker many mutants leave a task, an onIdle() or a close() pending forever. Every test
// here but the child-process ones (which give themselves 30 s and cover no src/) takes under a
// second even on a loaded machine, so a hung test fails at 5 s: killed, and the runner stays up.
// No test relies on fresh module state, so the files share one module graph.
export default packageTestConfig({ mutation: { testTimeout: 5_000, shareModules: true } });
