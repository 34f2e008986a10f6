import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

export const script = fileURLToPath(new URL('../dist/spec-server.js', import.meta.url));

/** The test certificate (self-signed, localhost and 127.0.0.1) of @rerpc/server's tests. */
export const tlsKey = fileURLToPath(
  new URL('../../../packages/server/test/fixtures/tls/key.pem', import.meta.url),
);
export const tlsCert = fileURLToPath(
  new URL('../../../packages/server/test/fixtures/tls/cert.pem', import.meta.url),
);

export interface Running {
  child: ChildProcess;
  /** The scheme of the `listening` line: tcp, tls, http or https. */
  scheme: string;
  port: number;
  /** Everything the process printed on stdout so far. */
  stdout(): string;
  exited: Promise<number | null>;
}

/** Starts `node dist/spec-server.js ...args` and waits for its `listening` line. */
export async function start(...args: string[]): Promise<Running> {
  const { child, match, stdout, exited } = await startScript(
    script,
    args,
    /^listening (tcp|tls|http|https):\/\/127\.0\.0\.1:(\d+)\n/,
  );
  return { child, scheme: match[1]!, port: Number(match[2]), stdout, exited };
}

/**
 * Starts `node <path> ...args` (killed when the test ends, if still running) and waits until
 * its stdout so far matches `ready`: resolves with that match.
 */
export async function startScript(
  path: string,
  args: readonly string[],
  ready: RegExp,
): Promise<{
  child: ChildProcess;
  match: RegExpExecArray;
  stdout: () => string;
  exited: Promise<number | null>;
}> {
  const child = spawn(process.execPath, [path, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const found = ready.exec(out);
      if (found !== null) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ready: ${err}`)));
  });
  return { child, match, stdout: () => out, exited };
}
