#!/usr/bin/env node
// rerpc-types SOURCE [--out FILE] [--root-interface NAME] [--timeout MS]
// SOURCE: a running server's URL (tcp://, tls://, http(s)://, ws(s)://; it must have `discover`
// on) or a saved OpenRPC JSON file. Writes the TypeScript to FILE, or to stdout.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { generateTypes } from './generate.js';
import { readDocument } from './read.js';

const USAGE =
  'usage: rerpc-types SOURCE [--out FILE] [--root-interface NAME] [--timeout MS]\n' +
  '  SOURCE  a server URL (tcp://host:port, http://host:port/, ws://…) whose rpc.discover to read, or an OpenRPC JSON file\n';

function fail(message: string, code: number): never {
  process.stderr.write(`rerpc-types: ${message}\n`);
  process.exit(code);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      out: { type: 'string', short: 'o' },
      'root-interface': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
}
try {
  parsed = parse();
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`, 2);
}
if (parsed.values.help === true) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (parsed.positionals.length !== 1) fail(`give one SOURCE\n${USAGE}`, 2);
const source = parsed.positionals[0]!;
const timeoutText = parsed.values.timeout ?? '10000';
const timeout = Number(timeoutText);
if (!/^\d+$/.test(timeoutText) || timeout < 1) {
  fail(`--timeout must be an integer >= 1 (ms), got ${JSON.stringify(timeoutText)}`, 2);
}

try {
  const document = await readDocument(source, timeout);
  const root = parsed.values['root-interface'];
  const text = await generateTypes(document, {
    source,
    ...(root !== undefined && { rootInterface: root }),
  });
  const out = parsed.values.out;
  if (out === undefined) process.stdout.write(text);
  else {
    await writeFile(out, text);
    process.stderr.write(`rerpc-types: wrote ${out}\n`);
  }
} catch (error) {
  const e = error as Error & { code?: unknown };
  fail(`${source}: ${e.message}${typeof e.code === 'string' ? ` (${e.code})` : ''}`, 1);
}
