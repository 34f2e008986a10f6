// The contenders, in table order, one entry per contender and transport. Each names a server
// process (dist/e2e/servers/<server>.js) and a client process (dist/e2e/clients/<client>.js);
// two entries may share either. A scenario runs the entries of its transport; a contender keeps
// its name (and its colour) across transports, so `--only=` picks it on all of them.
import type { Scenario, Transport } from './scenarios.js';

export interface Contender {
  name: string;
  transport: Transport;
  server: string;
  client: string;
  /** Bar colour in the chart. */
  color: string;
  /** One line for the README: what runs, and how it was set up. */
  note: string;
  /** Why its client cannot send a JSON-RPC batch (batch scenarios show `–`); absent when it can. */
  noBatch?: string;
}

export const CEILING = 'raw';
export const OURS = 'rerpc';

const colors = {
  raw: '#868e96',
  rerpc: '#e8590c',
  'rerpc-server+raw-client': '#fab005',
  jayson: '#1c7ed6',
  'vscode-jsonrpc': '#7048e8',
  'json-rpc-2.0': '#2f9e44',
  'rpc-websockets': '#d6336c',
  'rerpc-autobatch': '#ff922b',
} as const;

type Name = keyof typeof colors;

function entry(
  name: Name,
  transport: Transport,
  rest: Omit<Contender, 'name' | 'transport' | 'color'>,
): Contender {
  return { name, transport, color: colors[name], ...rest };
}

export const contenders: readonly Contender[] = [
  entry('raw', 'tcp', {
    server: 'raw',
    client: 'raw',
    note: 'minimal `net` NDJSON server and pipelined client (JSON.parse + JSON.stringify per line, ids in a Map): the ceiling',
  }),
  entry('rerpc', 'tcp', {
    server: 'rerpc',
    client: 'rerpc',
    note: "@rerpc/server (default options) + @rerpc/client (`maxActive` = the scenario's connection count)",
  }),
  entry('rerpc-server+raw-client', 'tcp', {
    server: 'rerpc',
    client: 'raw',
    note: "rerpc's server driven by the raw client: the server's cost alone",
  }),
  entry('jayson', 'tcp', {
    server: 'jayson',
    client: 'jayson',
    note: 'jayson 5.0.0 TCP server + TCP client (the client dials one connection per call)',
  }),
  entry('vscode-jsonrpc', 'tcp', {
    server: 'vscode-jsonrpc',
    client: 'vscode-jsonrpc',
    note: 'vscode-jsonrpc 10.0.0 MessageConnection on both sides, Content-Length framing over `net`',
  }),
  entry('json-rpc-2.0', 'tcp', {
    server: 'json-rpc-2.0',
    client: 'json-rpc-2.0',
    note: "json-rpc-2.0 1.8.1 JSONRPCServer / JSONRPCClient over the raw contender's NDJSON `net` transport",
  }),
  entry('raw', 'http', {
    server: 'raw-http',
    client: 'raw-http',
    note: "`node:http` server (JSON.parse + JSON.stringify per POST body) and an undici 7 `Pool` client (`request()`, keep-alive, `connections` = the scenario's): the HTTP ceiling",
  }),
  entry('rerpc', 'http', {
    server: 'rerpc-web',
    client: 'rerpc-http',
    note: "@rerpc/server `listen({ transport: 'http' })` + @rerpc/client on an `http://` URL (`maxActive` = the scenario's connection count)",
  }),
  entry('rerpc-server+raw-client', 'http', {
    server: 'rerpc-web',
    client: 'raw-http',
    note: "rerpc's HTTP server driven by the raw undici client",
  }),
  entry('jayson', 'http', {
    server: 'jayson-http',
    client: 'jayson-http',
    note: "jayson 5.0.0 `Server#http()` + `Client.http()` (`node:http` with a keep-alive `Agent`, `maxSockets` = the scenario's connections)",
  }),
  entry('json-rpc-2.0', 'http', {
    server: 'json-rpc-2.0-http',
    client: 'json-rpc-2.0-http',
    note: "json-rpc-2.0 1.8.1 over the raw contender's `node:http` server and undici `Pool` client (not `fetch`): differs from raw only by the library",
  }),
  entry('rerpc-autobatch', 'http', {
    server: 'rerpc-web',
    client: 'rerpc-http-autobatch',
    note: "`rerpc` with the client's opt-in `autoBatch: 10`: the calls of one tick go out as batch POSTs of up to 10",
  }),
  entry('raw', 'ws', {
    server: 'raw-ws',
    client: 'raw-ws',
    note: '`ws` 8 server and client, one text message per request or batch, JSON.parse + JSON.stringify per message, ids in a Map: the WebSocket ceiling',
  }),
  entry('rerpc', 'ws', {
    server: 'rerpc-web',
    client: 'rerpc-ws',
    note: "@rerpc/server `listen({ transport: 'http' })` (WebSocket upgrade on the same port) + @rerpc/client on a `ws://` URL",
  }),
  entry('rerpc-server+raw-client', 'ws', {
    server: 'rerpc-web',
    client: 'raw-ws',
    note: "rerpc's WebSocket server driven by the raw `ws` client",
  }),
  entry('jayson', 'ws', {
    server: 'jayson-ws',
    client: 'jayson-ws',
    note: 'jayson 5.0.0 `Server#websocket()` + `Client.websocket()` (its own `ws` 7)',
  }),
  entry('json-rpc-2.0', 'ws', {
    server: 'json-rpc-2.0-ws',
    client: 'json-rpc-2.0-ws',
    note: "json-rpc-2.0 1.8.1 over the raw contender's `ws` server and client",
  }),
  entry('rerpc-autobatch', 'ws', {
    server: 'rerpc-web',
    client: 'rerpc-ws-autobatch',
    note: "`rerpc` with the client's opt-in `autoBatch: 10`: the calls of one tick go out as batch messages of up to 10",
  }),
  entry('rpc-websockets', 'ws', {
    server: 'rpc-websockets',
    client: 'rpc-websockets',
    note: 'rpc-websockets 10.0.1 `Server` + `Client` (standard JSON-RPC 2.0 over `ws` 8)',
    noBatch: 'rpc-websockets 10.0.1 has no batch call in its client',
  }),
];

/** A contender in one scenario: runs it, or cannot (shown as `–`, with the reason in a note). */
export interface Entry {
  contender: Contender;
  /** Null when it runs the scenario; else why not. */
  cannot: string | null;
}

/**
 * The contenders of a scenario, in table order: the chosen ones that speak its transport, each
 * marked with why it cannot run the scenario where it cannot (a client without batches).
 */
export function lineup(scenario: Scenario, chosen: readonly Contender[]): Entry[] {
  return chosen
    .filter((c) => c.transport === scenario.transport)
    .map((contender) => ({
      contender,
      cannot: scenario.batch > 1 && contender.noBatch !== undefined ? contender.noBatch : null,
    }));
}

/** Each contender's name once, in table order, with its colour and first note (the chart's legend). */
export function legend(
  chosen: readonly Contender[],
): { name: string; note: string; color: string }[] {
  const seen = new Map<string, { name: string; note: string; color: string }>();
  for (const c of chosen) {
    if (!seen.has(c.name)) seen.set(c.name, { name: c.name, note: c.note, color: c.color });
  }
  return [...seen.values()];
}
