// deep: one connection sends ~1 MB frames of deeply nested arrays, one at a time, while another
// connection runs sequential pings. Measures the server's CPU per frame and the other connection's
// latency, against the same with a flat frame of the same size (issue 11: 174 ms vs 23 ms of CPU;
// p99 1.3 ms -> 459 ms).
import type net from 'node:net';
import type { Build } from './build.js';
import { ServerChild } from './child.js';
import { type LatencySummary, summarize } from './latency.js';
import { connect, Lines, startPinger } from './wire.js';

export interface DeepOptions {
  /** Size of each attacking frame, bytes (`\n` included); at most the default maxMessageBytes. */
  frameBytes: number;
  /** Frames sent back to back, each waiting for its answer, to measure CPU per frame. */
  cpuFrames: number;
  /** Length of each latency phase (idle, flat, deep), ms. */
  phaseMs: number;
  /** Most pings per latency phase. */
  maxPings: number;
}

export interface ShapeResult {
  /** Server CPU (user + system) per frame, ms. */
  cpuMsPerFrame: number;
  /** What the server answered to the frame (its first 100 characters). */
  answer: string;
  /** Frames sent during the latency phase. */
  frames: number;
  /** The other connection's sequential pings while this shape was being sent. */
  ping: LatencySummary;
}

export interface DeepResult {
  frameBytes: number;
  depth: number;
  /** Pings with nothing else going on. */
  idle: LatencySummary;
  flat: ShapeResult;
  deep: ShapeResult;
}

const HEAD = '{"jsonrpc":"2.0","method":"ping","params":';
const TAIL = ',"id":1}\n';

/** A request whose params are `depth` nested arrays: `[[[…]]]`, `frameBytes` long in all. */
export function deepFrame(frameBytes: number): { frame: Buffer; depth: number } {
  const depth = Math.floor((frameBytes - HEAD.length - TAIL.length) / 2);
  return { frame: Buffer.from(HEAD + '['.repeat(depth) + ']'.repeat(depth) + TAIL), depth };
}

/** A request whose params are one flat array of zeros, `frameBytes` long in all (±1). */
export function flatFrame(frameBytes: number): Buffer {
  const count = Math.floor((frameBytes - HEAD.length - TAIL.length - 1) / 2);
  return Buffer.from(`${HEAD}[${'0,'.repeat(count)}0]${TAIL}`);
}

export async function deep(build: Build, options: DeepOptions): Promise<DeepResult> {
  const server = await ServerChild.start(build.serverMain, {
    server: build.server,
    framing: 'ndjson',
    port: 0,
  });
  const sockets: net.Socket[] = [];
  try {
    const attacker = await connect(server.port);
    sockets.push(attacker);
    const attackerLines = new Lines(attacker);
    const pingSocket = await connect(server.port);
    sockets.push(pingSocket);
    const pingLines = new Lines(pingSocket);
    const { frame: deepBytes, depth } = deepFrame(options.frameBytes);
    const flatBytes = flatFrame(options.frameBytes);

    /** Sends one frame and waits for its answer (30 s at most). */
    const send = async (frame: Buffer): Promise<string> => {
      attacker.write(frame);
      const line = await attackerLines.next(30_000);
      if (line === null)
        throw new Error('deep: the server closed or did not answer a frame within 30 s');
      return line;
    };

    const cpuPerFrame = async (frame: Buffer) => {
      const answer = await send(frame); // warm-up, and the answer to show
      const before = await server.cpuUs();
      for (let i = 0; i < options.cpuFrames; i++) await send(frame);
      const after = await server.cpuUs();
      return {
        cpuMsPerFrame: (after - before) / options.cpuFrames / 1000,
        answer: answer.slice(0, 100),
      };
    };
    const flatCpu = await cpuPerFrame(flatBytes);
    const deepCpu = await cpuPerFrame(deepBytes);

    const pingPhase = async (frame: Buffer | null) => {
      const pinger = startPinger(pingSocket, pingLines, {
        count: options.maxPings,
        maxMs: options.phaseMs,
        stallMs: 10_000,
        stallWaitMs: 10_000,
      });
      let frames = 0;
      if (frame !== null) {
        let running = true;
        pinger.done.then(() => {
          running = false;
        });
        // Bounded by the pinger's own bounds (count and phaseMs).
        while (running) {
          await send(frame);
          frames++;
        }
      }
      await pinger.done;
      return { frames, ping: summarize(pinger.samples) };
    };
    const idle = (await pingPhase(null)).ping;
    const flatPhase = await pingPhase(flatBytes);
    const deepPhase = await pingPhase(deepBytes);
    return {
      frameBytes: deepBytes.length,
      depth,
      idle,
      flat: { ...flatCpu, ...flatPhase },
      deep: { ...deepCpu, ...deepPhase },
    };
  } finally {
    for (const s of sockets) s.destroy();
    await server.stop('message', 10_000);
  }
}
