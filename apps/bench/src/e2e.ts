// `pnpm bench:e2e` (from the root; `-- --quick` for a short run): every end-to-end scenario for
// every contender, each server and each client in its own process. This process only
// coordinates; it writes results/local/latest.{json,md,svg} (ignored by git), or with --promote
// the committed results/latest.{json,md,svg} and the README block. See README.md for options.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAll } from './e2e/children.js';
import { echoBytes } from './e2e/methods.js';
import { type BenchResult, type Machine, recompute, runBench } from './e2e/orchestrate.js';
import { machineWarnings, outputPlan } from './e2e/output.js';
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
  const plan = outputPlan(settings, benchDir);
  let result: BenchResult;
  if (settings.render !== null) {
    progress(`re-drawing the tables and the chart from ${settings.render} (nothing is run)`);
    result = recompute(JSON.parse(readFileSync(resolve(settings.render), 'utf8')) as BenchResult);
  } else {
    const facts = machine();
    progress(
      `${settings.quick ? 'quick' : 'full'} run: ${settings.runs} runs × ${settings.durationMs} ms per scenario and contender`,
    );
    for (const warning of machineWarnings(facts)) progress(`WARNING: ${warning}`);
    result = await runBench(settings, distDir, facts, echoBytes, progress);
  }
  const markdown = toMarkdown(result);
  mkdirSync(plan.dir, { recursive: true });
  writeFileSync(join(plan.dir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(plan.dir, 'latest.md'), markdown);
  writeFileSync(join(plan.dir, 'latest.svg'), toSvg(result));
  if (plan.readme) updateReadme(markdown);
  process.stdout.write(`\n${markdown}`);
  const written = join(plan.dir, 'latest.{json,md,svg}');
  const near = relative(process.cwd(), written);
  const shown = near.startsWith('..') ? written : near;
  const took = settings.render === null ? ` in ${result.totalSeconds.toFixed(0)} s` : '';
  progress(`wrote ${shown}${plan.readme ? ' and README.md' : ''}${took}`);
  if (!plan.promoted && settings.outDir === null) {
    progress(
      '(ignored by git; rerun with --promote to write the committed results/latest.* and README block)',
    );
  }
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
