// The round trip of an MCP `tools/call` through the official SDK's stdio client, against two
// servers in the same run: rerpc's mcp-server example and a server built with the SDK itself
// (apps/examples mcp-sdk-server). Both are spawned once; their calls are interleaved one by one
// (rerpc, sdk, rerpc, sdk…), so both see the same machine at the same moments.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { median, spread } from '../e2e/stats.js';

export const SERVERS = ['rerpc', 'sdk'] as const;
export type ServerName = (typeof SERVERS)[number];

export interface McpSettings {
  /** Measured runs; each is `calls` calls per server. */
  runs: number;
  calls: number;
  /** Unmeasured calls per server before the first run. */
  warmup: number;
}

export const DEFAULT_SETTINGS: McpSettings = { runs: 5, calls: 2000, warmup: 500 };
export const QUICK_SETTINGS: McpSettings = { runs: 3, calls: 300, warmup: 100 };

/** One run of one server: its calls' latency quantiles, microseconds. */
export interface RunLatency {
  p50: number;
  p90: number;
}

export interface ServerResult {
  server: ServerName;
  runs: RunLatency[];
  /** Medians over the runs. */
  p50: number;
  p90: number;
  /** (max - min) / median of the runs' p50. */
  spread: number;
}

export interface McpResult {
  settings: McpSettings;
  servers: ServerResult[];
  /** rerpc's p50 ÷ sdk's p50 (below 1: rerpc answers faster). */
  ratioP50: number;
  ratioP90: number;
  /** The same p50 ratio within each run (both servers measured side by side in it). */
  runRatios: number[];
}

/** The built example servers, from the @rerpc/examples workspace package. */
export function serverFiles(): Record<ServerName, string> {
  const require = createRequire(import.meta.url);
  const dist = join(dirname(require.resolve('@rerpc/examples/package.json')), 'dist');
  return { rerpc: join(dist, 'mcp-server.js'), sdk: join(dist, 'mcp-sdk-server.js') };
}

/** Nearest-rank quantile of ascending `sorted` (non-empty). */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function connect(file: string): Promise<Client> {
  const client = new Client({ name: 'rerpc-bench', version: '0.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [file] }));
  return client;
}

const ARGS = { name: 'add', arguments: { a: 2, b: 3 } };

async function call(client: Client): Promise<number> {
  const start = process.hrtime.bigint();
  const result = await client.callTool(ARGS);
  const micros = Number(process.hrtime.bigint() - start) / 1000;
  const text = (result.content as Array<{ text?: string }>)[0]?.text;
  if (text !== '5') throw new Error(`unexpected tools/call result ${JSON.stringify(result)}`);
  return micros;
}

/** Runs the whole measurement; `progress` gets one line per run. */
export async function runMcp(
  settings: McpSettings,
  progress: (line: string) => void,
): Promise<McpResult> {
  const files = serverFiles();
  const clients = new Map<ServerName, Client>();
  try {
    for (const name of SERVERS) clients.set(name, await connect(files[name]));
    for (let i = 0; i < settings.warmup; i++) {
      for (const name of SERVERS) await call(clients.get(name)!);
    }
    const runs = new Map<ServerName, RunLatency[]>(SERVERS.map((n) => [n, []]));
    for (let run = 0; run < settings.runs; run++) {
      const samples = new Map<ServerName, number[]>(SERVERS.map((n) => [n, []]));
      // Alternate which server goes first in each pair, run by run.
      const order = run % 2 === 0 ? SERVERS : [...SERVERS].reverse();
      for (let i = 0; i < settings.calls; i++) {
        for (const name of order) samples.get(name)!.push(await call(clients.get(name)!));
      }
      const line: string[] = [];
      for (const name of SERVERS) {
        const sorted = samples.get(name)!.sort((a, b) => a - b);
        const latency = { p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9) };
        runs.get(name)!.push(latency);
        line.push(`${name} p50 ${latency.p50.toFixed(0)} µs p90 ${latency.p90.toFixed(0)} µs`);
      }
      progress(`run ${run + 1}/${settings.runs}: ${line.join(', ')}`);
    }
    const servers = SERVERS.map((server): ServerResult => {
      const r = runs.get(server)!;
      return {
        server,
        runs: r,
        p50: median(r.map((x) => x.p50)),
        p90: median(r.map((x) => x.p90)),
        spread: spread(r.map((x) => x.p50)),
      };
    });
    const [rerpc, sdk] = servers as [ServerResult, ServerResult];
    return {
      settings,
      servers,
      ratioP50: rerpc.p50 / sdk.p50,
      ratioP90: rerpc.p90 / sdk.p90,
      runRatios: rerpc.runs.map((r, i) => r.p50 / sdk.runs[i]!.p50),
    };
  } finally {
    // Closing ends each child's stdin; both exit on their own.
    for (const client of clients.values()) await client.close();
  }
}

/** The result as a Markdown table. */
export function toMarkdown(result: McpResult, machine: string): string {
  const rows = result.servers.map(
    (s) =>
      `| ${s.server === 'rerpc' ? 'rerpc mcp-server' : 'SDK McpServer'} | ${s.p50.toFixed(0)} | ${s.p90.toFixed(0)} | ${(s.spread * 100).toFixed(1)}% |`,
  );
  const { runs, calls } = result.settings;
  return [
    `MCP \`tools/call\` round trip through the SDK's stdio client (${runs} runs × ${calls} calls per server, interleaved; ${machine})`,
    '',
    '| server | p50 µs | p90 µs | spread of p50 over runs |',
    '|---|---:|---:|---:|',
    ...rows,
    '',
    `rerpc ÷ SDK: p50 ${result.ratioP50.toFixed(2)}, p90 ${result.ratioP90.toFixed(2)} (below 1: rerpc answers faster); p50 ratio within each run: ${result.runRatios.map((r) => r.toFixed(2)).join(', ')}`,
    '',
  ].join('\n');
}
