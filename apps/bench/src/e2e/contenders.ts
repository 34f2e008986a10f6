// The contenders, in table order. Each names a server process (dist/e2e/servers/<server>.js)
// and a client process (dist/e2e/clients/<client>.js); two contenders may share either.

export interface Contender {
  name: string;
  server: string;
  client: string;
  /** Bar colour in the chart. */
  color: string;
  /** One line for the README: what runs, and how it was set up. */
  note: string;
}

export const CEILING = 'raw';
export const OURS = 'rerpc';

export const contenders: readonly Contender[] = [
  {
    name: 'raw',
    server: 'raw',
    client: 'raw',
    color: '#868e96',
    note: 'minimal `net` NDJSON server and pipelined client (JSON.parse + JSON.stringify per line, ids in a Map): the ceiling',
  },
  {
    name: 'rerpc',
    server: 'rerpc',
    client: 'rerpc',
    color: '#e8590c',
    note: "@rerpc/server (default options) + @rerpc/client (`maxActive` = the scenario's connection count)",
  },
  {
    name: 'rerpc-server+raw-client',
    server: 'rerpc',
    client: 'raw',
    color: '#fab005',
    note: "rerpc's server driven by the raw client: the server's cost alone",
  },
  {
    name: 'jayson',
    server: 'jayson',
    client: 'jayson',
    color: '#1c7ed6',
    note: 'jayson 5.0.0 TCP server + TCP client (the client dials one connection per call)',
  },
  {
    name: 'vscode-jsonrpc',
    server: 'vscode-jsonrpc',
    client: 'vscode-jsonrpc',
    color: '#7048e8',
    note: 'vscode-jsonrpc 10.0.0 MessageConnection on both sides, Content-Length framing over `net`',
  },
  {
    name: 'json-rpc-2.0',
    server: 'json-rpc-2.0',
    client: 'json-rpc-2.0',
    color: '#2f9e44',
    note: "json-rpc-2.0 1.8.1 JSONRPCServer / JSONRPCClient over the raw contender's NDJSON `net` transport",
  },
];
