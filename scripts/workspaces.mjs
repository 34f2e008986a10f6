import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every workspace folder (packages/*, apps/*) with its package.json. */
export function workspaces(root = process.cwd()) {
  const out = [];
  for (const group of ['packages', 'apps']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      const file = join(base, name, 'package.json');
      if (!existsSync(file)) continue;
      out.push({ dir: join(base, name), pkg: JSON.parse(readFileSync(file, 'utf8')) });
    }
  }
  return out;
}

export const reportPath = (dir) => join(dir, '.vitest', 'results.json');
