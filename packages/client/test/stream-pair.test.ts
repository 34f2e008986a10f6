// A stream target's one link, over in-process streams (stream.test.ts runs a child process, and
// Stryker leaves that file out): its one connection for every call, never dialled again; each
// way its streams end or fail, as the calls see it; writes held while the writable is full;
// close() ending the writable side only.
import { once } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { createDecoder, frame } from '@rerpc/codec';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { type ClientOptions, ConnectionError, createClient } from '../src/index.js';
import { until } from './fixtures/raw-server.js';
import { rejection } from './helpers.js';

type Msg = Record<string, unknown>;

/** A client over two PassThroughs (NDJSON), and the server's side of them. */
function pair(options: ClientOptions = {}, writable?: Writable) {
  const toServer = writable ?? new PassThrough();
  const fromServer = new PassThrough();
  const client = createClient(
    { readable: fromServer, writable: toServer },
    { framing: 'ndjson', ...options },
  );
  onTestFinished(() => client.close({ timeout: 0 }));
  const messages: Msg[] = [];
  const decoder = createDecoder('ndjson', {
    onMessage: (value) => messages.push(value as Msg),
    onParseError: () => {},
    onOversize: () => {},
    onFramingError: () => {},
  });
  if (writable === undefined) toServer.on('data', (chunk: Buffer) => decoder.push(chunk));
  return {
    client,
    toServer,
    fromServer,
    messages,
    /** The `n`th message the client sent (1-based), once it has. */
    async nth(n: number): Promise<Msg> {
      await until(() => messages.length >= n);
      return messages[n - 1]!;
    },
    answer(request: Msg, result: unknown): void {
      fromServer.write(
        frame('ndjson', JSON.stringify({ jsonrpc: '2.0', result, id: request['id'] })),
      );
    },
  };
}

const lostAfterWrite = (detail: string): string =>
  `The connection to stream was lost after the request was written (${detail}), so it may have run and was not retried; retry it yourself if running it twice is safe, or mark the call idempotent`;

/** The error of a call made on `client` while the server's side holds it unanswered. */
async function lostWith(p: ReturnType<typeof pair>, cut: () => void): Promise<ConnectionError> {
  const call = rejection<ConnectionError>(p.client.call('wait'));
  await p.nth(1);
  cut();
  const error = await call;
  expect(error).toBeInstanceOf(ConnectionError);
  return error;
}

describe('a stream target', () => {
  it('carries calls at once over its one link, and keeps it however long it idles', async () => {
    // The pool parks a link unused for a second (its sweep: an interval reading performance.now()).
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const p = pair();
    const calls = [1, 2, 3].map((n) => p.client.call('n', [n]));
    for (let n = 1; n <= 3; n++) p.answer(await p.nth(n), n * 10);
    expect(await Promise.all(calls)).toEqual([10, 20, 30]);
    vi.advanceTimersByTime(3_600_000); // an hour: a stream's link is never evicted
    expect(p.client.stats().connections).toMatchObject({ active: 0, idle: 1 });
    const later = p.client.call('n', [4]);
    p.answer(await p.nth(4), 40);
    expect(await later).toBe(40);
    expect(p.client.stats().connections).toEqual({
      active: 1,
      idle: 0,
      dialling: 0,
      dialled: 1,
      dialErrors: 0,
    });
  });

  it('is never dialled again once its readable ended: later calls fail, not run', async () => {
    const p = pair({ maxRetries: 0 });
    const error = await lostWith(p, () => p.fromServer.end());
    expect(error.message).toBe(lostAfterWrite('the server closed the connection'));
    const later = await rejection<ConnectionError>(p.client.call('n'));
    expect(later).toBeInstanceOf(ConnectionError);
    expect(later.sent).toBe(false);
    expect(later.message).toBe(
      'Could not reach stream (the stream ended; a stream target is not reopened), so the call did not run; check that the server is running and listening there, or raise maxRetries / timeout to wait for it longer',
    );
    expect(later.cause).toMatchObject({ code: 'RERPC_ERR_DIAL', address: 'stream' });
    expect(p.messages).toHaveLength(1);
    expect(p.client.stats().connections).toMatchObject({ dialled: 1, dialErrors: 1 });
  });

  it("its readable destroyed: the calls fail with 'the connection closed'", async () => {
    const p = pair();
    const error = await lostWith(p, () => p.fromServer.destroy());
    expect(error.message).toBe(lostAfterWrite('the connection closed'));
  });

  it("its writable destroyed: the calls fail with 'the stream closed'", async () => {
    const p = pair();
    const error = await lostWith(p, () => p.toServer.destroy());
    expect(error.message).toBe(lostAfterWrite('the stream closed'));
  });

  it("its writable failed: the calls fail with the writable's error", async () => {
    const p = pair();
    const broke = new Error('the pipe broke');
    const error = await lostWith(p, () => p.toServer.destroy(broke));
    expect(error.message).toBe(lostAfterWrite('the pipe broke'));
    expect(error.cause).toBe(broke);
  });

  it('a writable its owner ended fails the next call, not sent', async () => {
    let finish = (): void => {};
    // A writable whose end is still finishing: not writable, not destroyed yet.
    const writable = new Writable({
      write: (_chunk, _encoding, done) => done(),
      final: (done) => {
        finish = () => done();
      },
    });
    const p = pair({ maxRetries: 0 }, writable);
    writable.end();
    onTestFinished(() => finish());
    const error = await rejection<ConnectionError>(p.client.call('n'));
    expect(error.sent).toBe(false);
    expect(error.message).toBe(
      'The connection to stream was lost before the request was written (the connection was no longer writable), so the call did not run, and no retry succeeded within maxRetries and its timeout; check that the server is running, or raise maxRetries / timeout',
    );
  });

  it("holds what it writes while the writable is full, and writes it on 'drain'", async () => {
    const written: string[] = [];
    const pending: Array<() => void> = [];
    // Takes one chunk at a time and holds it until the test lets it through.
    const writable = new Writable({
      highWaterMark: 1,
      write: (chunk: Buffer, _encoding, done) => {
        written.push(String(chunk));
        pending.push(done);
      },
    });
    const p = pair({}, writable);
    const first = p.client.call('n', [1]);
    await until(() => written.length === 1);
    const second = p.client.call('n', [2]);
    await until(() => p.client.stats().pending === 2);
    expect(written).toHaveLength(1);
    pending.shift()!();
    await until(() => written.length === 2);
    expect(written.map((text) => (JSON.parse(text) as Msg)['params'])).toEqual([[1], [2]]);
    pending.shift()!();
    for (const text of written) p.answer(JSON.parse(text) as Msg, 'ok');
    expect(await Promise.all([first, second])).toEqual(['ok', 'ok']);
  });

  it('close() ends the writable side (the server reads EOF) and leaves the readable to its owner', async () => {
    const p = pair();
    const call = p.client.call('n');
    p.answer(await p.nth(1), 'ok');
    await call;
    const ended = once(p.toServer, 'end');
    await p.client.close();
    await ended;
    expect(p.toServer.writableEnded).toBe(true);
    expect(p.fromServer.destroyed).toBe(false);
    expect(p.fromServer.readableEnded).toBe(false);
  });

  it('reads nothing more once closed: a request arriving after close() reaches no handler', async () => {
    const p = pair();
    const seen: unknown[] = [];
    p.client.method('Client.seen', (params: unknown) => {
      seen.push(params);
      return true;
    });
    const call = p.client.call('n');
    p.answer(await p.nth(1), 'ok');
    await call;
    await p.client.close();
    const request = { jsonrpc: '2.0', method: 'Client.seen', params: ['late'], id: 9 };
    p.fromServer.write(frame('ndjson', JSON.stringify(request)));
    p.fromServer.end();
    await once(p.fromServer, 'end');
    expect(seen).toEqual([]);
  });
});
