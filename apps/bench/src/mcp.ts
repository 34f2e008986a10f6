// `pnpm --filter @rerpc/bench bench:mcp` (build first: `pnpm turbo run build
// --filter=@rerpc/bench...`, which builds the examples too): MCP tools/call latency through the
// official SDK's stdio client, rerpc's mcp-server example vs a server built with the SDK, in one
// interleaved run. Options: --quick, --runs=N, --calls=N, --warmup=N, --out=DIR. Writes mcp.json
// and mcp.md to results/local/ (ignored by git) or --out.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_SETTINGS,
  type McpSettings,
  QUICK_SETTINGS,
  runMcp,
  toMarkdown,
} from './mcp/run.js';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');

function parse(argv: readonly string[]): { settings: McpSettings; out: string } {
  let settings = { ...DEFAULT_SETTINGS };
  let out = join(benchDir, 'results', 'local');
  for (const arg of argv) {
    if (arg === '--') continue; // `pnpm … bench:mcp -- --quick` passes it through
    const [key, value] = arg.split('=', 2) as [string, string | undefined];
    const count = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${key} must be an integer >= 1`);
      return n;
    };
    if (key === '--quick') settings = { ...QUICK_SETTINGS };
    else if (key === '--runs') settings.runs = count();
    else if (key === '--calls') settings.calls = count();
    else if (key === '--warmup') settings.warmup = count();
    else if (key === '--out' && value) out = resolve(value);
    else
      throw new Error(
        `unknown option ${arg} (--quick, --runs=N, --calls=N, --warmup=N, --out=DIR)`,
      );
  }
  return { settings, out };
}

async function main(): Promise<void> {
  const { settings, out } = parse(process.argv.slice(2));
  const load = loadavg()[0]!;
  const cores = availableParallelism();
  const machine = `Node ${process.version}, ${cores} cores, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`;
  if (load > cores) {
    process.stderr.write(
      `[mcp] warning: load average ${load.toFixed(1)} > ${cores} cores: noisy\n`,
    );
  }
  const result = await runMcp(settings, (line) => process.stderr.write(`[mcp] ${line}\n`));
  const markdown = toMarkdown(result, `${machine}, load ${load.toFixed(1)}`);
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'mcp.json'),
    `${JSON.stringify({ machine, loadAverage: loadavg(), date: new Date().toISOString(), ...result }, null, 2)}\n`,
  );
  writeFileSync(join(out, 'mcp.md'), markdown);
  process.stdout.write(markdown);
  process.stderr.write(`[mcp] wrote ${join(out, 'mcp.json')} and mcp.md\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
