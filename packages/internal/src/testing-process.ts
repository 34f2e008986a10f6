// A node child process for the packages' tests (`@rerpc/internal/testing`).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { onTestFinished } from 'vitest';

/** What {@link spawnNode} returns. */
export interface NodeProcess {
  /** The process; its stdin is a pipe (end it if the script reads stdin). */
  readonly child: ChildProcessWithoutNullStreams;
  /** What it wrote on stdout so far. */
  stdout(): string;
  /** What it wrote on stderr so far. */
  stderr(): string;
  /** Its exit: the code, or the signal that ended it. */
  readonly exited: Promise<[code: number | null, signal: NodeJS.Signals | null]>;
}

/**
 * Starts `node ...args` (a script path and its arguments, or `-e` and code), collecting stdout and
 * stderr as text; killed (SIGKILL) when the test ends if it is still running.
 */
export function spawnNode(args: readonly string[], options: { cwd?: string } = {}): NodeProcess {
  const child = spawn(process.execPath, args, { stdio: 'pipe', cwd: options.cwd });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.once('exit', (code, signal) => resolve([code, signal]));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}
