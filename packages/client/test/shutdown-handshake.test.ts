// Issue 11: a server shut down under load and restarted on the same port. Every call either
// succeeds or fails with an error that says it did not run; none is "may have run". Each server
// is a real @rerpc/server in a child process that reports which calls it ran, so the test also
// checks that every successful call ran exactly once and every "not run" call never ran.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConnectionError, createClient, PoolExhaustedError } from '../src/index.js';

const script = fileURLToPath(new URL('./fixtures/shutdown-server.mjs', import.meta.url));

/**
 * A free port below the ephemeral range. While no server listens on it (between the two server
 * processes) the client keeps dialling it, and a dial from an ephemeral port could pick that very
 * port and connect to itself (TCP simultaneous open); a port outside the range cannot.
 */
async function fixedPort(): Promise<number> {
  let low = 32_768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
  } catch {}
  const from = Math.min(20_000, low - 1_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = from + Math.floor(Math.random() * (low - from));
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
  }
  throw new Error('no free port found below the ephemeral range in 50 tries');
}

/** Starts a server process on `port`; resolves once it listens. */
async function startServer(port: number, ranFile: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script, String(port), ranFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const [data] = (await Promise.race([
    once(child.stdout!, 'data'),
    once(child, 'exit').then(() => {
      throw new Error('the server process exited before listening');
    }),
  ])) as [Buffer];
  expect(String(data)).toBe('listening\n');
  return child;
}

/** Sends SIGTERM and resolves with the exit code once the process has exited. */
async function stop(child: ChildProcess): Promise<number | null> {
  const exited = once(child, 'exit') as Promise<[number | null]>;
  child.kill('SIGTERM');
  return (await exited)[0];
}

type Outcome = 'ok' | 'not run' | 'may have run';

/** What an error says about whether its call ran. */
function outcomeOf(error: unknown): Outcome {
  if (error instanceof ConnectionError && !error.sent) return 'not run';
  if (error instanceof PoolExhaustedError) return 'not run';
  return 'may have run';
}

describe('close handshake with @rerpc/server under load', () => {
  it('SIGTERM with 20 connections x 100 calls in flight, restart on the same port: no call "may have run"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rerpc-shutdown-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const port = await fixedPort();
    const first = await startServer(port, join(dir, 'first.json'));
    const client = createClient(
      { host: '127.0.0.1', port },
      // Retries ride out the restart: a ~10 ms to 250 ms backoff, 200 times, within 60 s.
      {
        maxActive: 20,
        pipelineThreshold: 100,
        maxRetries: 200,
        retryDelay: 20,
        maxRetryDelay: 250,
        timeout: 60_000,
      },
    );
    onTestFinished(() => client.close({ timeout: 0 }));

    const IN_FLIGHT = 2_000;
    const BEFORE_SIGTERM = 10_000;
    const AFTER_RESTART = 10_000;
    const MAX_CALLS = 200_000;
    const outcomes: Outcome[] = [];
    const errors: unknown[] = [];
    let issued = 0;
    let ok = 0;
    let okAfterRestart = 0;
    let restarted = false;
    let second: ChildProcess | null = null;
    let restart: Promise<void> | null = null;

    const loop = async (): Promise<void> => {
      while (issued < MAX_CALLS && okAfterRestart < AFTER_RESTART) {
        const n = issued++;
        try {
          const result = await client.call('Echo.n', { n });
          if (result !== n) throw new Error(`call ${n} answered ${String(result)}`);
          outcomes[n] = 'ok';
          ok += 1;
          if (restarted) okAfterRestart += 1;
        } catch (error) {
          outcomes[n] = outcomeOf(error);
          errors[n] = error;
        }
        if (ok === BEFORE_SIGTERM && restart === null) {
          restart = (async () => {
            expect(await stop(first)).toBe(0);
            second = await startServer(port, join(dir, 'second.json'));
            restarted = true;
          })();
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, loop));
    await restart;
    expect(second).not.toBeNull();
    await client.close();
    expect(await stop(second!)).toBe(0);

    const ran = new Map<number, number>();
    for (const file of ['first.json', 'second.json']) {
      for (const n of JSON.parse(readFileSync(join(dir, file), 'utf8')) as number[]) {
        ran.set(n, (ran.get(n) ?? 0) + 1);
      }
    }
    const count = { ok: 0, 'not run': 0, 'may have run': 0 };
    const wrong: string[] = [];
    for (let n = 0; n < issued; n++) {
      const outcome = outcomes[n]!;
      count[outcome] += 1;
      const times = ran.get(n) ?? 0;
      if (outcome === 'ok' && times !== 1) wrong.push(`${n} succeeded but ran ${times} times`);
      if (outcome === 'not run' && times !== 0) wrong.push(`${n} "did not run" but ran ${times}`);
      if (outcome === 'may have run' && wrong.length < 5) {
        wrong.push(`${n} may have run (ran ${times}): ${String(errors[n])}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(count['may have run']).toBe(0);
    expect(count.ok).toBeGreaterThanOrEqual(BEFORE_SIGTERM + AFTER_RESTART);
    // The load was spread over maxActive connections, and the handshake was exercised: calls
    // were refused with -32002 (or found no server) and retried.
    expect(client.stats().connections.dialled).toBeGreaterThanOrEqual(10);
    expect(client.stats().retries).toBeGreaterThan(0);
  }, 120_000);
});
