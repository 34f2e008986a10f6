// Old vitest reports would be counted again if a package's tests failed to start this time.
import { rmSync } from 'node:fs';
import { reportPath, workspaces } from './workspaces.mjs';

for (const { dir } of workspaces()) rmSync(reportPath(dir), { force: true });
