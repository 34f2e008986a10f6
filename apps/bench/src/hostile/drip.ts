// drip: connections writing one byte at a time of a frame they never finish. Measures how much
// memory the server holds per byte of unterminated frame (issue 11: ~225 bytes of RSS per byte).
import type net from 'node:net';
import type { Build } from './build.js';
import { ServerChild } from './child.js';
import { connect, tick } from './wire.js';

export interface DripOptions {
  framing: 'ndjson' | 'content-length';
  connections: number;
  /** Bytes each connection drips (its unterminated frame so far, header excluded). */
  bytesPerConnection: number;
  /** Stop dripping after this long (ms) even if not every byte was sent. */
  maxMs: number;
}

export interface DripResult {
  framing: DripOptions['framing'];
  connections: number;
  /** Bytes of unterminated frames the server had read when memory was measured. */
  bytesHeld: number;
  /** Socket reads (`'data'` events) the server got for them: bytes ÷ reads near 1 is a true drip. */
  reads: number;
  bytesPerRead: number;
  rssGrowth: number;
  /** RSS growth ÷ bytes held: the amplification (the figure; includes fixed costs). */
  rssPerByte: number;
  /**
   * RSS growth over the second half of the drip ÷ the bytes it added: the cost of each further
   * byte, without the one-off growth (heap sizing, compiled code) the first bytes trigger.
   */
  rssPerByteSecondHalf: number;
  /** Growth of V8 heap + memory outside it (Buffers), after two full GCs, ÷ bytes held. */
  heapExternalPerByte: number;
  /** Connections the server had closed by the end (a frame limit would close them). */
  closedByServer: number;
  elapsedMs: number;
}

// The first bytes of each frame, sent in one write; then filler, one byte per write.
const NDJSON_HEAD = '{"jsonrpc":"2.0","method":"ping","params":["';
// Declared length within the default maxMessageBytes (1 MiB), larger than what is ever sent.
const CONTENT_LENGTH = 1_000_000;

export async function drip(build: Build, options: DripOptions): Promise<DripResult> {
  if (options.bytesPerConnection >= CONTENT_LENGTH) {
    throw new Error(`drip: bytesPerConnection must be below ${CONTENT_LENGTH}`);
  }
  const server = await ServerChild.start(build.serverMain, {
    server: build.server,
    framing: options.framing,
    port: 0,
  });
  const sockets: net.Socket[] = [];
  try {
    for (let i = 0; i < options.connections; i++) sockets.push(await connect(server.port));
    let closedByServer = 0;
    for (const s of sockets) s.once('close', () => closedByServer++);
    const head =
      options.framing === 'ndjson'
        ? NDJSON_HEAD
        : `Content-Length: ${CONTENT_LENGTH}\r\n\r\n${NDJSON_HEAD}`;
    for (const s of sockets) s.write(head);
    // Let the heads arrive and settle before the baseline, so they are not counted as held.
    await waitForBytes(server, sockets.length * Buffer.byteLength(head), 5000);
    const before = await server.memory();

    const start = performance.now();
    const deadline = start + options.maxMs;
    const filler = Buffer.from('a');
    let sent = 0;
    // Rounds of one byte per write on every connection. A socket whose previous byte is still
    // queued is skipped, so bytes are never coalesced on our side; and before each round the
    // server must have read all but the previous round (its taps, over IPC), so on a busy machine
    // its reads still carry a byte or two each instead of whatever piled up in the kernel.
    // Bounded by bytesPerConnection rounds and by maxMs.
    const base = before.taps.bytesIn;
    const half = options.bytesPerConnection >> 1;
    let middle: Awaited<ReturnType<ServerChild['memory']>> | null = null;
    for (let i = 0; i < options.bytesPerConnection && performance.now() < deadline; i++) {
      if (i === half) {
        await waitForBytes(server, base + sent, 10_000);
        middle = await server.memory();
      }
      for (let polls = 0; polls < 1000 && performance.now() < deadline; polls++) {
        if ((await server.taps()).bytesIn >= base + sent - sockets.length) break;
        await tick();
      }
      for (const s of sockets) {
        if (s.destroyed || s.writableLength > 0) continue;
        s.write(filler);
        sent++;
      }
    }
    const elapsedMs = performance.now() - start;
    await waitForBytes(server, before.taps.bytesIn + sent, 10_000);
    const after = await server.memory();
    const bytesHeld = after.taps.bytesIn - before.taps.bytesIn;
    const reads = after.taps.reads - before.taps.reads;
    const rssGrowth = after.memory.rss - before.memory.rss;
    const secondHalf = middle === null ? 0 : after.taps.bytesIn - middle.taps.bytesIn;
    const heapExternal = (m: typeof after.memory) => m.heapUsed + m.external;
    return {
      framing: options.framing,
      connections: options.connections,
      bytesHeld,
      reads,
      bytesPerRead: reads === 0 ? 0 : bytesHeld / reads,
      rssGrowth,
      rssPerByte: bytesHeld === 0 ? 0 : rssGrowth / bytesHeld,
      rssPerByteSecondHalf:
        middle === null || secondHalf === 0
          ? 0
          : (after.memory.rss - middle.memory.rss) / secondHalf,
      heapExternalPerByte:
        bytesHeld === 0
          ? 0
          : (heapExternal(after.memory) - heapExternal(before.memory)) / bytesHeld,
      closedByServer,
      elapsedMs,
    };
  } finally {
    for (const s of sockets) s.destroy();
    await server.stop('message', 10_000);
  }
}

/** Polls the child's taps until it has read `bytes` in total (bounded by `maxMs`). */
async function waitForBytes(server: ServerChild, bytes: number, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    if ((await server.taps()).bytesIn >= bytes) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
