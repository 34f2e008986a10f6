// Command line: `node dist/e2e.js [--quick] [--runs=N] [--duration=MS] [--only=raw,rerpc]
// [--scenarios=seq,c100] [--out=DIR | --promote] [--render=FILE]`; --scenarios= also takes a
// transport's name (tcp, http, ws) for all of its scenarios. BENCH_QUICK=1 is the same as
// --quick; --readme is the old name of --promote.

export interface Settings {
  quick: boolean;
  /** Measured runs per scenario and contender (the median is reported). */
  runs: number;
  /** Measured runs of the stress burst (each is 10,000 calls, slow for some peers). */
  stressRuns: number;
  /** Measured phase of a closed-loop run, ms. */
  durationMs: number;
  /**
   * Warm-up before a contender's first run: at least `firstWarmupMs`, and until `warmupCalls`
   * calls completed (so that the JIT has seen every path), at most `warmupMaxMs`. Before each
   * later run: `warmupMs`.
   */
  firstWarmupMs: number;
  warmupCalls: number;
  warmupMaxMs: number;
  warmupMs: number;
  /** Cap on calls per closed-loop run, so a run stays bounded even if the clock misbehaves. */
  maxCalls: number;
  /** Wait for outstanding calls after a run, ms; stress waits `stressDrainMs` for its burst. */
  drainMs: number;
  stressDrainMs: number;
  only: string[] | null;
  scenarios: string[] | null;
  /** Write the results here instead of results/local/. */
  outDir: string | null;
  /**
   * Write the committed results/latest.{json,md,svg} and paste the tables and chart into
   * README.md between its e2e markers; without it a run writes only to results/local/ (ignored).
   */
  promote: boolean;
  /** Re-draw the tables and chart from this saved latest.json instead of running. */
  render: string | null;
}

function value(args: string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

function positiveInt(args: string[], name: string): number | undefined {
  const raw = value(args, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} must be an integer >= 1, got ${raw}`);
  return n;
}

function list(args: string[], name: string): string[] | null {
  const raw = value(args, name);
  return raw === undefined ? null : raw.split(',').filter((s) => s.length > 0);
}

export function parseSettings(args: string[], env: NodeJS.ProcessEnv = process.env): Settings {
  const known = ['--quick', '--promote', '--readme', '--'];
  const prefixes = ['--runs=', '--duration=', '--only=', '--scenarios=', '--out=', '--render='];
  for (const a of args) {
    if (!known.includes(a) && !prefixes.some((p) => a.startsWith(p))) {
      throw new Error(
        `unknown argument ${a}; known: ${[...known.slice(0, 2), ...prefixes].join(' ')}`,
      );
    }
  }
  const promote = args.includes('--promote') || args.includes('--readme');
  const outDir = value(args, 'out') ?? null;
  if (promote && outDir !== null) {
    throw new Error('--promote writes results/ and README.md; it cannot be combined with --out');
  }
  const quick = args.includes('--quick') || env['BENCH_QUICK'] === '1';
  return {
    quick,
    runs: positiveInt(args, 'runs') ?? (quick ? 3 : 5),
    stressRuns: positiveInt(args, 'runs') ?? (quick ? 2 : 5),
    durationMs: positiveInt(args, 'duration') ?? (quick ? 300 : 2000),
    firstWarmupMs: quick ? 300 : 1000,
    warmupCalls: quick ? 3000 : 20_000,
    warmupMaxMs: quick ? 1000 : 4000,
    warmupMs: quick ? 100 : 300,
    maxCalls: 5_000_000,
    drainMs: 10_000,
    stressDrainMs: quick ? 20_000 : 30_000,
    only: list(args, 'only'),
    scenarios: list(args, 'scenarios'),
    outDir,
    promote,
    render: value(args, 'render') ?? null,
  };
}
