import type { SharedPoolStats } from '@rerpc/conn-pool';
import type { LinkHost, LinkSet } from './link.js';
import type { ResolvedClientOptions } from './options.js';
import { type Post, PostLink, postLinkSet, tooLarge } from './post-link.js';

function noop(): void {}

/**
 * Reads a body as text, refusing one past `limit` bytes: checked up front when it declares its
 * length, else counted while it streams.
 */
async function readBody(response: Response, limit: number): Promise<string> {
  const declared = response.headers.get('content-length');
  // Stryker disable next-line ConditionalExpression: Number(null) is 0, never past a limit (at least 1)
  if (declared !== null && Number(declared) > limit) {
    // Stryker disable next-line OptionalChaining: only a null-body status (204, 205, 304) has no body, and none declares a length past a limit
    response.body?.cancel().catch(noop);
    throw tooLarge(limit);
  }
  // Stryker disable next-line ConditionalExpression: (→ false) the fast path: a declared body read through the loop below gives the same text
  if (declared !== null || response.body === null) return response.text();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(noop);
      throw tooLarge(limit);
    }
    text += decoder.decode(value, { stream: true });
  }
}

/**
 * An HTTP origin as one link on the platform's `fetch` (a browser's, or any runtime's): the
 * browser owns the connections, so there is nothing to open, and its stats count POSTs only.
 */
export class FetchLink extends PostLink<Response> {
  /** POSTs sent (for stats). */
  private sent = 0;

  protected opening(): null {
    return null;
  }

  protected async send(body: string, post: Post): Promise<Response> {
    const controller = new AbortController();
    // Stryker disable next-line StringLiteral: a Post keeps one abort listener, whatever the type
    post.addEventListener('abort', () => controller.abort(post.reason));
    this.sent += 1;
    return fetch(this.url.href, {
      method: 'POST',
      headers: this.headers,
      body,
      signal: controller.signal,
    });
  }

  /** `fetch` rejects with a bare TypeError whether or not the request left: it may have run. */
  // Stryker disable next-line BlockStatement: an emptied body returns undefined, which counts as false too
  protected unsent(_error: unknown): boolean {
    return false;
  }

  protected status(response: Response): number {
    return response.status;
  }

  protected retryAfter(response: Response): string | undefined {
    return response.headers.get('retry-after') ?? undefined;
  }

  protected text(response: Response, limit: number): Promise<string> {
    return readBody(response, limit);
  }

  // Stryker disable next-line BlockStatement: no call waits on it: an unread body only holds its socket until collected (the next fetch takes another)
  protected discard(response: Response): void {
    response.body?.cancel().catch(noop);
  }

  async close(): Promise<void> {
    this.dead = true;
  }

  stats(): SharedPoolStats {
    return {
      size: 0,
      maxActive: this.o.maxActive,
      active: 0,
      retiring: 0,
      idle: 0,
      creating: 0,
      leases: 0,
      pending: 0,
      created: this.sent,
      destroyed: 0,
      createErrors: 0,
      closed: this.dead,
    };
  }
}

/** The client's link to an `http(s)://` target, on `fetch` (see {@link postLinkSet}). */
export function createFetchLinkSet(host: LinkHost, url: URL, o: ResolvedClientOptions): LinkSet {
  return postLinkSet(new FetchLink(host, url, o));
}
