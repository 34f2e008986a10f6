import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

// Two entries: `.` (the executor) and `./threads` (the thread pool, the only one that loads
// piscina). Splitting puts what both use (the core, the errors) in one shared chunk, so an error
// class is the same object whichever entry it came from.
export default defineConfig({
  ...packageBuild,
  entry: ['src/index.ts', 'src/threads.ts'],
  splitting: true,
});
