// What several micro suites build alike: the ArithService, parsed requests for it, a server
// channel whose rounds of calls are awaited, and a minimal NDJSON TCP server answering Add.

import { once } from 'node:events';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import type { Server } from '@rerpc/server';
import { corkedWriter, onLines } from '../e2e/ndjson.js';

/** The last answer a channel sent (read so no engine can drop the work). */
export let lastAnswer: unknown;

export class ArithService {
  Add({ a, b }: { a: number; b: number }) {
    return { result: a + b };
  }
}

/** A parsed request for {@link ArithService}. */
export interface ArithRequest {
  readonly jsonrpc: '2.0';
  readonly method: string;
  readonly params: { a: number; b: number };
  readonly id: number;
}

/**
 * `n` parsed `method` requests `{ a: i, b: 7 }` with ids 0..n-1, as the decoder hands them over
 * (parsing is the same for every case and excluded).
 */
export function arithRequests(n: number, method = 'ArithService.Add'): ArithRequest[] {
  return Array.from({ length: n }, (_, i) => ({
    jsonrpc: '2.0' as const,
    method,
    params: { a: i, b: 7 },
    id: i,
  }));
}

/** A channel into `server` whose answers go to {@link lastAnswer}, each also to `onAnswer`. */
export function sinkChannel(
  server: Server,
  onAnswer?: () => void,
): ReturnType<Server['openChannel']> {
  // Chosen once, so a channel without onAnswer sends as cheaply as a bare sink.
  const send =
    onAnswer === undefined
      ? (text: string): void => {
          lastAnswer = text;
        }
      : (text: string): void => {
          lastAnswer = text;
          onAnswer();
        };
  return server.openChannel({ remoteAddress: null, send, pause() {}, resume() {}, end() {} });
}

/**
 * A round: `requests` into a channel of `server`, resolved when all are answered (so a handler
 * or middleware that answers later is awaited alike). Keep a round under the server's
 * maxInFlightPerConnection (1000), so no call waits for a slot.
 */
export function receiveRound(server: Server, requests: readonly object[]): () => Promise<void> {
  const n = requests.length;
  let answered = 0;
  let roundDone: (() => void) | null = null;
  const channel = sinkChannel(server, () => {
    if (++answered === n && roundDone !== null) roundDone();
  });
  return () => {
    answered = 0;
    const done = new Promise<void>((resolve) => {
      roundDone = resolve;
    });
    for (let k = 0; k < n; k++) channel.receive(requests[k]);
    return done;
  };
}

/** A minimal NDJSON server on 127.0.0.1 answering `{ a, b }` with `{ result: a + b }`. */
export async function startArithServer(): Promise<{ server: NetServer; port: number }> {
  const server = createNetServer({ noDelay: true }, (socket) => {
    socket.on('error', () => {});
    const write = corkedWriter(socket);
    onLines(socket, (line) => {
      const request = JSON.parse(line) as { params: { a: number; b: number }; id: number };
      write(
        `{"jsonrpc":"2.0","result":{"result":${request.params.a + request.params.b}},"id":${request.id}}\n`,
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}
