import { packageTestConfig } from '../../vitest.shared.ts';

// Under Stryker (`pnpm mutation client`): browser-bundle and process-lifetime run only dist/ (an
// esbuild bundle, child processes); endpoints (51 s) and shutdown-handshake (9 s) kill and
// restart server processes; stream (9 s) spawns a child per test. Sharing one module graph took
// a 65 s suite's import overhead from 57 s to 14 s; no test relies on fresh module state. Every
// test left finishes in under 2 s, so a mutant that leaves a call pending fails at 10 s and the
// runner stays up (Stryker's own timeout would restart it).
export default packageTestConfig({
  typecheck: true,
  mutation: {
    testTimeout: 10_000,
    shareModules: true,
    exclude: [
      'test/browser-bundle.test.ts',
      'test/process-lifetime.test.ts',
      'test/endpoints.test.ts',
      'test/shutdown-handshake.test.ts',
      'test/stream.test.ts',
    ],
  },
});
