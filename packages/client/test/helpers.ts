import { once } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { onTestFinished } from 'vitest';
import { type Client, type ClientOptions, type ClientTarget, createClient } from '../src/index.js';
import { type RawServer, type RawServerOptions, startRawServer } from './fixtures/raw-server.js';

/** A raw fixture server and a client for it, both closed when the test finishes. */
export async function setup(
  serverOptions: RawServerOptions = {},
  clientOptions: ClientOptions = {},
): Promise<{ server: RawServer; client: Client }> {
  const server = await startRawServer(serverOptions);
  onTestFinished(() => server.close());
  return { server, client: connect(server.port, clientOptions) };
}

/**
 * A client of `127.0.0.1:port` (or of `target`), closed when the test finishes. It dials on its
 * first call.
 */
export function connect(target: number | ClientTarget, options: ClientOptions = {}): Client {
  const client = createClient(
    typeof target === 'number' ? { host: '127.0.0.1', port: target } : target,
    options,
  );
  onTestFinished(() => client.close({ timeout: 0 }));
  return client;
}

/** A handler that never answers until `releaseAll()`; `started` counts the calls it got. */
export function gate() {
  const waiting: Array<() => void> = [];
  let started = 0;
  return {
    handler: (params: unknown) =>
      new Promise((resolve) => {
        started += 1;
        waiting.push(() => resolve(params));
      }),
    get started() {
      return started;
    },
    releaseAll() {
      for (const release of waiting.splice(0)) release();
    },
  };
}

/** A free TCP port on 127.0.0.1 (listened on, then closed). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

/** The error `promise` rejects with (fails the test if it resolves). */
export async function rejection<E = Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/**
 * Throws when `dist/<file>` is older than a file of src/: tests that load dist/ (turbo's test
 * task builds first) say so instead of testing stale code.
 */
export function assertBuilt(file: string): void {
  const root = new URL('../', import.meta.url);
  const built = statSync(new URL(`dist/${file}`, root)).mtimeMs;
  for (const name of readdirSync(new URL('src/', root))) {
    if (statSync(new URL(`src/${name}`, root)).mtimeMs > built) {
      throw new Error(`dist/ is older than src/${name}: run \`pnpm build\` first`);
    }
  }
}

/**
 * The server package's test key and self-signed certificate (CN=localhost, SAN localhost and
 * 127.0.0.1), found through @rerpc/server: a Stryker sandbox holds this package only, so a path
 * like `../../server/` is missing there and the tests reading it never ran under Stryker.
 */
export function tlsFixture(): { key: Buffer; cert: Buffer } {
  const server = createRequire(import.meta.url).resolve('@rerpc/server/package.json');
  const dir = new URL('test/fixtures/tls/', pathToFileURL(server));
  return {
    key: readFileSync(new URL('key.pem', dir)),
    cert: readFileSync(new URL('cert.pem', dir)),
  };
}

/** A server that hands each JSON line it reads, parsed, to `onMessage`; closed when the test ends. */
export async function lineServer(onMessage: (socket: Socket, message: unknown) => void) {
  const server = createServer((socket) => {
    socket.setEncoding('utf8');
    let tail = '';
    socket.on('data', (chunk: string) => {
      const lines = (tail + chunk).split('\n');
      tail = lines.pop()!;
      for (const line of lines) onMessage(socket, JSON.parse(line));
    });
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as { port: number }).port };
}
