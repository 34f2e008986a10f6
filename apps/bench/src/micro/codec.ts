// @rerpc/codec micro-benchmarks: envelope encoding (schema, no schema, JSON.stringify), request
// encoding (one method repeated, as a client sends; a few methods in turn), the error encoder
// (template vs fast-json-stringify), NDJSON decoding (ours vs split + JSON.parse), the cost of
// the invalid-UTF-8 check on the decode path, and the nesting-depth limit (maxDepth).
import { isUtf8 } from 'node:buffer';
import {
  compileRequestEncoder,
  compileResponseEncoder,
  createContentLengthDecoder,
  createNdjsonDecoder,
  encodeError,
  exceedsDepth,
  frame,
} from '@rerpc/codec';
import build, { type ObjectSchema } from 'fast-json-stringify';
import { type MicroCase, runMicroSuite } from '../lib/micro.js';

const N = 1000;
let sink: unknown;

function encodeCases(): MicroCase[] {
  const resultSchema: ObjectSchema = {
    type: 'object',
    properties: { result: { type: 'integer' } },
    required: ['result'],
  };
  const withSchema = compileResponseEncoder({ result: resultSchema });
  const noSchema = compileResponseEncoder();
  const fullEnvelope = build({
    type: 'object',
    properties: {
      jsonrpc: { type: 'string' },
      result: resultSchema,
      id: { type: 'integer' },
    },
  });
  let n = 0;
  return [
    {
      name: 'JSON.stringify(envelope)',
      baseline: true,
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) {
          n++;
          sink = JSON.stringify({ jsonrpc: '2.0', result: { result: n }, id: n });
        }
      },
    },
    {
      name: 'compileResponseEncoder() no schema',
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) {
          n++;
          sink = noSchema.success(n, { result: n });
        }
      },
    },
    {
      name: 'compileResponseEncoder({ result schema })',
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) {
          n++;
          sink = withSchema.success(n, { result: n });
        }
      },
    },
    {
      name: 'fast-json-stringify(full envelope schema)',
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) {
          n++;
          sink = fullEnvelope({ jsonrpc: '2.0', result: { result: n }, id: n });
        }
      },
    },
  ];
}

function requestCases(): MicroCase[] {
  const encoder = compileRequestEncoder();
  const methods = Array.from({ length: 8 }, (_, i) => `ArithService.Method${i}`);
  const method = 'ArithService.Add';
  let n = 0;
  return [
    {
      name: 'JSON.stringify(request)',
      baseline: true,
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) {
          n++;
          sink = JSON.stringify({ jsonrpc: '2.0', method, params: { a: n, b: 1 }, id: n });
        }
      },
    },
    {
      name: 'compileRequestEncoder().request, one method',
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) {
          n++;
          sink = encoder.request(method, { a: n, b: 1 }, n);
        }
      },
    },
    {
      name: 'compileRequestEncoder().request, 8 methods in turn',
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) {
          n++;
          sink = encoder.request(methods[i & 7]!, { a: n, b: 1 }, n);
        }
      },
    },
    {
      // The ceiling for caching the method: its JSON written by hand, no work per request.
      name: 'template with a constant method prefix',
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) {
          n++;
          sink = `{"jsonrpc":"2.0","method":"ArithService.Add","params":${JSON.stringify({ a: n, b: 1 })},"id":${n}}`;
        }
      },
    },
  ];
}

function errorCases(): MicroCase[] {
  const fjsError = build({
    type: 'object',
    properties: {
      jsonrpc: { type: 'string' },
      error: {
        type: 'object',
        properties: { code: { type: 'integer' }, message: { type: 'string' }, data: {} },
        required: ['code', 'message'],
      },
      id: { anyOf: [{ type: 'integer' }, { type: 'string' }, { type: 'null' }] },
    },
  });
  let n = 0;
  const error = { code: -32603, message: 'Internal error', data: 'division by zero' };
  return [
    {
      name: 'JSON.stringify(error envelope)',
      baseline: true,
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) sink = JSON.stringify({ jsonrpc: '2.0', error, id: ++n });
      },
    },
    {
      name: 'encodeError (string template)',
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) sink = encodeError(++n, error);
      },
    },
    {
      name: 'fast-json-stringify(error envelope schema)',
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) sink = fjsError({ jsonrpc: '2.0', error, id: ++n });
      },
    },
  ];
}

/**
 * About 1 MB of NDJSON requests, each line ending in a newline. `mixed`: one line in 20 carries
 * non-ASCII text (so most 64 KB chunks decode to a two-byte string).
 */
function ndjsonMegabyte(kind: 'ASCII' | 'mixed' | 'non-ASCII'): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let id = 1; size < 1_048_576; id++) {
    const nonAscii = kind === 'non-ASCII' || (kind === 'mixed' && id % 20 === 0);
    const params = nonAscii ? { a: id, b: 20, note: 'héllo wörld — ünïcode ✓' } : { a: id, b: 20 };
    const line = JSON.stringify({ jsonrpc: '2.0', method: 'ArithService.Add', params, id });
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

function chunks(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

function decodeCases(): MicroCase[] {
  const data = ndjsonMegabyte('ASCII');
  const whole = data.subarray(0, data.length - 1);
  const parts = chunks(data, 65_536);
  let count = 0;
  const handlers = {
    onMessage: (v: unknown) => {
      count++;
      sink = v;
    },
    onParseError: (e: Error) => {
      throw e;
    },
    onOversize: (e: Error) => {
      throw e;
    },
  };
  const clData = Buffer.from(
    whole
      .toString()
      .split('\n')
      .map((l) => frame('content-length', l))
      .join(''),
  );
  const clParts = chunks(clData, 65_536);
  return [
    {
      name: "toString().split('\\n').map(JSON.parse), 1 MB",
      baseline: true,
      fn() {
        // The data ends in a newline: drop the empty string after it.
        sink = whole
          .toString()
          .split('\n')
          .map((l) => JSON.parse(l));
      },
    },
    {
      name: 'naive streaming (string += chunk; split), 1 MB',
      fn() {
        let tail = '';
        for (const chunk of parts) {
          const lines = (tail + chunk.toString()).split('\n');
          tail = lines.pop() ?? '';
          for (const l of lines) sink = JSON.parse(l);
        }
        if (tail !== '') sink = JSON.parse(tail);
      },
    },
    {
      name: 'createNdjsonDecoder, 64 KB chunks, 1 MB',
      fn() {
        const d = createNdjsonDecoder(handlers);
        for (const chunk of parts) d.push(chunk);
        d.end();
      },
    },
    {
      name: 'createContentLengthDecoder, 64 KB chunks, 1 MB',
      fn() {
        const d = createContentLengthDecoder(handlers);
        for (const chunk of clParts) d.push(chunk);
        d.end();
        if (count === -1) throw new Error('unreachable');
      },
    },
  ];
}

/** One 1 MB message arriving in 64 KB chunks: where joining once beats re-joining strings. */
function largeCases(): MicroCase[] {
  const big = JSON.stringify({
    jsonrpc: '2.0',
    result: Array.from({ length: 32_000 }, (_, i) => ({ i, name: `item ${i}` })),
    id: 1,
  });
  const line = Buffer.from(`${big}\n`);
  const parts = chunks(line, 65_536);
  const handlers = {
    onMessage: (v: unknown) => {
      sink = v;
    },
    onParseError: (e: Error) => {
      throw e;
    },
    onOversize: (e: Error) => {
      throw e;
    },
  };
  const size = line.length;
  return [
    {
      name: `JSON.parse(whole.toString()), ${(size / 1e6).toFixed(1)} MB`,
      baseline: true,
      fn() {
        sink = JSON.parse(line.toString());
      },
    },
    {
      name: 'naive streaming (string += chunk; split)',
      fn() {
        let tail = '';
        for (const chunk of parts) {
          const lines = (tail + chunk.toString()).split('\n');
          tail = lines.pop() ?? '';
          for (const l of lines) sink = JSON.parse(l);
        }
      },
    },
    {
      name: 'createNdjsonDecoder, 64 KB chunks',
      fn() {
        const d = createNdjsonDecoder(handlers, { maxMessageBytes: 4 * 1_048_576 });
        for (const chunk of parts) d.push(chunk);
      },
    },
  ];
}

/** Chunks of about `size` bytes cut just after a newline, so each holds whole lines only. */
function lineChunks(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  while (from < buf.length) {
    const nl = buf.indexOf(10, Math.min(from + size, buf.length) - 1);
    const end = nl === -1 ? buf.length : nl + 1;
    out.push(buf.subarray(from, end));
    from = end;
  }
  return out;
}

/**
 * Prices the invalid-UTF-8 check against the decode it guards. The baseline decodes 1 MB (decode
 * each chunk once, cut lines with String#indexOf, JSON.parse); the other cases run only a check
 * over the same megabyte, so a ratio of R means the check costs 1/R of the decode (R = 100 is 1%).
 * Timing the check alone keeps the figure readable on a noisy machine, where a 1% difference
 * between two full decodes drowns in run-to-run variation.
 */
function utf8Cases(): MicroCase[] {
  const ascii = lineChunks(ndjsonMegabyte('ASCII'), 65_536);
  const mixed = lineChunks(ndjsonMegabyte('mixed'), 65_536);
  const asciiText = ascii.map((b) => b.toString('utf8'));
  const mixedText = mixed.map((b) => b.toString('utf8'));
  let hits = 0;
  return [
    {
      name: 'decode 1 MB, mixed, no check',
      baseline: true,
      fn() {
        for (const buf of mixed) {
          const text = buf.toString('utf8');
          let from = 0;
          let nl: number;
          while ((nl = text.indexOf('\n', from)) !== -1) {
            sink = JSON.parse(text.slice(from, nl));
            from = nl + 1;
          }
        }
      },
    },
    {
      name: 'check: indexOf(U+FFFD), 1 MB ASCII (used)',
      fn() {
        for (const t of asciiText) hits += t.indexOf('\uFFFD');
      },
    },
    {
      name: 'check: indexOf(U+FFFD), 1 MB mixed (used)',
      fn() {
        for (const t of mixedText) hits += t.indexOf('\uFFFD');
      },
    },
    {
      name: 'check: isUtf8, 1 MB ASCII',
      fn() {
        for (const b of ascii) hits += isUtf8(b) ? 1 : 0;
      },
    },
    {
      name: 'check: isUtf8, 1 MB mixed',
      fn() {
        for (const b of mixed) hits += isUtf8(b) ? 1 : 0;
        sink = hits;
      },
    },
  ];
}

/** `[[[…0…]]]`, `levels` deep, as one NDJSON line. */
function nestedLine(levels: number): Buffer {
  return Buffer.from(`${'['.repeat(levels)}0${']'.repeat(levels)}\n`);
}

/**
 * The maxDepth check on 1 MB frames, each pushed as one chunk: a flat frame (few brackets: settled
 * by counting them), one of 32,000 objects (more than maxDepth brackets: one scan skipping
 * strings), one nested 100 deep many times over (within the limit), and the 520,000-deep frame of
 * issue 11, refused before JSON.parse; against JSON.parse of that frame without a limit.
 */
function depthCases(): MicroCase[] {
  const handlers = {
    onMessage: (v: unknown) => {
      sink = v;
    },
    onParseError: (e: Error) => {
      sink = e;
    },
    onOversize: (e: Error) => {
      throw e;
    },
  };
  const options = { maxMessageBytes: 2_000_000 };
  const flat = Buffer.from(
    `${JSON.stringify({ jsonrpc: '2.0', result: Array.from({ length: 140_000 }, (_, i) => i), id: 1 })}\n`,
  );
  const objects = Buffer.from(
    `${JSON.stringify({
      jsonrpc: '2.0',
      result: Array.from({ length: 32_000 }, (_, i) => ({ i, name: `item ${i}` })),
      id: 1,
    })}\n`,
  );
  let chain: unknown = 0;
  for (let i = 0; i < 100; i++) chain = [chain, { a: i }];
  const deepWithin = Buffer.from(`${JSON.stringify(Array.from({ length: 1000 }, () => chain))}\n`);
  const deep = nestedLine(520_000);
  const deepText = deep.toString('latin1', 0, deep.length - 1);
  const objectsText = objects.toString('latin1', 0, objects.length - 1);
  const decode = (line: Buffer) => () => createNdjsonDecoder(handlers, options).push(line);
  const mb = (b: Buffer) => `${(b.length / 1e6).toFixed(2)} MB`;
  return [
    { name: `decode flat frame (numbers), ${mb(flat)}`, baseline: true, fn: decode(flat) },
    { name: `decode 32,000 objects (scanned), ${mb(objects)}`, fn: decode(objects) },
    { name: `decode depth-100 chains (allowed), ${mb(deepWithin)}`, fn: decode(deepWithin) },
    { name: `decode 520,000 nested arrays (refused), ${mb(deep)}`, fn: decode(deep) },
    {
      name: 'JSON.parse of the 520,000-deep frame (no limit)',
      fn() {
        sink = JSON.parse(deepText);
      },
    },
    {
      name: 'exceedsDepth(32,000 objects, 128) alone',
      fn() {
        sink = exceedsDepth(objectsText, 128);
      },
    },
  ];
}

/**
 * What maxDepth costs ordinary requests: 1,000 requests in one chunk, per request. A ~80-byte
 * request is shorter than maxDepth (128) and skips the check; a ~280-byte one with 9 brackets
 * pays for counting them; `maxDepth: 1e9` skips the check for both.
 */
function depthSmallCases(): MicroCase[] {
  let count = 0;
  const handlers = {
    onMessage: () => {
      count++;
    },
    onParseError: (e: Error) => {
      throw e;
    },
    onOversize: (e: Error) => {
      throw e;
    },
  };
  const lines = (make: (id: number) => unknown) =>
    Buffer.from(Array.from({ length: N }, (_, i) => `${JSON.stringify(make(i))}\n`).join(''));
  const small = lines((id) => ({
    jsonrpc: '2.0',
    method: 'ArithService.Add',
    params: { a: id, b: 2 },
    id,
  }));
  const mid = lines((id) => ({
    jsonrpc: '2.0',
    method: 'Store.Put',
    params: {
      items: [
        { k: id, v: [1, 2, 3] },
        { k: 2, v: [4] },
      ],
      tags: ['a', 'b'],
      note: 'x'.repeat(150),
    },
    id,
  }));
  const unlimited = { maxDepth: 1e9 };
  return [
    {
      name: `~${Math.round(small.length / N)} B request, default maxDepth`,
      baseline: true,
      opsPerCall: N,
      fn: () => createNdjsonDecoder(handlers).push(small),
    },
    {
      name: `~${Math.round(small.length / N)} B request, maxDepth 1e9 (no check)`,
      opsPerCall: N,
      fn: () => createNdjsonDecoder(handlers, unlimited).push(small),
    },
    {
      name: `~${Math.round(mid.length / N)} B request, 9 brackets, default`,
      opsPerCall: N,
      fn: () => createNdjsonDecoder(handlers).push(mid),
    },
    {
      name: `~${Math.round(mid.length / N)} B request, 9 brackets, maxDepth 1e9`,
      opsPerCall: N,
      fn() {
        createNdjsonDecoder(handlers, unlimited).push(mid);
        if (count === -1) throw new Error('unreachable');
      },
    },
  ];
}

export async function run(): Promise<void> {
  await runMicroSuite('codec-encode', encodeCases());
  await runMicroSuite('codec-request', requestCases());
  await runMicroSuite('codec-error', errorCases());
  await runMicroSuite('codec-decode', decodeCases());
  await runMicroSuite('codec-decode-large', largeCases());
  await runMicroSuite('codec-utf8', utf8Cases());
  await runMicroSuite('codec-depth', depthCases());
  await runMicroSuite('codec-depth-small', depthSmallCases());
  if (sink === Symbol.for('never')) console.log(sink);
}
