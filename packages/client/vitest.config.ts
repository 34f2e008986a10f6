import { packageTestConfig } from '../../vitest.shared.ts';

// Under Stryker (`pnpm mutation client`): browser-bundle and process-lifetime run only dist/ (an
// esbuild bundle, child processes); endpoints (51 s) and shutdown-handshake (9 s) kill and
// restart server processes; stream (9 s) spawns a child per test. Sharing one module graph took
// a 65 s suite's import overhead from 57 s to 14 s; no test relies on fresh module state.
export default packageTestConfig({
  typecheck: true,
  mutation: {
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
