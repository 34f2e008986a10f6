// Where a run's results go, and what the machine looked like when it started: pure functions,
// so that the rules are tested without running a benchmark.
import { join, resolve } from 'node:path';
import type { Settings } from './settings.js';

export interface OutputPlan {
  /** Directory for latest.{json,md,svg}. */
  dir: string;
  /** Paste the tables and the chart into README.md (only when promoting). */
  readme: boolean;
  /** True when the committed files (results/latest.*, README) are written. */
  promoted: boolean;
}

/**
 * A run writes to `results/local/` (ignored by git) unless told otherwise: `--promote` writes the
 * committed `results/latest.*` and pastes the README block; `--out=DIR` writes to DIR.
 */
export function outputPlan(
  settings: Pick<Settings, 'promote' | 'outDir'>,
  benchDir: string,
): OutputPlan {
  if (settings.promote) return { dir: join(benchDir, 'results'), readme: true, promoted: true };
  if (settings.outDir !== null) {
    return { dir: resolve(settings.outDir), readme: false, promoted: false };
  }
  return { dir: join(benchDir, 'results', 'local'), readme: false, promoted: false };
}

/** What makes this run's numbers suspect before it starts: a machine already busy. */
export function machineWarnings(machine: { loadAverage: number[]; cores: number }): string[] {
  const load1 = machine.loadAverage[0] ?? 0;
  if (load1 <= machine.cores) return [];
  return [
    `the 1-minute load average was ${load1.toFixed(2)} at the start, above the ${machine.cores} cores: ` +
      'other work was competing for the CPU, so these numbers are noisy; rerun on a quiet machine before promoting them',
  ];
}
