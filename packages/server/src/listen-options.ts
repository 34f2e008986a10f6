import type { TlsOptions } from 'node:tls';
import { checkBoolean, checkInteger, checkOptions, describe, optionError } from '@rerpc/internal';
import {
  pickWebOptions,
  type ResolvedWebOptions,
  WEB_OPTION_NAMES,
  type WebOptions,
} from './web-options.js';

/** What `listen()` serves: raw TCP (framed per the server's `framing`) or HTTP + WebSocket. */
export type Transport = 'tcp' | 'http';

interface CommonListenOptions {
  /**
   * `'tcp'`: JSON-RPC over a byte stream, framed per the server's `framing`. `'http'`: HTTP/1.1
   * POST and WebSocket upgrades on one port (see the web options).
   * @default 'tcp'
   */
  transport?: Transport;
  /** Pending connections the OS queues. @default 511 */
  backlog?: number;
  /**
   * Serve over TLS (TCP with either framing, HTTPS and WSS): node's `tls.createServer()` options,
   * passed through (`key`, `cert`, `ca`, `requestCert`…).
   * @default undefined (no TLS)
   */
  tls?: TlsOptions;
  /**
   * Let several processes bind the same TCP port, the kernel spreading connections among them
   * (SO_REUSEPORT; Node >= 22.12 or >= 23.1, on Linux, FreeBSD, Solaris, AIX). Older Node
   * ignores it, so a second process gets `ListenError` (EADDRINUSE). @rerpc/cluster sets it.
   * @default false
   */
  reusePort?: boolean;
  /**
   * In a node:cluster worker, bind the port in this process instead of sharing the primary's
   * (needed with `reusePort`); elsewhere it changes nothing.
   * @default false
   */
  exclusive?: boolean;
}

/** Where and what to listen on: a TCP port (0 picks a free one) on a host, or a Unix socket / Windows pipe path. */
export type ListenOptions = (
  | {
      /** @default 0 (any free port) */
      port?: number;
      /** @default '127.0.0.1' */
      host?: string;
    }
  | { path: string }
) &
  CommonListenOptions &
  WebOptions;

/** `listen()`'s options, checked. */
export interface ResolvedListen {
  readonly transport: Transport;
  readonly args: {
    port?: number;
    host?: string;
    path?: string;
    backlog: number;
    reusePort?: boolean;
    exclusive?: boolean;
  };
  /** How error messages name the address. */
  readonly where: string;
  readonly tls: TlsOptions | null;
  /** The web options (`transport: 'http'` only), else `null`. */
  readonly web: ResolvedWebOptions | null;
}

const ALL_NAMES: readonly string[] = [
  'transport',
  'port',
  'host',
  'backlog',
  'path',
  'tls',
  'reusePort',
  'exclusive',
  ...WEB_OPTION_NAMES,
];

/** Validates `listen()`'s options; throws a coded TypeError naming the option, rule and value. */
export function resolveListen(options: ListenOptions): ResolvedListen {
  checkOptions(options, ALL_NAMES, 'listen() options');
  const transport = (options.transport ?? 'tcp') as unknown;
  if (transport !== 'tcp' && transport !== 'http') {
    throw optionError(`transport must be 'tcp' or 'http', got ${describe(transport)}`);
  }
  if (transport === 'tcp') {
    for (const name of WEB_OPTION_NAMES) {
      if (name in options) {
        throw optionError(
          `${name} is an option of the HTTP transport: pass transport: 'http' with it, or drop it`,
        );
      }
    }
  }
  const tls = options.tls ?? null;
  // Stryker disable next-line ConditionalExpression: typeof null is 'object' too, so null passes the check without its first half
  if (tls !== null && (typeof tls !== 'object' || Array.isArray(tls))) {
    throw optionError(
      `tls must be an object of node's tls.createServer() options ({ key, cert, ... }), got ${describe(tls)}`,
    );
  }
  const web = transport === 'http' ? pickWebOptions(options) : null;
  const backlog = checkInteger('backlog', options.backlog ?? 511, 1);
  const reusePort = checkBoolean('reusePort', options.reusePort ?? false);
  const exclusive = checkBoolean('exclusive', options.exclusive ?? false);
  // Set only when asked for, so the arguments Node gets are otherwise what they always were.
  const sharing = {
    ...(reusePort ? { reusePort } : {}),
    ...(exclusive ? { exclusive } : {}),
  };
  if ('path' in options && options.path !== undefined) {
    if (typeof options.path !== 'string' || options.path.length === 0) {
      throw optionError(`path must be a non-empty string, got ${describe(options.path)}`);
    }
    if (reusePort) throw optionError('reusePort is for TCP ports, not a path');
    return {
      transport,
      args: { path: options.path, backlog, ...sharing },
      where: options.path,
      tls,
      web,
    };
  }
  const o = options as { port?: number; host?: string };
  const port = checkInteger('port', o.port ?? 0, 0, 65535);
  const host = o.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.length === 0) {
    throw optionError(`host must be a non-empty string, got ${describe(host)}`);
  }
  return {
    transport,
    args: { port, host, backlog, ...sharing },
    where: `${host}:${port}`,
    tls,
    web,
  };
}
