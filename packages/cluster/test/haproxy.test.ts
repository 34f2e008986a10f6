import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createClient } from '@rerpc/client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { load, Watch } from './helpers.js';

// HAProxy (the Debian package) in front of three rerpc server processes, with the repo's own
// config (deploy/haproxy/haproxy.cfg, addresses from the environment): one server drains
// (SIGTERM -> close()) under load and no call is lost; HAProxy marks it down.

const CONFIG = fileURLToPath(new URL('../../../deploy/haproxy/haproxy.cfg', import.meta.url));
const SERVER = fileURLToPath(new URL('./fixtures/standalone.mjs', import.meta.url));
const HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'] as const;

const haproxy = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
// Linux serves all of 127/8 on loopback, so three servers can bind 127.0.0.2-.4 on one port.
const linux = process.platform === 'linux';
const available = haproxy.status === 0 && linux;
if (!available) {
  console.warn(
    linux
      ? 'haproxy.test.ts skipped: haproxy is not installed here (apt-get install haproxy; .ci/run installs it where it can)'
      : 'haproxy.test.ts skipped: it binds 127.0.0.2-.4, which only Linux serves without setup',
  );
}

/** A port free on every host given: bound on each at once, then released. */
async function freePort(hosts: readonly string[]): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = createNetServer();
    await new Promise<void>((resolve) => first.listen(0, hosts[0], resolve));
    const port = (first.address() as { port: number }).port;
    const others = await Promise.all(
      hosts.slice(1).map(
        (host) =>
          new Promise<ReturnType<typeof createNetServer> | null>((resolve) => {
            const s = createNetServer();
            s.once('error', () => resolve(null));
            s.listen(port, host, () => resolve(s));
          }),
      ),
    );
    await Promise.all(
      [first, ...others].map((s) => (s === null ? null : new Promise((r) => s.close(r)))),
    );
    if (others.every((s) => s !== null)) return port;
  }
  throw new Error('no port free on every host after 20 tries');
}

function start(command: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

function line(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (l) => {
      if (l === text) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before printing ${text}`)));
  });
}

/**
 * HAProxy's view of each server (`show stat` on its admin socket): svname -> "status
 * check_status", e.g. "UP L7OK" (the last health check got its expected answer), "DOWN L4CON".
 */
async function serverStates(socketPath: string): Promise<Map<string, string>> {
  const text = await new Promise<string>((resolve, reject) => {
    let out = '';
    const s = connect(socketPath, () => s.end('show stat\n'));
    s.setEncoding('utf8');
    s.on('data', (d) => {
      out += d;
    });
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
  const [header = '', ...rows] = text.split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const name = columns.indexOf('svname');
  const status = columns.indexOf('status');
  const check = columns.indexOf('check_status');
  const states = new Map<string, string>();
  for (const row of rows) {
    const cells = row.split(',');
    if (cells[0] === 'rerpc_servers' && /^s\d$/.test(cells[name] ?? '')) {
      states.set(cells[name]!, `${cells[status]} ${cells[check]}`);
    }
  }
  return states;
}

/** Polls HAProxy's stats until `test` holds (every 100 ms, at most 200 times). */
async function until(socketPath: string, test: (s: Map<string, string>) => boolean) {
  for (let i = 0; i < 200; i++) {
    const states = await serverStates(socketPath).catch(() => new Map<string, string>());
    if (test(states)) return states;
    await delay(100);
  }
  throw new Error(
    `HAProxy never reached the state: ${JSON.stringify([...(await serverStates(socketPath))])}`,
  );
}

describe.skipIf(!available)('HAProxy in front of three servers', () => {
  it('one server drains under load (SIGTERM): no call is lost, HAProxy marks it down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rerpc-haproxy-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort(HOSTS);
    const front = await freePort(['127.0.0.1']);
    const servers = HOSTS.map((host) => start(process.execPath, [SERVER, host, String(port)]));
    await Promise.all(servers.map((s) => line(s, 'ready')));
    const stats = join(dir, 'admin.sock');
    const proxy = start('haproxy', ['-db', '-f', CONFIG], {
      ...process.env,
      RERPC_FRONT: `127.0.0.1:${front}`,
      RERPC_S1: `${HOSTS[0]}:${port}`,
      RERPC_S2: `${HOSTS[1]}:${port}`,
      RERPC_S3: `${HOSTS[2]}:${port}`,
      HAPROXY_STATS: stats,
    });
    // Every server has passed its JSON-RPC health check: UP, and the last check got the answer
    // it expects (L7OK), not a timeout (L7TOUT) or a wrong answer (L7RSP).
    await until(stats, (s) => s.size === 3 && [...s.values()].every((v) => v === 'UP L7OK'));

    // Several connections, so that leastconn spreads them over the servers.
    const client = createClient(
      { host: '127.0.0.1', port: front },
      { pipelineThreshold: 4, maxActive: 16, timeout: 20_000 },
    );
    onTestFinished(() => client.close());
    const seen = new Map<string, number>();
    const seenAfterDown = new Set<string>();
    let done = 0;
    let drained = false;
    let down = false;
    let stop = false;
    const drainedServer = servers[0]!;
    const exited = new Promise<number | null>((resolve) => drainedServer.once('exit', resolve));
    const watch = new Watch();
    const run = load(
      async () => {
        const host = (await client.call('whoami')) as string;
        seen.set(host, (seen.get(host) ?? 0) + 1);
        if (down) seenAfterDown.add(host);
        if (++done === 3000 && !drained) {
          drained = true;
          drainedServer.kill('SIGTERM');
        }
        watch.check();
      },
      64,
      1_000_000,
      () => stop,
    ).finally(() => watch.end());
    await watch.until(() => drained);
    expect(await exited).toBe(0);
    await until(stats, (s) => s.get('s1')?.startsWith('DOWN ') === true);
    down = true;
    const downAt = done;
    await watch.until(() => done >= downAt + 2000);
    stop = true;
    const result = await run;
    expect(result.errors.map(String)).toEqual([]);
    // All three served before; only the two left serve once HAProxy has marked s1 down.
    expect([...seen.keys()].sort()).toEqual([...HOSTS]);
    expect([...seenAfterDown].sort()).toEqual([HOSTS[1], HOSTS[2]]);
    proxy.kill('SIGTERM');
  });
});
