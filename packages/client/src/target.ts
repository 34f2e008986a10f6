import type { Duplex, Readable, Writable } from 'node:stream';
import { checkInteger, describe, optionError, rejectUnknownOptions } from '@rerpc/internal';
import type { EndpointsTarget } from './endpoints.js';
import type { ResolvedClientOptions } from './options.js';

/**
 * Where to connect: a TCP host and port, a Unix socket / Windows named pipe path, or a URL:
 * `'http://host:port/path'` / `'https://…'` (one POST per call or batch), `'ws://…'` / `'wss://…'`
 * (a WebSocket, one JSON text per message) or `'tcp://host:port'`; or a stream pair: `{ stream }`
 * (a Duplex) or `{ readable, writable }` (such as a child process's stdout and stdin), one
 * connection in Content-Length frames by default, never redialled. Or several servers:
 * `{ endpoints }` or `{ resolver }` (see {@link EndpointsTarget}).
 */
export type ClientTarget =
  | EndpointsTarget
  | { host?: string; port: number }
  | { path: string }
  | { stream: Duplex }
  | { readable: Readable; writable: Writable }
  | string;

/** How a target is reached. */
export type Transport = 'tcp' | 'ws' | 'http' | 'stream';

/** A checked target: its transport, the address used in messages, and where to connect. */
export interface ResolvedTarget {
  readonly transport: Transport;
  /** `host:port`, the socket path, or the URL. */
  readonly address: string;
  /** TCP and Unix targets: what to dial; null for a URL. */
  readonly tcp: { host: string; port: number } | { path: string } | null;
  /** `http(s)://` and `ws(s)://` targets: the URL; null otherwise. */
  readonly url: URL | null;
  /** The URL asks for TLS (`https:`, `wss:`, `tls:`); the `tls` option turns it on for any. */
  readonly secure: boolean;
  /** A stream target's two ends; null otherwise. */
  readonly stream: StreamPair | null;
}

/** What a stream target reads the server's messages from and writes its own to. */
export interface StreamPair {
  readonly readable: Readable;
  readonly writable: Writable;
}

/** The keys a target may have. */
const TARGET_KEYS: readonly string[] = ['host', 'port', 'path', 'stream', 'readable', 'writable'];

const URL_TRANSPORTS: Readonly<Record<string, Transport>> = {
  'http:': 'http',
  'https:': 'http',
  'ws:': 'ws',
  'wss:': 'ws',
  'tcp:': 'tcp',
  'tls:': 'tcp',
};
const SECURE = new Set(['https:', 'wss:', 'tls:']);
const TARGET_RULE =
  "target must be { host, port }, { path }, { stream } or { readable, writable }, or a URL 'http(s)://host:port/path', 'ws(s)://host:port/path' or 'tcp://host:port' / 'tls://host:port'";

/** Throws when an option is set that `target`'s transport does not use. */
export function checkTransportOptions(target: ResolvedTarget, o: ResolvedClientOptions): void {
  if (o.autoBatch > 0 && target.transport !== 'http' && target.transport !== 'ws') {
    throw optionError(
      `autoBatch applies only to http(s):// and ws(s):// targets (a TCP connection already sends the calls of one tick in one write), got ${o.autoBatch} for ${target.address}`,
    );
  }
  if (o.framing !== 'ndjson' && (target.transport === 'http' || target.transport === 'ws')) {
    throw optionError(
      `framing applies only to TCP targets (HTTP and WebSocket messages frame themselves), got ${describe(o.framing)} for ${target.address}`,
    );
  }
  if (target.transport === 'stream' && o.tls !== null) {
    throw optionError('tls does not apply to a stream target: secure the stream before passing it');
  }
  if (o.headers !== null && (target.transport === 'tcp' || target.transport === 'stream')) {
    throw optionError(
      `headers applies only to http(s):// and ws(s):// targets, not to ${target.address}`,
    );
  }
  if (o.tls !== null && target.url !== null && !target.secure) {
    throw optionError(
      `tls applies to https://, wss:// and tls:// targets, not to ${target.url.protocol}//; use ${target.url.protocol.replace(':', 's:')}// for TLS`,
    );
  }
}

/** Validates a URL target (see {@link ClientTarget}). */
export function checkUrlTarget(text: string): ResolvedTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw optionError(`${TARGET_RULE}, got ${describe(text)}`);
  }
  const transport = URL_TRANSPORTS[url.protocol];
  if (transport === undefined) throw optionError(`${TARGET_RULE}, got ${describe(text)}`);
  if (url.username !== '' || url.password !== '') {
    throw optionError(
      `target must not carry credentials in the URL (they would appear in error messages); send them in the headers option instead, got ${describe(`${url.protocol}//…@${url.host}`)}`,
    );
  }
  const secure = SECURE.has(url.protocol);
  if (transport !== 'tcp') {
    const address = `${url.origin}${url.pathname}`;
    return { transport, address, tcp: null, url, secure, stream: null };
  }
  if (url.port === '') {
    throw optionError(`a ${url.protocol}// target needs a port, got ${describe(text)}`);
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const tcp = { host, port: Number(url.port) };
  return { transport, address: url.host, tcp, url: null, secure, stream: null };
}

/**
 * Validates the target: `{ host?, port }`, `{ path }` or a URL string; returns where and how to
 * connect.
 */
export function checkTarget(target: unknown): ResolvedTarget {
  if (typeof target === 'string') return checkUrlTarget(target);
  if (typeof target !== 'object' || target === null || Array.isArray(target)) {
    throw optionError(`${TARGET_RULE}, got ${describe(target)}`);
  }
  rejectUnknownOptions(target, TARGET_KEYS, 'createClient() target');
  const t = target as Record<string, unknown>;
  if (t['stream'] !== undefined || t['readable'] !== undefined || t['writable'] !== undefined) {
    return checkStreamTarget(t);
  }
  if (t['path'] !== undefined) {
    if (t['port'] !== undefined || t['host'] !== undefined) {
      throw optionError(
        'target must be { host, port } or { path }, not both: a path (Unix socket or pipe) has no host or port',
      );
    }
    // Stryker disable next-line all: conn-pool's TcpConnector, built by createClient(), refuses such a path with this same message; checked here to name it first
    if (typeof t['path'] !== 'string' || t['path'] === '') {
      throw optionError(`path must be a non-empty string, got ${describe(t['path'])}`);
    }
    const tcp = { path: t['path'] };
    return { transport: 'tcp', address: t['path'], tcp, url: null, secure: false, stream: null };
  }
  const port = checkInteger('port', t['port'], 1, 65535);
  const host = t['host'] ?? 'localhost';
  // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: an empty host reaches conn-pool's TcpConnector, which refuses it with this same message (a non-string one is refused here: test/target.test.ts)
  if (typeof host !== 'string' || host === '') {
    throw optionError(`host must be a non-empty string, got ${describe(host)}`);
  }
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return {
    transport: 'tcp',
    address,
    tcp: { host, port },
    url: null,
    secure: false,
    stream: null,
  };
}

/** Validates `{ stream }` (a Duplex) or `{ readable, writable }`. */
function checkStreamTarget(t: Record<string, unknown>): ResolvedTarget {
  const given = Object.keys(t).filter((key) => t[key] !== undefined);
  const duplex = t['stream'];
  if (duplex !== undefined) {
    if (given.length > 1) {
      throw optionError(
        `target must be { stream } or { readable, writable }, not both, got keys ${given.join(', ')}`,
      );
    }
    if (!isReadable(duplex) || !isWritable(duplex)) {
      throw optionError(`stream must be a Duplex stream, got ${describe(duplex)}`);
    }
    return streamTarget({ readable: duplex, writable: duplex });
  }
  const { readable, writable } = t;
  // Stryker disable next-line ConditionalExpression: without stream, fewer than two keys leaves readable or writable undefined, refused by the checks after it
  if (given.length !== 2 || !isReadable(readable) || !isWritable(writable)) {
    throw optionError(
      `target { readable, writable } needs a readable stream and a writable stream, got ${describe(readable)} and ${describe(writable)}`,
    );
  }
  return streamTarget({ readable, writable });
}

function streamTarget(stream: StreamPair): ResolvedTarget {
  // Stryker disable next-line BooleanLiteral: only TCP links read secure; a stream target refuses tls
  return { transport: 'stream', address: 'stream', tcp: null, url: null, secure: false, stream };
}

function isReadable(value: unknown): value is Readable {
  return (
    typeof (value as Readable | null)?.on === 'function' &&
    typeof (value as Readable).read === 'function'
  );
}

function isWritable(value: unknown): value is Writable {
  return (
    typeof (value as Writable | null)?.on === 'function' &&
    typeof (value as Writable).write === 'function'
  );
}
