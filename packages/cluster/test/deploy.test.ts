import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer } from '@rerpc/server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseAllDocuments } from 'yaml';

// The deployment guide's files (issue 17): the Kubernetes manifests parse as YAML and agree with
// each other, the readiness probe script works against a real server, and every file the guide
// names exists.

const root = new URL('../../../', import.meta.url);
const k8s = new URL('deploy/kubernetes/', root);
const PROBE = fileURLToPath(new URL('probe.mjs', k8s));

/** The parts of the manifests the tests read. */
interface Container {
  ports: Array<{ name: string }>;
  readinessProbe: { exec: { command: string[] } };
  lifecycle: { preStop: { exec: { command: string[] } } };
}
interface Doc {
  kind: string;
  apiVersion: string;
  spec: {
    clusterIP?: string;
    selector: { matchLabels?: Record<string, string> } & Record<string, unknown>;
    ports: Array<{ targetPort: string }>;
    strategy: { rollingUpdate: { maxUnavailable: number } };
    template: {
      metadata: { labels: Record<string, string> };
      spec: { terminationGracePeriodSeconds: number; containers: Container[] };
    };
  };
}

function manifests(): Doc[] {
  const docs: Doc[] = [];
  for (const file of readdirSync(k8s).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(readFileSync(new URL(file, k8s), 'utf8'))) {
      expect(doc.errors, file).toEqual([]);
      expect(doc.warnings, file).toEqual([]);
      docs.push(doc.toJS() as Doc);
    }
  }
  return docs;
}

function probe(port: number): Promise<number | null> {
  const child = spawn(process.execPath, [PROBE, String(port), '127.0.0.1', 'rpc.health'], {
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.once('exit', resolve));
}

describe('deploy/kubernetes', () => {
  it('parses as YAML: a Deployment and a headless Service that select its pods', () => {
    const docs = manifests();
    const deployment = docs.find((d) => d.kind === 'Deployment')!;
    const service = docs.find((d) => d.kind === 'Service')!;
    expect(deployment.apiVersion).toBe('apps/v1');
    expect(service.apiVersion).toBe('v1');
    expect(service.spec.clusterIP).toBe('None');
    const labels = deployment.spec.template.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    expect(service.spec.selector).toEqual(labels);
    const container = deployment.spec.template.spec.containers[0];
    const portNames = container!.ports.map((p) => p.name);
    expect(portNames).toContain(service.spec.ports[0]!.targetPort);
  });

  it('readiness calls the health method; preStop and the grace period cover the drain', () => {
    const deployment = manifests().find((d) => d.kind === 'Deployment')!;
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(container!.readinessProbe.exec.command).toEqual([
      'node',
      '/app/probe.mjs',
      '4000',
      '127.0.0.1',
      'rpc.health',
    ]);
    const preStop = container!.lifecycle.preStop.exec.command;
    expect(preStop[0]).toBe('sleep');
    // preStop, then the server's default closeTimeout (30 s), must end before SIGKILL.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(Number(preStop[1]) + 30);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it('probe.mjs exits 0 while the server serves, 1 once it drains and when nothing listens', async () => {
    const server = createServer({ healthMethod: 'rpc.health' });
    onTestFinished(() => server.close({ timeout: 0 }));
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    server.method('hold', () => {
      started();
      return held;
    });
    const { port } = (await server.listen({ port: 0, host: '127.0.0.1' })) as { port: number };
    expect(await probe(port)).toBe(0);
    // Draining with a call in flight: the process is alive, but not ready.
    const handled = server.handle('{"jsonrpc":"2.0","method":"hold","id":1}');
    await running;
    const closed = server.close();
    expect(await probe(port)).toBe(1);
    release();
    await handled;
    await closed;
    expect(await probe(port)).toBe(1);
  });

  it('the guide names only files that exist', () => {
    const guide = readFileSync(new URL('docs/deployment.md', root), 'utf8');
    const named = [...guide.matchAll(/\]\(\.\.\/(deploy\/[\w./-]+)\)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThanOrEqual(4);
    for (const path of named) expect(() => readFileSync(new URL(path, root)), path).not.toThrow();
  });
});
