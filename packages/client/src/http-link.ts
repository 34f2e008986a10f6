import type { SharedPoolStats } from '@rerpc/conn-pool';
import type { Dispatcher, Pool } from 'undici';
import type { LinkHost, LinkSet } from './link.js';
import type { ResolvedClientOptions } from './options.js';
import { type Post, PostLink, postLinkSet, tooLarge } from './post-link.js';

type UndiciModule = typeof import('undici');
/** undici, loaded on the first POST: TCP and WebSocket users never load it. */
let undiciModule: Promise<UndiciModule> | null = null;

function loadUndici(): Promise<UndiciModule> {
  // Stryker disable next-line ConditionalExpression: a cache: import() of the same specifier resolves to the same module
  if (undiciModule === null) undiciModule = import('undici');
  return undiciModule;
}

/**
 * Errors a POST fails with before its request was written (connecting, resolving, the TLS
 * handshake): the calls it carried provably did not run. Any other error may come after.
 */
const UNSENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TLS_FAILURE = /CERT|SELF_SIGNED|^ERR_TLS_|^ERR_SSL_/;

/**
 * Reads a response body as text, refusing (and destroying) one past `limit` bytes: checked up
 * front when it declares its length (then read whole by undici, the fast path), else counted
 * while it streams.
 */
async function readBody(response: Dispatcher.ResponseData, limit: number): Promise<string> {
  const body = response.body;
  // Stryker disable StringLiteral,BlockStatement,ConditionalExpression: the fast path: the streamed count below refuses the same answers, and reads the same text
  const declared = response.headers['content-length'];
  if (typeof declared === 'string') {
    // Stryker restore StringLiteral,BlockStatement,ConditionalExpression
    if (Number(declared) > limit) {
      // Unread, so destroying it would emit an error nobody listens for.
      body.on('error', noop).destroy();
      throw tooLarge(limit);
    }
    return body.text();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  // Stryker disable next-line ConditionalExpression,StringLiteral: one chunk is decoded without a copy; toString('') decodes UTF-8 as well
  return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

function noop(): void {}

/** An HTTP origin as one link, on undici's keep-alive pool (see {@link PostLink}). */
export class HttpLink extends PostLink<Dispatcher.ResponseData> {
  private pool: Pool | null = null;
  /** Connections opened, and connects that failed (for stats). */
  dialled = 0;
  dialErrors = 0;

  protected opening(): Promise<void> | null {
    if (this.pool !== null) return null;
    return loadUndici().then((undici) => this.open(undici));
  }

  /** Makes the keep-alive pool once undici has loaded. */
  private open(undici: UndiciModule): void {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a second Pool (two flushes awaiting undici's load, or one after close()) replaces one no request was sent on: it holds no socket
    if (this.dead || this.pool !== null) return;
    const o = this.o;
    const pool = new undici.Pool(this.url.origin, {
      connections: o.maxActive,
      connect: { ...o.tls, timeout: o.dialTimeout },
    });
    pool.on('connect', () => {
      this.dialled += 1;
    });
    pool.on('connectionError', () => {
      this.dialErrors += 1;
    });
    this.pool = pool;
  }

  protected send(body: string, post: Post): Promise<Dispatcher.ResponseData> {
    return this.pool!.request({
      path: `${this.url.pathname}${this.url.search}`,
      method: 'POST',
      headers: this.headers,
      body,
      signal: post,
    });
  }

  protected unsent(error: unknown): boolean {
    // Stryker disable next-line OptionalChaining: undici rejects with Error objects, never null
    const code = (error as { code?: unknown } | null)?.code;
    // Stryker disable next-line ConditionalExpression: (typeof → true) a Set of strings and the regexp match no non-string code
    return typeof code === 'string' && (UNSENT.has(code) || TLS_FAILURE.test(code));
  }

  protected status(response: Dispatcher.ResponseData): number {
    return response.statusCode;
  }

  protected retryAfter(response: Dispatcher.ResponseData): string | string[] | undefined {
    return response.headers['retry-after'];
  }

  protected text(response: Dispatcher.ResponseData, limit: number): Promise<string> {
    return readBody(response, limit);
  }

  protected discard(response: Dispatcher.ResponseData): void {
    response.body.dump().catch(noop);
  }

  /** Destroys the keep-alive pool: requests still running fail (their calls are settled by then). */
  async close(): Promise<void> {
    this.dead = true;
    const pool = this.pool;
    this.pool = null;
    if (pool !== null) await pool.destroy();
  }

  stats(): SharedPoolStats {
    const s = this.pool?.stats;
    const connected = s?.connected ?? 0;
    const free = s?.free ?? 0;
    return {
      size: connected,
      maxActive: this.o.maxActive,
      active: connected - free,
      retiring: 0,
      idle: free,
      creating: 0,
      // Stryker disable LogicalOperator: the client's stats read only active, idle, creating, created and createErrors (connectionStats())
      leases: s?.running ?? 0,
      pending: s?.pending ?? 0,
      // Stryker restore LogicalOperator
      created: this.dialled,
      destroyed: 0,
      createErrors: this.dialErrors,
      closed: this.dead,
    };
  }
}

/** The client's link to an `http(s)://` target, on undici (see {@link postLinkSet}). */
export function createHttpLinkSet(host: LinkHost, url: URL, o: ResolvedClientOptions): LinkSet {
  return postLinkSet(new HttpLink(host, url, o));
}
