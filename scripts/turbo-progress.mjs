// Runs turbo and keeps its output short: one line per task that really runs (cache hits are only
// counted), the full log of a task only when it fails, and turbo's own errors. Turbo's
// `--output-logs=errors-only` alone is silent for the minute a cold build takes, and `full`
// replays every cached log (~600 lines on a first `pnpm test`); this reads turbo's `full` stream
// and decides per task what to show.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are control characters.
const ANSI = /\x1b\[[0-9;]*m/g;
/** `@rerpc/codec:build: text` (turbo's `--log-prefix=task`). */
const TASK_LINE = /^(\S+?):([\w:-]+): ?(.*)$/;
/** The first line of every task: `cache miss, executing <hash>` or `cache hit, replaying logs <hash>`. */
const CACHE_LINE = /^cache (hit|miss|bypass)\b/;
/**
 * Turbo's line for a task that failed: `@rerpc/codec#test:  ERROR  command (…) exited (1)`, or
 * under `--continue`, `@rerpc/codec#test:  WARNING  command finished with error, but continuing...`.
 */
const ERROR_LINE = /^(\S+?)#([\w:-]+):\s+(?:ERROR\b|WARNING\s+command finished with error)/;
/** Turbo's summary names every failed task: `Failed:    @rerpc/a#test, @rerpc/b#build`. */
const FAILED_LINE = /^\s*Failed:\s+(.+)$/;
/** Turbo's header and summary lines, which this replaces with its own. */
const TURBO_CHATTER =
  /^\s*(?:• |Tasks:|Cached:|Time:|Failed:|ERROR {2}run failed|>>> FULL TURBO|WARNING {2}no output files found)/;

/**
 * The state of one turbo run, fed one line of turbo's output at a time. Pure: it returns what to
 * print, so it can be tested with recorded turbo output.
 */
export class TurboLog {
  constructor() {
    /** @type {Map<string, { key: string, cached: boolean, lines: string[] }>} */
    this.tasks = new Map();
    /** @type {Set<string>} task keys (`pkg#task`) that failed */
    this.failed = new Set();
    /** Lines turbo printed outside any task: its own errors and warnings. */
    this.other = [];
  }

  /**
   * Takes one line of turbo's output; returns a progress event when a task starts or fails,
   * else null.
   * @param {string} raw
   * @returns {{ type: 'start', key: string, cached: boolean } | { type: 'failed', key: string } | null}
   */
  push(raw) {
    const line = raw.replace(ANSI, '');
    const error = ERROR_LINE.exec(line);
    if (error) {
      const key = `${error[1]}#${error[2]}`;
      const isNew = !this.failed.has(key);
      this.failed.add(key);
      return isNew ? { type: 'failed', key } : null;
    }
    const failedList = FAILED_LINE.exec(line);
    if (failedList) {
      for (const key of failedList[1].split(',')) {
        if (key.trim()) this.failed.add(key.trim());
      }
      return null;
    }
    const task = TASK_LINE.exec(line);
    if (task) {
      const key = `${task[1]}#${task[2]}`;
      const text = task[3];
      let entry = this.tasks.get(key);
      if (entry === undefined) {
        const cache = CACHE_LINE.exec(text);
        entry = { key, cached: cache?.[1] === 'hit', lines: [] };
        this.tasks.set(key, entry);
        if (cache) return { type: 'start', key, cached: entry.cached };
      }
      entry.lines.push(text);
      return null;
    }
    if (line.trim() !== '' && !TURBO_CHATTER.test(line)) this.other.push(line);
    return null;
  }

  /** How many tasks ran and how many were replayed from turbo's cache. */
  counts() {
    let cached = 0;
    for (const t of this.tasks.values()) if (t.cached) cached += 1;
    return { total: this.tasks.size, cached, ran: this.tasks.size - cached };
  }

  /** The full log of every failed task, each under a header line. */
  failureLogs() {
    const out = [];
    for (const key of this.failed) {
      const lines = this.tasks.get(key)?.lines ?? [];
      out.push('', `── ${key} failed: its log ${'─'.repeat(Math.max(3, 60 - key.length))}`);
      out.push(...lines);
    }
    return out;
  }
}

/** `task#pkg` key → `task pkg`, as the progress lines show it. */
export function taskLabel(key) {
  const at = key.lastIndexOf('#');
  return `${key.slice(at + 1)} ${key.slice(0, at)}`;
}

function turboBin(root) {
  const local = join(
    root,
    'node_modules',
    '.bin',
    process.platform === 'win32' ? 'turbo.cmd' : 'turbo',
  );
  return existsSync(local) ? local : 'turbo';
}

function clock(ms) {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Runs `turbo <args>` with its output filtered; resolves with turbo's exit code and the log.
 * `intro` is printed before the first task that is not a cache hit (so a warm run stays quiet).
 * @param {string[]} args turbo arguments, e.g. ['run', 'build', '--filter=@rerpc/examples...']
 * @param {{ intro?: string, root?: string, write?: (text: string) => void }} [options]
 * @returns {Promise<{ code: number, log: TurboLog, seconds: number }>}
 */
export function runTurbo(args, options = {}) {
  const root = options.root ?? process.cwd();
  const write = options.write ?? ((text) => process.stdout.write(text));
  const color = process.stdout.isTTY ? ['--color'] : [];
  const full = [
    ...args,
    '--output-logs=full',
    '--log-order=stream',
    '--log-prefix=task',
    '--ui=stream',
    ...color,
  ];
  const log = new TurboLog();
  const started = Date.now();
  let introduced = options.intro === undefined;
  return new Promise((resolve) => {
    const child = spawn(turboBin(root), full, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    const onData = (chunk) => {
      pending += chunk;
      let nl = pending.indexOf('\n');
      while (nl !== -1) {
        const event = log.push(pending.slice(0, nl).replace(/\r$/, ''));
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
        if (event === null) continue;
        if (event.type === 'start' && event.cached) continue;
        if (!introduced) {
          introduced = true;
          write(`${options.intro}\n`);
        }
        const at = clock(Date.now() - started);
        write(
          event.type === 'start'
            ? `  ${at} ${taskLabel(event.key)}\n`
            : `  ${at} ${taskLabel(event.key)} FAILED (its log is printed at the end)\n`,
        );
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('error', (error) => {
      write(`could not start turbo: ${error.message}\n`);
      resolve({ code: 1, log, seconds: (Date.now() - started) / 1000 });
    });
    child.on('close', (code, signal) => {
      if (pending) log.push(pending);
      resolve({
        code: code ?? (signal ? 1 : 0),
        log,
        seconds: (Date.now() - started) / 1000,
      });
    });
  });
}

/**
 * Prints what a finished run needs to show: turbo's own messages, every failed task's log, and
 * a one-line count. Returns the exit code to use (turbo's, or 1 if turbo failed silently).
 * @param {{ code: number, log: TurboLog, seconds: number }} result
 * @param {string} what the verb for tasks that ran and passed, e.g. 'built'
 * @param {(text: string) => void} [write]
 */
export function report(result, what, write = (text) => process.stdout.write(text)) {
  const { code, log, seconds } = result;
  const lines = [...log.other, ...log.failureLogs()];
  if (code !== 0 && log.failed.size === 0) {
    lines.push(`turbo exited with code ${code}; no task said it failed (see turbo's output above)`);
  }
  const { total, cached, ran } = log.counts();
  const parts = [`${Math.max(0, ran - log.failed.size)} ${what}`];
  if (cached > 0) parts.push(`${cached} cached`);
  if (log.failed.size > 0) parts.push(`${log.failed.size} failed`);
  lines.push(
    `${total} task${total === 1 ? '' : 's'}: ${parts.join(', ')} (${seconds.toFixed(0)} s)`,
  );
  write(`${lines.join('\n')}\n`);
  return code;
}
