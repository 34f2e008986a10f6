import os from 'node:os';
import type { Build } from './build.js';
import { type CloseResult, close } from './close.js';
import { type DeepResult, deep } from './deep.js';
import { type DripResult, drip } from './drip.js';
import type { ScenarioName, Settings } from './settings.js';
import { type StarveResult, starve } from './starve.js';

/** Every run of every scenario against one build: what `<label>.json` holds. */
export interface HostileResults {
  label: string;
  date: string;
  node: string;
  machine: { cpus: number; model: string; loadavg: number[] };
  server: string;
  client: string;
  settings: Omit<Settings, 'label' | 'root' | 'server' | 'client' | 'out' | 'render'>;
  drip: { ndjson: DripResult[]; contentLength: DripResult[] };
  deep: DeepResult[];
  starve: StarveResult[];
  close: CloseResult[];
}

export type Progress = (line: string) => void;

/** Runs the chosen scenarios `settings.runs` times each against `build`, one after another. */
export async function runHostile(
  build: Build,
  settings: Settings,
  progress: Progress = () => {},
): Promise<HostileResults> {
  const { label: _l, root: _r, server: _s, client: _c, out: _o, render: _d, ...kept } = settings;
  const results: HostileResults = {
    label: build.label,
    date: new Date().toISOString(),
    node: process.version,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '?', loadavg: os.loadavg() },
    server: build.server,
    client: build.client,
    settings: kept,
    drip: { ndjson: [], contentLength: [] },
    deep: [],
    starve: [],
    close: [],
  };
  const want = (s: ScenarioName) => settings.scenarios.includes(s);
  for (let run = 1; run <= settings.runs; run++) {
    const tag = `[${build.label} ${run}/${settings.runs}]`;
    if (want('drip')) {
      for (const framing of ['ndjson', 'content-length'] as const) {
        const r = await drip(build, { ...settings.drip, framing });
        (framing === 'ndjson' ? results.drip.ndjson : results.drip.contentLength).push(r);
        progress(
          `${tag} drip ${framing}: ${r.bytesHeld} bytes held in ${r.reads} reads, RSS +${mb(r.rssGrowth)} MB = ${r.rssPerByte.toFixed(1)} B/B (second half ${r.rssPerByteSecondHalf.toFixed(1)})`,
        );
      }
    }
    if (want('deep')) {
      const r = await deep(build, settings.deep);
      results.deep.push(r);
      progress(
        `${tag} deep: CPU/frame deep ${r.deep.cpuMsPerFrame.toFixed(1)} ms, flat ${r.flat.cpuMsPerFrame.toFixed(1)} ms; ping p99 idle ${r.idle.p99.toFixed(2)} / flat ${r.flat.ping.p99.toFixed(2)} / deep ${r.deep.ping.p99.toFixed(2)} ms`,
      );
    }
    if (want('starve')) {
      const r = await starve(build, settings.starve);
      results.starve.push(r);
      progress(
        `${tag} starve: ping p99 idle ${r.idle.p99.toFixed(2)} ms, attacked ${r.attacked.p99.toFixed(2)} ms (max ${r.attacked.max.toFixed(0)} ms, ${r.stalled} stalled)`,
      );
    }
    if (want('close')) {
      const r = await close(build, settings.close);
      results.close.push(r);
      progress(
        `${tag} close: ${r.calls} calls: ${r.ok} ok, ${r.notRun} not run, ${r.mayHaveRun} may have run (${r.mayHaveRunRan} ran), lost by server ${r.first?.lost ?? '?'}, hung ${r.hung}`,
      );
    }
  }
  return results;
}

function mb(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}
