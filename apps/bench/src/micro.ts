// `pnpm bench` (turbo run bench): every package's micro-benchmarks, one suite after another.
// `node dist/micro.js codec pools` runs only the named suites; `--quick` shortens each.
import { suites } from './micro/index.js';

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
for (const [name, run] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  await run();
}
