// Issue 11: every pending call keeps the process alive until it settles; an idle client never
// does. Real child processes running scripts against the built package (dist), ESM and CJS.
import { fileURLToPath } from 'node:url';
import { spawnNode } from '@rerpc/internal/testing';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { statusServer } from './fixtures/http-servers.js';
import { tcpPeer } from './fixtures/peer.js';
import { startRawServer } from './fixtures/raw-server.js';
import { startWsServer } from './fixtures/ws-server.js';
import { assertBuilt, freePort } from './helpers.js';

const root = new URL('../', import.meta.url);

/** Runs a fixture script to its exit; kills it (and fails) if it has not exited within `bound` ms. */
async function run(
  script: string,
  args: string[],
  bound = 20_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { child, stdout, stderr, exited } = spawnNode([
    fileURLToPath(new URL(`test/fixtures/${script}`, root)),
    ...args,
  ]);
  // A guard, not a measurement: a script kept alive by an idle client would otherwise hang the
  // run for the pool's idleTimeout (5 minutes).
  const guard = setTimeout(() => child.kill('SIGKILL'), bound);
  const [code, signal] = await exited;
  clearTimeout(guard);
  if (signal !== null)
    throw new Error(`${script} ${args.join(' ')} did not exit by itself (${stdout()}${stderr()})`);
  return { code, stdout: stdout(), stderr: stderr() };
}

// The scripts load dist/.
beforeAll(() => assertBuilt('index.js'));

describe('process lifetime', () => {
  it.each(['lifetime.mjs', 'lifetime.cjs'])(
    '%s: a call retrying against a closed port keeps the process alive until it fails',
    async (script) => {
      const port = await freePort();
      const { code, stdout } = await run(script, ['retry', String(port)]);
      expect(stdout).toBe('retry: rejected ConnectionError RERPC_ERR_CONNECTION sent=false\n');
      expect(code).toBe(0);
    },
  );

  it.each(['lifetime.mjs', 'lifetime.cjs'])(
    '%s: an idle client, never closed, lets the process exit after its call',
    async (script) => {
      const server = await startRawServer();
      onTestFinished(() => server.close());
      const { code, stdout } = await run(script, ['idle', String(server.port)]);
      expect(stdout).toBe('idle: resolved {"result":3}\n');
      expect(code).toBe(0);
      expect(server.accepted).toBe(1);
    },
  );

  it.each([
    ['lifetime.mjs', 'ws'],
    ['lifetime.cjs', 'ws'],
    ['lifetime.mjs', 'http'],
    ['lifetime.cjs', 'http'],
  ])(
    '%s: an idle %s client, never closed, lets the process exit after its call',
    async (script, scheme) => {
      const port = scheme === 'ws' ? await wsPeer() : await httpPeer();
      const { code, stdout } = await run(script, ['idle', String(port), scheme]);
      expect(stdout).toBe('idle: resolved {"result":3}\n');
      expect(code).toBe(0);
    },
  );

  it('a live subscription keeps the process alive until its loop is left, then it exits', async () => {
    const peer = await tcpPeer();
    const running = run('lifetime-subscribe.mjs', [String(peer.port)]);
    const request = await peer.next();
    expect(request['method']).toBe('news_subscribe');
    peer.send({ jsonrpc: '2.0', result: 's', id: request['id'] });
    // The event comes later than the answer, in a write of its own: nothing but the
    // subscription holds the child meanwhile.
    await new Promise((resolve) => setImmediate(resolve));
    peer.send({
      jsonrpc: '2.0',
      method: 'news_subscription',
      params: { subscription: 's', result: 1 },
    });
    const exitedEarly = running.then(({ stdout }) => {
      throw new Error(`the child exited before leaving its loop: ${JSON.stringify(stdout)}`);
    });
    const unsubscribe = await Promise.race([peer.next(), exitedEarly]);
    expect(unsubscribe).toMatchObject({ method: 'news_unsubscribe', params: ['s'] });
    const { code, stdout } = await running;
    expect(code).toBe(0);
    expect(stdout).toBe('event 1\nleft the loop\n');
  });
});

/** A bare ws JSON-RPC server answering ArithService.Add; its port. */
async function wsPeer(): Promise<number> {
  const server = await startWsServer({
    handlers: { 'ArithService.Add': (p) => ({ result: (p as { a: number; b: number }).a + 2 }) },
  });
  onTestFinished(() => server.kill());
  return server.port;
}

/** A node:http JSON-RPC server answering every call with { result: 3 }; its port. */
async function httpPeer(): Promise<number> {
  const server = await statusServer((_req, res, body) => {
    const { id } = JSON.parse(body) as { id: number };
    res.writeHead(200).end(JSON.stringify({ jsonrpc: '2.0', result: { result: 3 }, id }));
  });
  return server.port;
}
