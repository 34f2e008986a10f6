import { packageTestConfig } from '../../vitest.shared.ts';

// Under Stryker (`pnpm mutation server`): every test finishes in well under 5 s even on a
// loaded machine, so a mutant that leaves a call or a close pending fails its test there and the
// runner stays up (Stryker's own timeout restarts it). Test files share one module graph (no
// test relies on fresh module state). stdio-process runs a child process on dist/ only.
export default packageTestConfig({
  typecheck: true,
  mutation: {
    testTimeout: 5_000,
    shareModules: true,
    exclude: ['test/stdio-process.test.ts'],
  },
});
