import { packageTestConfig } from '../../vitest.shared.ts';

// Under Stryker many mutants leave an acquire or a close pending forever. Every test here takes
// under half a second even on a loaded machine (the slowest dials 1,000 loopback sockets), so a
// hung one fails at 2.5 s: killed, and the runner stays up.
export default packageTestConfig({ mutation: { testTimeout: 2_500 } });
