// Command line of dist/hostile/main.js:
//   [--label=new] [--root=DIR | --server=PATH --client=PATH] [--scenarios=drip,deep,starve,close]
//   [--runs=N] [--quick] [--out=DIR] [--drip-bytes=N] [--render]
import type { CloseOptions } from './close.js';
import type { DeepOptions } from './deep.js';
import type { DripOptions } from './drip.js';
import type { StarveOptions } from './starve.js';

export const SCENARIOS = ['drip', 'deep', 'starve', 'close'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Settings {
  label: string;
  root: string | undefined;
  server: string | undefined;
  client: string | undefined;
  scenarios: ScenarioName[];
  runs: number;
  quick: boolean;
  /** Run nothing: print and write the table of the results already in the output directory. */
  render: boolean;
  out: string | undefined;
  drip: Omit<DripOptions, 'framing'>;
  deep: DeepOptions;
  starve: StarveOptions;
  close: CloseOptions;
}

/** Small enough for a smoke test: every scenario in well under a second of load. */
export function quickSettings(): Pick<Settings, 'drip' | 'deep' | 'starve' | 'close'> {
  return {
    drip: { connections: 2, bytesPerConnection: 256, maxMs: 2000 },
    deep: { frameBytes: 20_000, cpuFrames: 2, phaseMs: 100, maxPings: 20 },
    starve: { slowCalls: 20, pings: 10, stallMs: 2000 },
    close: {
      connections: 2,
      inflightPerConnection: 5,
      beforeMs: 300,
      afterMs: 300,
      workMs: 1,
      maxCalls: 5000,
    },
  };
}

/** The issue's attacks, scaled to a few seconds each on a shared 2-core machine. */
export function fullSettings(): Pick<Settings, 'drip' | 'deep' | 'starve' | 'close'> {
  return {
    // 20 × 16 KiB = 320 KiB held, one byte per server read (the issue held 4.4 MB; the ratio is
    // what matters, and a byte per read is the worst case).
    drip: { connections: 20, bytesPerConnection: 16_384, maxMs: 15_000 },
    // 1,040,000 bytes: ~520,000 nested arrays, within the default maxMessageBytes (1 MiB).
    deep: { frameBytes: 1_040_000, cpuFrames: 5, phaseMs: 1500, maxPings: 5000 },
    starve: { slowCalls: 1000, pings: 200, stallMs: 2000 },
    close: {
      connections: 20,
      inflightPerConnection: 100,
      beforeMs: 2000,
      afterMs: 2000,
      workMs: 2,
      maxCalls: 1_000_000,
    },
  };
}

function value(args: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

function positiveInt(args: readonly string[], name: string, fallback: number): number {
  const text = value(args, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} must be an integer >= 1, got ${text}`);
  return n;
}

export function parseSettings(args: readonly string[]): Settings {
  const names = ['label', 'root', 'server', 'client', 'scenarios', 'runs', 'out', 'drip-bytes'];
  for (const a of args) {
    if (a === '--quick' || a === '--render' || a === '--') continue;
    if (!names.some((n) => a.startsWith(`--${n}=`))) {
      throw new Error(
        `unknown argument ${a}; known: --quick --render ${names.map((n) => `--${n}=`).join(' ')}`,
      );
    }
  }
  const quick = args.includes('--quick');
  const scenarioList = value(args, 'scenarios')?.split(',') ?? [...SCENARIOS];
  for (const s of scenarioList) {
    if (!(SCENARIOS as readonly string[]).includes(s)) {
      throw new Error(`unknown scenario ${s}; known: ${SCENARIOS.join(', ')}`);
    }
  }
  const sizes = quick ? quickSettings() : fullSettings();
  sizes.drip.bytesPerConnection = positiveInt(args, 'drip-bytes', sizes.drip.bytesPerConnection);
  return {
    label: value(args, 'label') ?? 'new',
    root: value(args, 'root'),
    server: value(args, 'server'),
    client: value(args, 'client'),
    scenarios: scenarioList as ScenarioName[],
    runs: positiveInt(args, 'runs', quick ? 1 : 3),
    quick,
    render: args.includes('--render'),
    out: value(args, 'out'),
    ...sizes,
  };
}
