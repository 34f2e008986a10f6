// The request encoder is internal; it is tested directly for what no run of calls reaches: ids
// near 2^53, where they wrap back to 1.
import { describe, expect, it } from 'vitest';
import { BATCH, NOTIFY, SINGLE } from '../src/call.js';
import { Requests } from '../src/request.js';

const MAX = Number.MAX_SAFE_INTEGER;

/** A Requests whose next id is `next`, as if that many ids had been used. */
function from(next: number): Requests {
  return Object.assign(new Requests(), { nextId: next });
}

describe('Requests', () => {
  it('numbers calls from 1 and batches with consecutive ids; a notification takes none', () => {
    const requests = new Requests();
    expect(requests.encode(SINGLE, 'a', undefined, null)).toBe(
      '{"jsonrpc":"2.0","method":"a","id":1}',
    );
    expect(requests.id).toBe(1);
    expect(requests.encode(NOTIFY, 'n', [1], null)).toBe(
      '{"jsonrpc":"2.0","method":"n","params":[1]}',
    );
    expect(requests.id).toBe(0);
    const items = [{ method: 'x' }, { method: 'y', notify: true }, { method: 'z', params: [] }];
    expect(requests.encode(BATCH, 'batch', items, [0, 2])).toBe(
      '[{"jsonrpc":"2.0","method":"x","id":2},{"jsonrpc":"2.0","method":"y"},{"jsonrpc":"2.0","method":"z","params":[],"id":3}]',
    );
    expect(requests.id).toBe(2);
    requests.encode(SINGLE, 'a', undefined, null);
    expect(requests.id).toBe(4);
  });

  it('wraps ids back to 1 before 2^53 - 1, and never splits a batch across the wrap', () => {
    const single = from(MAX - 1);
    single.encode(SINGLE, 'a', undefined, null);
    expect(single.id).toBe(MAX - 1);
    single.encode(SINGLE, 'a', undefined, null);
    expect(single.id).toBe(1);
    single.encode(SINGLE, 'a', undefined, null);
    expect(single.id).toBe(2);

    const batch = from(MAX - 2);
    const items = [{ method: 'x' }, { method: 'y' }];
    batch.encode(BATCH, 'batch', items, [0, 1]); // MAX - 2, MAX - 1
    expect(batch.id).toBe(MAX - 2);
    expect(batch.encode(BATCH, 'batch', items, [0, 1])).toBe(
      '[{"jsonrpc":"2.0","method":"x","id":1},{"jsonrpc":"2.0","method":"y","id":2}]',
    );
    batch.encode(SINGLE, 'a', undefined, null);
    expect(batch.id).toBe(3);
  });

  it('counts the cancel notifications it makes, naming the id as cancelMethod says', () => {
    const lsp = new Requests('$/cancelRequest');
    expect(lsp.cancelNote?.(7)).toBe(
      '{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":7}}',
    );
    const mcp = new Requests({
      method: 'notifications/cancelled',
      idParam: 'requestId',
      answer: false,
    });
    expect(mcp.cancelNote?.(8)).toBe(
      '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":8}}',
    );
    expect(mcp.cancelNote?.(9)).toBe(
      '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":9}}',
    );
    expect([lsp.cancelsSent, mcp.cancelsSent]).toEqual([1, 2]);
    expect(new Requests(null).cancelNote).toBeNull();
    expect(new Requests().cancelNote).toBeNull();
  });

  it('names a non-Error thrown while encoding by its text, and a multi-line message by its first line', () => {
    const requests = new Requests();
    const text = {
      toJSON: () => {
        throw 'nope';
      },
    };
    expect(() => requests.encode(SINGLE, 'A.b', text, null)).toThrow(
      /^the params of A\.b cannot be encoded as JSON \(nope\); pass only JSON values/,
    );
    const lines = {
      toJSON: () => {
        throw new Error('first\nsecond');
      },
    };
    expect(() => requests.encode(NOTIFY, 'A.c', lines, null)).toThrow(
      /^the params of A\.c cannot be encoded as JSON \(first\); pass only JSON values/,
    );
    let error: unknown = null;
    try {
      requests.encode(SINGLE, 'A.b', text, null);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).cause).toBe('nope');
  });
});
