import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Core } from './core.js';
import type { Exchange } from './exchange.js';

/**
 * The HTTP status codes of the web transport, and what each one tells a client (the README's
 * table lists them in this order).
 */
export const HttpStatus = Object.freeze({
  /** A JSON-RPC answer (errors included, -32700 for bad JSON), or a healthy health check. */
  ok: 200,
  /** A notification or an all-notification batch: nothing to answer; a CORS preflight. */
  noContent: 204,
  /** A CORS preflight from an origin that is not allowed. */
  forbidden: 403,
  /** Not a POST (nor a GET of the health path): `Allow: POST`. */
  methodNotAllowed: 405,
  /** The body is larger than `maxMessageBytes`; the connection is closed. */
  tooLarge: 413,
  /** Content-Type is not `application/json` or `application/json-rpc` (UTF-8), or the body is encoded. */
  unsupportedType: 415,
  /** Over `maxConnections`, or `close()` began: retry elsewhere; the connection is closed. */
  unavailable: 503,
} as const);

/** What an HTTP exchange needs from the web handler that owns it. */
export interface ExchangeHost {
  readonly core: Core;
  /** Bytes of an exchange on a socket the server does not own (a mounted handler's). */
  countBytes(bytesIn: number, bytesOut: number): void;
}

const JSON_TYPE = 'application/json';

/** Reads one POST body as it streams (never past `maxMessageBytes`), answers it through the core. */
export class HttpExchange {
  private readonly host: ExchangeHost;
  private readonly req: IncomingMessage;
  private readonly res: ServerResponse;
  /** Extra headers for the answer (CORS), or `null`. */
  private readonly headers: OutgoingHttpHeaders | null;
  /** The socket is not the server's own: count this exchange's bytes. */
  private readonly counted: boolean;
  private readonly limit: number;
  private chunks: Buffer[] = [];
  private size = 0;
  private tooLarge = false;
  private exchange: Exchange | null = null;
  private answered = false;

  constructor(
    host: ExchangeHost,
    req: IncomingMessage,
    res: ServerResponse,
    headers: OutgoingHttpHeaders | null,
    counted: boolean,
  ) {
    this.host = host;
    this.req = req;
    this.res = res;
    this.headers = headers;
    this.counted = counted;
    this.limit = host.core.options.maxMessageBytes;
    res.on('close', () => this.onClose());
    if (req.readableEnded) {
      this.parsedBody();
      return;
    }
    req.on('data', (chunk: Buffer) => this.onData(chunk));
    req.on('end', () => this.onEnd());
    // An aborted upload: 'close' on the response follows.
    // Stryker disable next-line StringLiteral: node emits an IncomingMessage's 'error' only to listeners it has, so without this one nothing is thrown either
    req.on('error', noop);
    const declared = req.headers['content-length'];
    // Stryker disable next-line ConditionalExpression: Number(undefined) is NaN, never over the limit
    if (declared !== undefined && Number(declared) > this.limit) this.refuse();
  }

  private onData(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.tooLarge) {
      // Discarded after the 413. node:http ends the socket once the 413 (Connection: close) is
      // written, so only the rest of the read that brought the headers gets here; past twice the
      // limit the socket is destroyed at once, a safety net should that ever change.
      // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: node:http closes the socket after the 413 first; clients read the 413 either way (measured: 2 KB to 5 MB bodies)
      if (this.size > 2 * this.limit) this.req.socket.destroy();
      return;
    }
    if (this.size > this.limit) {
      this.refuse();
      return;
    }
    this.chunks.push(chunk);
  }

  /**
   * 413 as soon as the body is known to be too large (its Content-Length, or the bytes read so
   * far); what follows is read and dropped, never kept.
   */
  private refuse(): void {
    this.tooLarge = true;
    // Stryker disable next-line ArrayDeclaration: frees memory only: onEnd() never runs a refused body
    this.chunks = [];
    respond(
      this.res,
      HttpStatus.tooLarge,
      `request body exceeds maxMessageBytes (${this.limit} bytes); send smaller messages or split the batch\n`,
      this.headers,
      true,
    );
  }

  private onEnd(): void {
    if (this.tooLarge) return;
    const chunks = this.chunks;
    // Stryker disable next-line ArrayDeclaration: frees memory only: 'end' comes once
    this.chunks = [];
    // Stryker disable next-line ConditionalExpression: a fast path: one chunk needs no copy; concat() of it gives the same bytes
    this.run(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.size));
  }

  /**
   * A framework's body parser read the body before this handler ran (e.g. `express.json()`):
   * use what it left in `req.body` (bytes, text, or parsed JSON, written out again), or say why
   * nothing can be answered.
   */
  private parsedBody(): void {
    const body = (this.req as { body?: unknown }).body;
    let text: string | Uint8Array;
    if (typeof body === 'string' || body instanceof Uint8Array) text = body;
    else if (body !== undefined) text = JSON.stringify(body);
    else {
      // Stryker disable next-line BooleanLiteral: no exchange started, and onClose() abandons only an exchange
      this.answered = true;
      respond(
        this.res,
        500,
        'the request body was read before the JSON-RPC handler ran and not kept; mount httpHandler() before any body parser\n',
        this.headers,
      );
      return;
    }
    this.size = Buffer.byteLength(text);
    if (this.size > this.limit) this.refuse();
    else this.run(text);
  }

  private run(body: string | Uint8Array): void {
    const exchange = this.host.core.exchange(body, this.req.socket.remoteAddress ?? null);
    this.exchange = exchange;
    exchange.promise.then(
      (text) => this.answer(text),
      () => this.failed(),
    );
  }

  private answer(text: string | null): void {
    // Stryker disable next-line BooleanLiteral: abandon() of a settled exchange aborts nothing (exchange.ts)
    this.answered = true;
    const res = this.res;
    // Stryker disable next-line ConditionalExpression: defensive: a response destroyed first has closed, and its close abandoned the exchange, which rejects rather than answers
    if (res.destroyed) return;
    setHeaders(res, this.headers);
    // While closing, the socket is closed after this answer (keep-alive ends).
    if (this.host.core.closing) res.setHeader('Connection', 'close');
    let length = 0;
    if (text === null) {
      res.writeHead(HttpStatus.noContent);
      res.end();
    } else {
      length = Buffer.byteLength(text);
      res.writeHead(HttpStatus.ok, { 'Content-Type': JSON_TYPE, 'Content-Length': length });
      res.end(text);
    }
    if (this.counted) this.host.countBytes(this.size, length);
  }

  /**
   * `close()` gave up on the exchange (its calls were aborted): reset the connection, which may
   * not be the server's to close. Or the client left: its response is closed already.
   */
  private failed(): void {
    // Stryker disable next-line BooleanLiteral: abandon() of a settled exchange aborts nothing (exchange.ts)
    this.answered = true;
    this.res.destroy();
  }

  /** The response closed: finished, or the client went away first (abort its calls). */
  private onClose(): void {
    if (!this.answered && this.exchange !== null) {
      this.exchange.abandon(
        'The HTTP client closed the connection before its answer; nobody will read it, so stop the work',
      );
    }
  }
}

/** A short plain-text answer for a status other than 200: what happened and what to do. */
export function respond(
  res: ServerResponse,
  status: number,
  message: string,
  headers: OutgoingHttpHeaders | null = null,
  close = false,
): void {
  setHeaders(res, headers);
  if (close) res.setHeader('Connection', 'close');
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(message),
  });
  res.end(message);
}

/**
 * Whether `Content-Type` is `application/json` or `application/json-rpc` (a `charset` parameter
 * allowed when it is UTF-8), with no `Content-Encoding` but `identity`.
 */
export function acceptableBody(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  // Stryker disable next-line MethodExpression: node:http strips the whitespace around a header value; trim() is for a value set by hand
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return false;
  const type = req.headers['content-type'];
  if (type === undefined) return false;
  const parts = type.split(';');
  const media = parts[0]!.trim().toLowerCase();
  if (media !== JSON_TYPE && media !== 'application/json-rpc') return false;
  for (let i = 1; i < parts.length; i++) {
    const [name, value] = parts[i]!.split('=');
    // Stryker disable next-line OptionalChaining: split() always gives a first element
    if (name?.trim().toLowerCase() !== 'charset') continue;
    const charset = value
      ?.trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') return false;
  }
  return true;
}

function setHeaders(res: ServerResponse, headers: OutgoingHttpHeaders | null): void {
  // Stryker disable next-line ConditionalExpression: for...in over null runs no iteration
  if (headers !== null) for (const k in headers) res.setHeader(k, headers[k]!);
}

function noop(): void {}
