// `pnpm bench:e2e` (from the root; `-- --quick` for a short run): every end-to-end scenario for
// every contender, each server and each client in its own process. This process only
// coordinates; it writes results/latest.{json,md,svg}. See README.md for options.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAll } from './e2e/children.js';
import { echoBytes } from './e2e/methods.js';
import { type Machine, runBench } from './e2e/orchestrate.js';
import { toMarkdown } from './e2e/report.js';
import { parseSettings } from './e2e/settings.js';
import { toSvg } from './e2e/svg.js';

const distDir = dirname(fileURLToPath(import.meta.url));
const benchDir = join(distDir, '..');

function progress(line: string): void {
  process.stderr.write(`[e2e] ${line}\n`);
}

function machine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: availableParallelism(),
    node: process.version,
    platform: `${platform()} ${release()}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: loadavg(),
    date: new Date().toISOString(),
  };
}

const README_BEGIN = '<!-- e2e:begin -->';
const README_END = '<!-- e2e:end -->';

function updateReadme(markdown: string): void {
  const path = join(benchDir, 'README.md');
  const text = readFileSync(path, 'utf8');
  const begin = text.indexOf(README_BEGIN);
  const end = text.indexOf(README_END);
  if (begin === -1 || end < begin) {
    throw new Error(`README.md has no ${README_BEGIN} … ${README_END} block to replace`);
  }
  const block = `${README_BEGIN}\n${markdown}\n![end-to-end ratios to raw](results/latest.svg)\n${README_END}`;
  writeFileSync(path, text.slice(0, begin) + block + text.slice(end + README_END.length));
}

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  const outDir = settings.outDir === null ? join(benchDir, 'results') : resolve(settings.outDir);
  progress(
    `${settings.quick ? 'quick' : 'full'} run: ${settings.runs} runs × ${settings.durationMs} ms per scenario and contender`,
  );
  const result = await runBench(settings, distDir, machine(), echoBytes, progress);
  const markdown = toMarkdown(result);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(outDir, 'latest.md'), markdown);
  writeFileSync(join(outDir, 'latest.svg'), toSvg(result));
  if (settings.readme) updateReadme(markdown);
  process.stdout.write(`\n${markdown}`);
  progress(`wrote ${join(outDir, 'latest.{json,md,svg}')} in ${result.totalSeconds.toFixed(0)} s`);
}

// Children are killed by PID however this process ends: normally, on error, or on a signal.
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

main().then(
  () => {
    killAll();
  },
  (err: unknown) => {
    killAll();
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  },
);
