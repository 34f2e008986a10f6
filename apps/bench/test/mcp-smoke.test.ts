import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runMcp, serverFiles, toMarkdown } from '../src/mcp/run.js';

// The MCP latency bench in a tiny configuration: the shape of what it reports, never how fast.
describe('bench:mcp, tiny', () => {
  it('finds both built example servers', () => {
    const files = serverFiles();
    expect(existsSync(files.rerpc)).toBe(true);
    expect(existsSync(files.sdk)).toBe(true);
  });

  it('measures both servers through the SDK client, run by run, and tabulates them', async () => {
    const lines: string[] = [];
    const result = await runMcp({ runs: 2, calls: 5, warmup: 1 }, (line) => lines.push(line));
    expect(lines).toHaveLength(2);
    expect(result.servers.map((s) => s.server)).toEqual(['rerpc', 'sdk']);
    for (const s of result.servers) {
      expect(s.runs).toHaveLength(2);
      expect(s.p50).toBeGreaterThan(0);
      expect(s.p90).toBeGreaterThanOrEqual(s.p50);
    }
    expect(result.ratioP50).toBeGreaterThan(0);
    expect(result.runRatios).toHaveLength(2);
    const table = toMarkdown(result, 'test machine');
    expect(table).toContain('| rerpc mcp-server |');
    expect(table).toContain('| SDK McpServer |');
    expect(table).toContain('2 runs × 5 calls per server, interleaved; test machine');
    expect(table).toContain('p50 ratio within each run: ');
  }, 60_000);
});
