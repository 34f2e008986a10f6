import { defineConfig } from 'vitest/config';

// `pnpm vitest` from the root runs every package's suite; CI runs them per package through turbo.
export default defineConfig({ test: { projects: ['packages/*', 'apps/*'] } });
