// starve: one connection queues many calls to a slow handler; another runs sequential pings.
// Measures the other connection's latency against the same pings on the idle server (issue 11: a
// call on another connection got no answer for seconds).
import type net from 'node:net';
import type { Build } from './build.js';
import { ServerChild } from './child.js';
import { type LatencySummary, summarize } from './latency.js';
import { connect, Lines, request, startPinger } from './wire.js';

export interface StarveOptions {
  /** Calls to `slow` (each waits 10 s or until released) sent at once on one connection. */
  slowCalls: number;
  /** Sequential pings on another connection, before and during the attack. */
  pings: number;
  /**
   * A ping unanswered this long is counted as stalled: the slow calls are then released (so the
   * run ends) and the pinger stops after recording how long that ping took in all.
   */
  stallMs: number;
}

export interface StarveResult {
  slowCalls: number;
  idle: LatencySummary;
  /** Pings while the slow calls hold the server (the stalled ping included, with its full time). */
  attacked: LatencySummary;
  /** Pings with no answer within stallMs (0 or 1: the pinger stops at the first). */
  stalled: number;
  /** Slow calls answered once released (all of them, or the server lost some). */
  slowAnswered: number;
}

export async function starve(build: Build, options: StarveOptions): Promise<StarveResult> {
  const server = await ServerChild.start(build.serverMain, {
    server: build.server,
    framing: 'ndjson',
    port: 0,
  });
  const sockets: net.Socket[] = [];
  try {
    const pingSocket = await connect(server.port);
    sockets.push(pingSocket);
    const pingLines = new Lines(pingSocket);
    const pingOptions = { count: options.pings, maxMs: 60_000, stallMs: options.stallMs };
    const idlePinger = startPinger(pingSocket, pingLines, { ...pingOptions, stallWaitMs: 10_000 });
    await idlePinger.done;

    const attacker = await connect(server.port);
    sockets.push(attacker);
    const attackerLines = new Lines(attacker);
    let text = '';
    for (let id = 1; id <= options.slowCalls; id++) text += request('slow', [], id);
    const base = (await server.taps()).linesIn;
    attacker.write(text);
    // Wait until the server has read every slow call (bounded: 10 s).
    for (let i = 0; i < 500 && (await server.taps()).linesIn < base + options.slowCalls; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    let released: Promise<void> | null = null;
    const release = () => {
      released ??= server.release();
    };
    const pinger = startPinger(pingSocket, pingLines, {
      ...pingOptions,
      stallWaitMs: 30_000,
      onStall: release,
    });
    await pinger.done;
    release();
    await released;
    let slowAnswered = 0;
    while (slowAnswered < options.slowCalls && (await attackerLines.next(15_000)) !== null) {
      slowAnswered++;
    }
    return {
      slowCalls: options.slowCalls,
      idle: summarize(idlePinger.samples),
      attacked: summarize(pinger.samples),
      stalled: pinger.stalled,
      slowAnswered,
    };
  } finally {
    for (const s of sockets) s.destroy();
    await server.stop('message', 10_000);
  }
}
