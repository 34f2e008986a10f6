import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CEILING, contenders, legend, lineup, OURS } from '../src/e2e/contenders.js';
import { type Scenario, scenarios, selectScenarios, transports } from '../src/e2e/scenarios.js';

// Which contender runs which scenario, and what --scenarios= selects: pure tables.

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'e2e');

function byId(id: string): Scenario {
  return scenarios.find((s) => s.id === id)!;
}

function plan(id: string): [string, string | null][] {
  return lineup(byId(id), contenders).map((e) => [e.contender.name, e.cannot]);
}

describe('scenarios per transport', () => {
  it('keeps the TCP scenarios and their contenders as they were, in the same order', () => {
    expect(selectScenarios(['tcp']).map((s) => s.id)).toEqual([
      'seq',
      'c100',
      'payload10k',
      'stress',
      'conns',
    ]);
    for (const s of selectScenarios(['tcp'])) {
      expect(lineup(s, contenders).map((e) => [e.contender.server, e.contender.client])).toEqual([
        ['raw', 'raw'],
        ['rerpc', 'rerpc'],
        ['rerpc', 'raw'],
        ['jayson', 'jayson'],
        ['vscode-jsonrpc', 'vscode-jsonrpc'],
        ['json-rpc-2.0', 'json-rpc-2.0'],
      ]);
      expect(s.batch).toBe(1);
    }
  });

  it('runs seq, c100 and batch10 over HTTP and WebSocket, each with its own raw ceiling and rerpc', () => {
    expect(selectScenarios(['http', 'ws']).map((s) => s.id)).toEqual([
      'http-seq',
      'http-c100',
      'http-batch10',
      'ws-seq',
      'ws-c100',
      'ws-batch10',
    ]);
    for (const t of transports) {
      const names = contenders.filter((c) => c.transport === t).map((c) => c.name);
      expect(names[0]).toBe(CEILING);
      expect(names.filter((n) => n === CEILING || n === OURS)).toEqual([CEILING, OURS]);
      expect(new Set(names).size).toBe(names.length);
    }
    expect(plan('http-c100').map(([name]) => name)).toEqual([
      'raw',
      'rerpc',
      'rerpc-server+raw-client',
      'jayson',
      'json-rpc-2.0',
      'rerpc-autobatch',
    ]);
    expect(plan('ws-seq').map(([name]) => name)).toEqual([
      'raw',
      'rerpc',
      'rerpc-server+raw-client',
      'jayson',
      'json-rpc-2.0',
      'rerpc-autobatch',
      'rpc-websockets',
    ]);
  });

  it('marks a contender whose client has no batches as unable to run the batch scenarios only', () => {
    expect(plan('ws-c100').every(([, cannot]) => cannot === null)).toBe(true);
    const batch = plan('ws-batch10');
    expect(batch.filter(([, cannot]) => cannot !== null)).toEqual([
      ['rpc-websockets', 'rpc-websockets 10.0.1 has no batch call in its client'],
    ]);
    expect(plan('http-batch10').every(([, cannot]) => cannot === null)).toBe(true);
  });

  it('selects scenarios by id or by transport, in table order, and refuses unknown names', () => {
    expect(selectScenarios(null)).toHaveLength(scenarios.length);
    expect(selectScenarios(['ws-c100', 'seq', 'http']).map((s) => s.id)).toEqual([
      'seq',
      'http-seq',
      'http-c100',
      'http-batch10',
      'ws-c100',
    ]);
    expect(() => selectScenarios(['http-conns'])).toThrow(
      /unknown scenario http-conns; known: seq, .*, or a transport: tcp, http, ws/,
    );
  });

  it('names server and client files that exist, and one colour per contender across transports', () => {
    for (const c of contenders) {
      expect(existsSync(join(src, 'servers', `${c.server}.ts`)), c.server).toBe(true);
      expect(existsSync(join(src, 'clients', `${c.client}.ts`)), c.client).toBe(true);
    }
    const names = legend(contenders);
    expect(names.map((c) => c.name)).toEqual([
      'raw',
      'rerpc',
      'rerpc-server+raw-client',
      'jayson',
      'vscode-jsonrpc',
      'json-rpc-2.0',
      'rerpc-autobatch',
      'rpc-websockets',
    ]);
    for (const c of contenders) {
      expect(c.color).toBe(names.find((n) => n.name === c.name)!.color);
    }
  });
});
