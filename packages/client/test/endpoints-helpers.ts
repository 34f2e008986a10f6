// Real server processes for the endpoints tests: 127.0.0.2, .3 and .4 (Linux serves all of 127/8
// on loopback) each listening on the same port.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createNetServer, type Server } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

const SERVER = fileURLToPath(new URL('./fixtures/endpoint-server.mjs', import.meta.url));
export const HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'] as const;
/** Only Linux serves 127.0.0.2-.4 without setup. */
export const LINUX = process.platform === 'linux';

/** A port free on every host given: bound on each at once, then released (bounded tries). */
export async function freePortOn(hosts: readonly string[]): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = createNetServer().listen(0, hosts[0]);
    await once(first, 'listening');
    const port = (first.address() as { port: number }).port;
    const others = await Promise.all(
      hosts.slice(1).map(
        (host) =>
          new Promise<Server | null>((resolve) => {
            const s = createNetServer();
            s.once('error', () => resolve(null));
            s.listen(port, host, () => resolve(s));
          }),
      ),
    );
    const all = [first, ...others].filter((s): s is Server => s !== null);
    await Promise.all(all.map((s) => new Promise((r) => s.close(r))));
    if (others.every((s) => s !== null)) return port;
  }
  throw new Error('no port free on every host after 20 tries');
}

/** A server process on `host:port` (killed when the test finishes), once it listens. */
export async function startServer(host: string, port: number, delay = 0): Promise<ChildProcess> {
  const child = spawn(process.execPath, [SERVER, host, String(port), String(delay)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line === 'ready') resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before it listened`)));
  });
  return child;
}

/** Resolves when `child` has exited. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return once(child, 'exit').then(() => {});
}
