import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Core } from './core.js';
import { acceptableBody, type ExchangeHost, HttpExchange, HttpStatus, respond } from './http.js';
import type { Sockets } from './sockets.js';
import type { ResolvedWebOptions } from './web-options.js';

/** What a web handler needs from the server that owns it. */
export interface WebHost {
  readonly core: Core;
  readonly sockets: Sockets;
}

const ALLOW_POST = { Allow: 'POST' };
const ALLOW_POST_OPTIONS = { Allow: 'POST, OPTIONS' };
/** How long browsers may cache a preflight's answer, in seconds. */
const PREFLIGHT_MAX_AGE = '600';

/**
 * The HTTP side of the web transport: routes each request (health check, CORS preflight, the
 * status-code checks) and hands a POST to an `HttpExchange`. One per `listen({ transport: 'http'
 * })` and one per `server.httpHandler()`.
 */
export class WebHandler implements ExchangeHost {
  readonly core: Core;
  readonly options: ResolvedWebOptions;
  private readonly sockets: Sockets;
  /** The sockets are the server's own (its listener's): they are counted by `Sockets`. */
  private readonly owned: boolean;

  constructor(host: WebHost, options: ResolvedWebOptions, owned: boolean) {
    this.core = host.core;
    this.sockets = host.sockets;
    this.options = options;
    this.owned = owned;
  }

  countBytes(bytesIn: number, bytesOut: number): void {
    this.sockets.countBytes(bytesIn, bytesOut);
  }

  /** node:http's `'request'` listener. */
  readonly request = (req: IncomingMessage, res: ServerResponse): void => {
    const core = this.core;
    if (this.owned && this.sockets.isRefused(req.socket)) {
      respond(
        res,
        HttpStatus.unavailable,
        `the server is at maxConnections (${core.options.maxConnections}); retry later or elsewhere\n`,
        null,
        true,
      );
      return;
    }
    const method = req.method;
    const options = this.options;
    if (
      (method === 'GET' || method === 'HEAD') &&
      // Stryker disable next-line ConditionalExpression: a fast path: no path equals null
      options.healthPath !== null &&
      pathOf(req.url) === options.healthPath
    ) {
      this.health(res);
      return;
    }
    const cors = this.corsHeaders(req);
    if (method === 'OPTIONS' && options.cors !== null) {
      this.preflight(req, res, cors);
      return;
    }
    if (core.closing) {
      respond(
        res,
        HttpStatus.unavailable,
        'the server is shutting down; retry elsewhere\n',
        cors,
        true,
      );
      return;
    }
    if (method !== 'POST') {
      respond(
        res,
        HttpStatus.methodNotAllowed,
        'JSON-RPC calls are POST requests\n',
        options.cors === null ? ALLOW_POST : ALLOW_POST_OPTIONS,
      );
      return;
    }
    if (!acceptableBody(req)) {
      respond(
        res,
        HttpStatus.unsupportedType,
        'send Content-Type: application/json (or application/json-rpc), UTF-8, not compressed\n',
        cors,
      );
      return;
    }
    new HttpExchange(this, req, res, cors, !this.owned);
  };

  /**
   * node:http's `'checkContinue'` listener (a request with `Expect: 100-continue`): `100 Continue`
   * only for a request that will be read, so a client learns of a 405, 413, 415 or 503 before it
   * sends its body.
   */
  readonly checkContinue = (req: IncomingMessage, res: ServerResponse): void => {
    const declared = req.headers['content-length'];
    if (
      req.method === 'POST' &&
      !this.core.closing &&
      !this.sockets.isRefused(req.socket) &&
      acceptableBody(req) &&
      (declared === undefined || Number(declared) <= this.core.options.maxMessageBytes)
    ) {
      res.writeContinue();
    }
    this.request(req, res);
  };

  private health(res: ServerResponse): void {
    const draining = this.core.closing;
    const body = draining ? '{"status":"draining"}' : '{"status":"serving"}';
    if (draining) res.setHeader('Connection', 'close');
    res.writeHead(draining ? HttpStatus.unavailable : HttpStatus.ok, {
      'Content-Type': 'application/json',
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
    });
    res.end(body);
  }

  /** The CORS headers of an answer to `req`, or `null` when CORS is off or its origin is not allowed. */
  private corsHeaders(req: IncomingMessage): OutgoingHttpHeaders | null {
    const cors = this.options.cors;
    if (cors === null) return null;
    const origin = req.headers.origin;
    if (origin === undefined) return null;
    if (cors === '*') return { 'Access-Control-Allow-Origin': '*' };
    if (!cors.includes(origin)) return null;
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  }

  private preflight(
    req: IncomingMessage,
    res: ServerResponse,
    cors: OutgoingHttpHeaders | null,
  ): void {
    if (cors === null) {
      respond(res, HttpStatus.forbidden, 'this origin may not call the server (see cors)\n');
      return;
    }
    res.writeHead(HttpStatus.noContent, {
      ...cors,
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers':
        req.headers['access-control-request-headers'] ?? 'Content-Type',
      'Access-Control-Max-Age': PREFLIGHT_MAX_AGE,
    });
    res.end();
  }
}

/** The path of a request target, without its query string. */
function pathOf(url: string | undefined): string {
  // Stryker disable next-line ConditionalExpression,StringLiteral: defensive: node:http sets url on every request it parses
  if (url === undefined) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
