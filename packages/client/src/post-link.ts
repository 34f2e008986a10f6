import type { SharedPoolStats } from '@rerpc/conn-pool';
import type { Call } from './call.js';
import { httpStatus, NEVER, retryAfterMs } from './http-status.js';
import {
  batchText,
  forgetIds,
  type Link,
  type LinkHost,
  type LinkInfo,
  type LinkSet,
} from './link.js';
import type { ResolvedClientOptions } from './options.js';
import { PendingTable } from './pending.js';
import { nextTick } from './timers.js';

/** The error of an answer past maxMessageBytes (failureDetail() words it). */
export function tooLarge(limit: number): Error {
  return Object.assign(new Error(`the answer is larger than ${limit} bytes`), {
    code: 'RERPC_ERR_FRAME_TOO_LARGE',
    limit,
  });
}

/**
 * One POST in flight, and the abort signal its HTTP library watches for it: an object of its own
 * rather than an AbortController (undici takes anything with addEventListener). Measured at 100
 * POSTs in flight against the client without aborts: an AbortController each and a
 * Map<Call, Post> cost 1.21x the time (IQR 1.08-1.52); this object and the id table 1.00-1.09x
 * (five runs).
 */
export class Post {
  /** Its calls not yet forgotten (settled elsewhere: timed out, aborted, cut off by close). */
  live: number;
  aborted = false;
  reason: Error | undefined = undefined;
  private listener: (() => void) | null = null;

  constructor(calls: readonly Call[]) {
    let live = 0;
    for (const call of calls) if (call.ids > 0) live += 1;
    this.live = live; // notifications do not count: a POST of them only is never aborted
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    this.listener = listener;
  }

  // Stryker disable next-line BlockStatement: ended() drops the POST from posts first, so no abort() follows undici's removal
  removeEventListener(_type: 'abort', _listener: () => void): void {
    this.listener = null;
  }

  /** No call of the POST wants its answer any more: the HTTP library aborts the request. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = new Error('no call of this POST awaits its answer any more');
    const listener = this.listener;
    this.listener = null;
    if (listener !== null) listener();
  }
}

/**
 * An HTTP origin as one link: each call (or batch) queued in a tick goes out as its own POST,
 * and each POST stands alone: its answer settles only its calls, and a POST that fails fails (or
 * retries) only its own calls. The link itself is never lost. A subclass is the HTTP library
 * (undici in Node: http-link.ts; `fetch` in a browser: fetch-link.ts): it sends one POST and
 * reads its answer `R`.
 */
export abstract class PostLink<R> implements Link {
  readonly host: LinkHost;
  readonly pending = new PendingTable();
  gen = 0;
  // Stryker disable next-line BooleanLiteral: read only by the socket links' pool (link-pool.ts), which an HTTP link is not in
  blocked = false;
  dead = false;
  // Stryker disable next-line BooleanLiteral: read only when a link is lost (the balancer's destroy(), the socket links' close), which an HTTP link never is
  refusedSeen = false;
  readonly info: LinkInfo;
  protected readonly url: URL;
  protected readonly address: string;
  protected readonly o: ResolvedClientOptions;
  protected readonly headers: Record<string, string>;
  // Stryker disable next-line ArrayDeclaration: doFlush() sends only calls on this link, and release() is never called here
  private queue: Call[] = [];
  /**
   * The POST each posted call (not notification) is on, by the call's id: the same table as
   * `pending`, since a `Map` churning per call costs GC (see PendingTable). A retry's new POST
   * replaces its old one.
   */
  private readonly posts = new PendingTable<Post>();
  private flushing = false;
  private readonly flush = (): void => this.doFlush();
  private readonly failAll = (error: unknown): void => this.failQueued(error as Error);

  constructor(host: LinkHost, url: URL, o: ResolvedClientOptions) {
    this.host = host;
    this.url = url;
    this.address = `${url.origin}${url.pathname}`;
    this.info = Object.freeze({ transport: 'http', address: this.address });
    this.o = o;
    // The user's headers first: Content-Type is the client's (it sends JSON).
    this.headers = { accept: 'application/json', ...o.headers, 'content-type': 'application/json' };
  }

  /**
   * null when POSTs can be sent; else a promise that settles once they can (the library is
   * loaded), or rejects with why nothing queued can be sent.
   */
  protected abstract opening(): Promise<void> | null;
  /** Sends one POST of `body` (aborted through `post`): resolves with its answer's head. */
  protected abstract send(body: string, post: Post): Promise<R>;
  /** Whether a POST that failed with `error` provably never reached the server. */
  protected abstract unsent(error: unknown): boolean;
  protected abstract status(response: R): number;
  /** The answer's `Retry-After` header. */
  protected abstract retryAfter(response: R): string | string[] | undefined;
  /** The answer's body as text, refusing (and dropping) one past `limit` bytes: tooLarge(). */
  protected abstract text(response: R, limit: number): Promise<string>;
  /** Drops the answer's body unread. */
  protected abstract discard(response: R): void;
  /** Closes the library's connections: requests still running fail. */
  abstract close(): Promise<void>;
  /** The link's part of the client's stats, in the shared pool's shape. */
  abstract stats(): SharedPoolStats;

  /** Nothing can be sent back: an HTTP answer ends its exchange, and no request can arrive. */
  // Stryker disable next-line BlockStatement,BooleanLiteral: never called: a request in an HTTP answer is dropped before (peer-client.ts)
  respond(_text: string): boolean {
    return false;
  }

  carry(call: Call): void {
    const ids = call.ids;
    for (let k = 0; k < ids; k++) this.pending.set(call.id + k, call);
    this.queue.push(call);
    // Stryker disable next-line ConditionalExpression: a flush scheduled twice finds nothing to send the second time
    if (!this.flushing) {
      // Stryker disable next-line BooleanLiteral: a flush scheduled twice finds nothing to send the second time
      this.flushing = true;
      nextTick(this.flush);
    }
  }

  /**
   * Forgets the call's ids; once no call of its POST is left, the POST is aborted (its
   * connection then closes), so a hung answer does not hold a keep-alive connection.
   */
  forget(call: Call): void {
    forgetIds(this.pending, call);
    // Stryker disable next-line ConditionalExpression: a notification's id 0 is in no table (posts.take(0) finds nothing)
    if (call.ids === 0) return;
    const post = this.posts.take(call.id);
    if (post === undefined) return;
    post.live -= 1;
    if (post.live === 0) post.abort();
  }

  // Stryker disable BlockStatement,BooleanLiteral,ConditionalExpression,EqualityOperator,ArrayDeclaration: never called: only lost() asks, and an HTTP link is never lost
  /** Never asked: an HTTP link is not lost as a whole (each POST fails on its own). */
  wrote(_call: Call): boolean {
    return true;
  }

  release(): Call[] {
    const calls = this.pending.size > 0 ? this.pending.drain() : [];
    for (const call of this.queue) if (call.ids === 0) calls.push(call);
    this.queue = [];
    return calls;
  }
  // Stryker restore BlockStatement,BooleanLiteral,ConditionalExpression,EqualityOperator,ArrayDeclaration

  private doFlush(): void {
    this.flushing = false;
    if (this.dead || this.queue.length === 0) return;
    const opening = this.opening();
    if (opening !== null) {
      opening.then(this.flush, this.failAll);
      return;
    }
    // A call settled while it was queued (aborted, timed out) is not sent.
    const queue = this.queue.filter((call) => call.conn === this);
    // Stryker disable next-line ArrayDeclaration: the next flush sends only calls on this link
    this.queue = [];
    // Stryker disable next-line EqualityOperator: autoBatch 1 posts groups of one, each the request as encoded, in the same order
    if (this.o.autoBatch > 1 && queue.length > 1) this.postBatched(queue, this.o.autoBatch);
    else for (const call of queue) void this.post([call], call.text);
  }

  /**
   * autoBatch: the calls and notifications of one tick go out as JSON-RPC batches of up to `max`
   * items, one POST each; a `batch()` goes out alone, as it was made. Each response in a reply
   * array settles its own call (matched by id, as on any link).
   */
  private postBatched(queue: Call[], max: number): void {
    let group: Call[] = [];
    for (const call of queue) {
      if (call.batch !== null) {
        void this.post([call], call.text);
        continue;
      }
      group.push(call);
      if (group.length === max) {
        this.postGroup(group);
        group = [];
      }
    }
    if (group.length > 0) this.postGroup(group);
  }

  private postGroup(group: Call[]): void {
    void this.post(group, batchText(group.map((call) => call.text)));
  }

  /** The library could not be loaded: nothing queued was sent. */
  private failQueued(error: Error): void {
    const queue = this.queue;
    this.queue = [];
    this.host.failed(this, queue, error, false, NEVER);
  }

  /**
   * One POST carrying `calls` (their texts joined in `body`), abortable through forget(); its
   * answer settles them (or its error or status fails them). Each way out first drops the
   * POST from `posts` (ended()), so a retry's new POST is the only one its call maps to.
   */
  private async post(calls: Call[], body: string): Promise<void> {
    const host = this.host;
    const post = new Post(calls);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a notification's id 0 is never looked up (forget() returns first)
    for (const call of calls) if (call.ids > 0) this.posts.set(call.id, post);
    let response: R;
    try {
      response = await this.send(body, post);
    } catch (error) {
      this.ended(calls, post);
      host.failed(this, calls, error as Error, !this.unsent(error), 0);
      return;
    }
    const status = this.status(response);
    // Stryker disable next-line ConditionalExpression: (status < 200 → false) undici hands no 1xx answer to request()'s caller
    if (status < 200 || status > 299) {
      this.ended(calls, post);
      this.discard(response);
      const retryAfter = retryAfterMs(this.retryAfter(response));
      const outcome = httpStatus(this.address, status, retryAfter);
      host.failed(this, calls, outcome.error, outcome.sent, outcome.retry);
      return;
    }
    let text: string;
    try {
      text = await this.text(response, this.o.maxMessageBytes);
    } catch (error) {
      this.ended(calls, post);
      host.failed(this, calls, error as Error, true, 0);
      return;
    }
    this.ended(calls, post);
    host.clock = performance.now();
    // 204, an empty 200 and `null` are "no answer" (what servers send for notifications).
    if (text !== '' && text !== 'null') {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        host.unreadable(this);
      }
      if (value !== undefined) host.message(this, value);
    }
    this.unanswered(calls);
  }

  /** The POST is over: its calls no longer map to it. */
  // Stryker disable BlockStatement,ConditionalExpression,LogicalOperator,EqualityOperator: memory only: the calls of an ended POST are settled or queued again at once, and a forget() finding the ended POST aborts nothing (undici removed its listener)
  private ended(calls: Call[], post: Post): void {
    for (const call of calls) {
      if (call.ids > 0 && this.posts.get(call.id) === post) this.posts.take(call.id);
    }
  }
  // Stryker restore BlockStatement,ConditionalExpression,LogicalOperator,EqualityOperator

  /**
   * The POST's answer is in: its notifications are done, and a call it did not answer never
   * will be; it fails as a batch request left out of its reply does (-32603, not retried: it
   * may have run).
   */
  private unanswered(calls: Call[]): void {
    let notes: Call[] | null = null;
    for (const call of calls) {
      // Stryker disable next-line ConditionalExpression: a call settled elsewhere has its ids forgotten (nothing missing), and written() skips it
      if (call.conn !== this) continue;
      if (call.ids === 0) {
        if (notes === null) notes = [call];
        else notes.push(call);
        continue;
      }
      const missing: object[] = [];
      // Stryker disable next-line EqualityOperator: the id past the call's is another call's or none, which the check below skips
      for (let k = 0; k < call.ids; k++) {
        const id = call.id + k;
        if (this.pending.get(id) === call) missing.push(noAnswer(id));
      }
      // Stryker disable next-line ConditionalExpression,EqualityOperator: a call still here awaits an id (one answered whole was settled); a single call's answer in an array settles it alike
      if (missing.length > 0) this.host.message(this, call.batch === null ? missing[0] : missing);
    }
    if (notes !== null) this.host.written(this, notes, null);
  }
}

/** The error response standing in for one the server's answer left out. */
function noAnswer(id: number): object {
  const message = "Internal error: the server's HTTP answer had no response for this request";
  // Stryker disable next-line StringLiteral: the client reads a response's id, result and error, never its jsonrpc
  return { jsonrpc: '2.0', error: { code: -32603, message }, id };
}

function noop(): void {}

/**
 * The client's link to an `http(s)://` target: one {@link PostLink}, always available (the HTTP
 * library dials, reuses and caps the connections under it), so calls never wait for a lease.
 */
export function postLinkSet(link: PostLink<unknown>): LinkSet {
  return {
    lease: () => link,
    unlease: noop,
    // Stryker disable next-line BlockStatement: lease() above never returns null, so nothing waits
    wait: (waiter) => {
      waiter.leased(link);
    },
    destroy: async () => {},
    retireAll: noop,
    close: () => link.close(),
    stats: () => link.stats(),
  };
}
