import { once } from 'node:events';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DisconnectedError, type SubscriptionSink } from '../src/index.js';
import { abortReason, deferred, makeServer, req, stuck } from './helpers.js';

const frame = (text: string) => `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;

/** A served stream pair; `text()` is everything written to the output so far. */
function served(options?: Parameters<typeof makeServer>[0], framing?: 'ndjson' | 'content-length') {
  const server = makeServer(options);
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => {
    text += String(chunk);
  });
  const done = server.serve({ readable: input, writable: output }, framing && { framing });
  return { server, input, output, done, text: () => text };
}

describe('server.serve(): stream edges', () => {
  it('answers NDJSON lines with NDJSON lines, string chunks too, then ends its side', async () => {
    const { input, output, done, text } = served(undefined, 'ndjson');
    input.setEncoding('utf8');
    input.write(`${req('echo', ['é'], 1)}\n`);
    input.end(`${req('echo', [2], 2)}\n`);
    await done;
    expect(text()).toBe(
      '{"jsonrpc":"2.0","result":["é"],"id":1}\n{"jsonrpc":"2.0","result":[2],"id":2}\n',
    );
    expect(output.writableEnded).toBe(true);
  });

  it('answers a frame over maxMessageBytes with -32600, then ends the stream', async () => {
    const { input, output, done, text } = served({ maxMessageBytes: 64 });
    input.write(frame(req('echo', ['x'.repeat(100)])));
    await done;
    expect(JSON.parse(text().slice(text().indexOf('{')))).toEqual({
      jsonrpc: '2.0',
      error: {
        code: -32600,
        message: 'Invalid Request',
        data: 'message exceeds maxMessageBytes (64 bytes); the connection is closed',
      },
      id: null,
    });
    expect(output.writableEnded).toBe(true);
  });

  it('answers a malformed header with -32700 naming it, then ends the stream', async () => {
    const { input, output, done, text } = served();
    input.write('Content-Length: abc\r\n\r\n{}');
    await done;
    expect(JSON.parse(text().slice(text().indexOf('{')))).toEqual({
      jsonrpc: '2.0',
      error: {
        code: -32700,
        message: 'Parse error',
        data: 'malformed Content-Length header "Content-Length: abc"; the stream is closed',
      },
      id: null,
    });
    expect(output.writableEnded).toBe(true);
  });

  it('aborts the calls in flight when the readable side is destroyed before its end', async () => {
    const { server, input, done } = served();
    const started = stuck(server, 'hang');
    input.write(frame(req('hang')));
    const reason = abortReason(await started);
    input.destroy();
    await done;
    expect(await reason).toBeInstanceOf(DisconnectedError);
    expect(((await reason) as Error).message).toBe(
      'The stream closed before this call was answered',
    );
  });

  it('answers the calls in flight when the peer ends its side, then ends ours', async () => {
    const { input, output, done, text } = served();
    input.end(frame(req('sleep', { ms: 10 })));
    await done;
    expect(text()).toBe(frame('{"jsonrpc":"2.0","result":10,"id":1}'));
    expect(output.writableEnded).toBe(true);
  });

  it('drops a peer that does not read its answers past maxWriteBufferBytes', async () => {
    const server = makeServer({ maxWriteBufferBytes: 64 * 1024 });
    server.method('big', () => 'x'.repeat(32 * 1024));
    const aborted = stuck(server, 'watch').then(abortReason);
    const input = new PassThrough();
    // Never reads: a writable whose write callback never runs.
    const output = new Writable({ highWaterMark: 1024, write: () => {} });
    const done = server.serve({ readable: input, writable: output });
    let batch = frame(req('watch', [], 'w'));
    for (let i = 0; i < 10; i++) batch += frame(req('big', [], i));
    input.write(batch);
    await done;
    expect(await aborted).toMatchObject({ message: 'The peer does not read its answers' });
    expect(output.destroyed).toBe(true);
    expect(input.destroyed).toBe(true);
  });

  it('ends when the writable side closes', async () => {
    const { server, input, output, done } = served();
    const started = stuck(server, 'hang');
    input.write(frame(req('hang')));
    const reason = abortReason(await started);
    output.destroy();
    await done;
    expect(await reason).toBeInstanceOf(DisconnectedError);
  });

  it.each([
    [null, 'stream must be a Duplex or { readable, writable }, got null'],
    [42, 'stream must be a Duplex or { readable, writable }, got 42'],
    [{ readable: new PassThrough() }, 'stream must be a Duplex or { readable, writable }'],
    [{ writable: new PassThrough() }, 'stream must be a Duplex or { readable, writable }'],
  ])('refuses %o as a stream', async (stream, message) => {
    const server = makeServer();
    await expect(server.serve(stream as never)).rejects.toThrow(
      expect.objectContaining({
        code: 'RERPC_ERR_INVALID_OPTION',
        message: expect.stringContaining(message),
      }),
    );
  });

  it('refuses a lone Readable or Writable: a Duplex both reads and writes', async () => {
    const server = makeServer();
    for (const stream of [new Readable({ read() {} }), new Writable({ write() {} })]) {
      await expect(server.serve(stream as never)).rejects.toThrow(
        expect.objectContaining({
          code: 'RERPC_ERR_INVALID_OPTION',
          message: expect.stringContaining('stream must be a Duplex or { readable, writable }'),
        }),
      );
    }
  });

  it('refuses unknown serve() options', async () => {
    const server = makeServer();
    await expect(server.serve(new PassThrough(), { farming: 'ndjson' } as never)).rejects.toThrow(
      'serve() options has no option "farming"; did you mean "framing"?',
    );
  });
});

/** A writable that records its chunks and takes each at once, or holds them while `hold` is set. */
function recorder(highWaterMark = 16 * 1024) {
  const chunks: string[] = [];
  const held: Array<() => void> = [];
  const state = { hold: false };
  const output = new Writable({
    highWaterMark,
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      if (state.hold) held.push(callback);
      else callback();
    },
  });
  /** Takes the held chunks, and every later one at once. */
  const release = () => {
    state.hold = false;
    for (const callback of held.splice(0)) callback();
  };
  return { output, chunks, state, release };
}

const line = (value: unknown) => `${JSON.stringify(value)}\n`;

describe('server.serve(): stream flow', () => {
  it('writes nothing when nothing is answered (notifications), then ends its side', async () => {
    const server = makeServer();
    const input = new PassThrough();
    const { output, chunks } = recorder();
    const done = server.serve({ readable: input, writable: output }, { framing: 'ndjson' });
    input.end(line({ jsonrpc: '2.0', method: 'update' }));
    await done;
    expect(chunks).toEqual([]);
    expect(output.writableEnded).toBe(true);
  });

  it('answers an undecodable line with -32700 and reads on', async () => {
    const server = makeServer();
    const input = new PassThrough();
    const { output, chunks } = recorder();
    const done = server.serve({ readable: input, writable: output }, { framing: 'ndjson' });
    input.write(Buffer.from([0xff, 0x0a]));
    input.end(`${req('echo', [1], 2)}\n`);
    await done;
    expect(chunks.join('')).toBe(
      line({
        jsonrpc: '2.0',
        error: { code: -32700, message: 'Parse error', data: 'the message is not valid UTF-8' },
        id: null,
      }) + line({ jsonrpc: '2.0', result: [1], id: 2 }),
    );
  });

  it('records the latency of the calls it serves', async () => {
    const server = makeServer();
    const input = new PassThrough();
    const done = server.serve({ readable: input, writable: new PassThrough() });
    input.write(frame(req('echo', [1], 1)));
    input.end(frame(req('echo', [2], 2)));
    await done;
    expect(server.stats().latency.count).toBe(2);
  });

  it('stops reading while its answers fill the output, and reads on once it drains', async () => {
    const server = makeServer();
    const input = new PassThrough();
    const { output, chunks, state, release } = recorder(64);
    state.hold = true;
    const done = server.serve({ readable: input, writable: output }, { framing: 'ndjson' });
    const long = 'x'.repeat(100);
    const paused = once(input, 'pause');
    input.write(`${req('echo', [long], 1)}\n`);
    await Promise.race([paused, done]);
    expect(input.isPaused()).toBe(true);
    expect(output.destroyed).toBe(false);
    const resumed = once(input, 'resume');
    release();
    await resumed;
    input.end(`${req('echo', [2], 2)}\n`);
    await done;
    expect(chunks.join('')).toBe(
      line({ jsonrpc: '2.0', result: [long], id: 1 }) +
        line({ jsonrpc: '2.0', result: [2], id: 2 }),
    );
    expect(output.writableEnded).toBe(true);
  });

  it('holds unread answers up to maxWriteBufferBytes exactly, and drops the peer past it', async () => {
    const first = line({ jsonrpc: '2.0', result: ['x'.repeat(100)], id: 1 });
    const server = makeServer({ maxWriteBufferBytes: first.length });
    const later = deferred<string>();
    server.method('later', () => later.promise);
    const aborted = stuck(server, 'watch').then(abortReason);
    const input = new PassThrough();
    // Never reads.
    const output = new Writable({ highWaterMark: 16, write() {} });
    const done = server.serve({ readable: input, writable: output }, { framing: 'ndjson' });
    const paused = once(input, 'pause');
    input.write(
      `${req('watch', [], 'w')}\n${req('echo', ['x'.repeat(100)], 1)}\n${req('later', [], 2)}\n`,
    );
    await Promise.race([paused, done]);
    expect(output.writableLength).toBe(first.length);
    expect(output.destroyed).toBe(false);
    later.resolve('y');
    await done;
    expect(await aborted).toMatchObject({ message: 'The peer does not read its answers' });
    expect(output.destroyed).toBe(true);
  });

  it('stops reading at maxInFlightPerConnection, and reads on as calls finish', async () => {
    const server = makeServer({ maxInFlightPerConnection: 1 });
    const release = deferred<string>();
    server.method('held', () => release.promise);
    const input = new PassThrough();
    const { output, chunks } = recorder();
    const done = server.serve({ readable: input, writable: output }, { framing: 'ndjson' });
    const paused = once(input, 'pause');
    input.write(`${req('held', [], 1)}\n`);
    await paused;
    const resumed = once(input, 'resume');
    release.resolve('done');
    await resumed;
    input.end(`${req('echo', [2], 2)}\n`);
    await done;
    expect(chunks.join('')).toBe(
      line({ jsonrpc: '2.0', result: 'done', id: 1 }) +
        line({ jsonrpc: '2.0', result: [2], id: 2 }),
    );
  });

  it('ends on a read error; a late error on either stream does not crash the process', async () => {
    const { server, input, output, done } = served();
    const started = stuck(server, 'hang');
    input.write(frame(req('hang')));
    const reason = abortReason(await started);
    input.destroy(new Error('EIO'));
    await done;
    expect(await reason).toMatchObject({
      message: 'The stream closed before this call was answered',
    });
    const closed = new Promise((resolve) => output.on('close', resolve));
    output.destroy(new Error('EPIPE'));
    await closed;
  });

  it('ends on a write error; a late read error does not crash the process', async () => {
    const { server, input, output, done } = served();
    const started = stuck(server, 'hang');
    input.write(frame(req('hang')));
    const reason = abortReason(await started);
    output.destroy(new Error('EPIPE'));
    await done;
    expect(await reason).toBeInstanceOf(DisconnectedError);
    const closed = new Promise((resolve) => input.on('close', resolve));
    input.destroy(new Error('EIO'));
    await closed;
  });

  it.each([
    ['process.stdout', process.stdout],
    ['process.stderr', process.stderr],
  ])(
    'never ends nor closes %s, whether the peer ends or the connection is refused',
    async (_name, stdio) => {
      const server = makeServer();
      const input = new PassThrough();
      const done = server.serve({ readable: input, writable: stdio }, { framing: 'ndjson' });
      input.end(line({ jsonrpc: '2.0', method: 'update' }));
      await done;
      expect(stdio.writableEnded).toBe(false);
      // Served again: no listener is left behind per connection (no MaxListenersExceededWarning).
      const listeners = ['drain', 'close', 'error'].map((e) => stdio.listenerCount(e));
      let closes = 0;
      const onClose = () => closes++;
      stdio.on('close', onClose);
      onTestFinished(() => {
        stdio.off('close', onClose);
      });
      const refusing = makeServer({ onConnection: () => false });
      const refused = new PassThrough();
      await refusing.serve({ readable: refused, writable: stdio });
      // Node emits a destroyed stdio's 'close' on a later tick (and undoes the destroy).
      await new Promise((resolve) => setImmediate(resolve));
      expect(refused.destroyed).toBe(true);
      expect(closes).toBe(0);
      stdio.off('close', onClose);
      expect(['drain', 'close', 'error'].map((e) => stdio.listenerCount(e))).toEqual(listeners);
    },
  );

  it('lets go of both streams when it ends: only a no-op error listener stays on each', async () => {
    const { server, input, output, done } = served();
    const started = stuck(server, 'hang');
    input.write(frame(req('hang')));
    await started;
    output.destroy();
    await done;
    const count = (stream: PassThrough, events: string[]) =>
      events.map((event) => stream.listenerCount(event));
    expect(count(input, ['data', 'end', 'close', 'error'])).toEqual([0, 0, 0, 1]);
    expect(count(output, ['drain', 'close', 'error'])).toEqual([0, 0, 1]);
  });
});

describe('server.serve(): subscription events and the output stream', () => {
  /** Serves `{ readable, writable: recorder(64) }` with one 'ticker' subscription; resolves its sink. */
  function ticker(highWaterMark = 64) {
    const server = makeServer();
    const opened = deferred<SubscriptionSink<string>>();
    server.subscription('ticker', (_params, _ctx, sink: SubscriptionSink<string>) => {
      opened.resolve(sink);
    });
    const input = new PassThrough();
    const out = recorder(highWaterMark);
    const done = server.serve({ readable: input, writable: out.output }, { framing: 'ndjson' });
    input.write(`${req('ticker_subscribe', [], 1)}\n`);
    return { input, out, done, opened: opened.promise };
  }
  const event = (result: string) =>
    line({
      jsonrpc: '2.0',
      method: 'ticker_subscription',
      params: { subscription: '0x1', result },
    });
  const reply = line({ jsonrpc: '2.0', result: '0x1', id: 1 });

  it('holds events while the output holds its high-water mark, and writes them in order once it drains', async () => {
    const { input, out, done, opened } = ticker();
    const sink = await opened;
    out.state.hold = true;
    const big = 'x'.repeat(100);
    await sink.send(big);
    await new Promise((resolve) => setImmediate(resolve));
    // The reply and the first event wait in the output, over its 64-byte mark.
    expect(out.output.writableLength).toBe((reply + event(big)).length);
    expect(sink.writable).toBe(false);
    const second = sink.send('two');
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.chunks.join('')).toBe(reply + event(big));
    out.release();
    await second;
    // send() resolves once the event is queued for the next write (one write per tick).
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.chunks.join('')).toBe(reply + event(big) + event('two'));
    expect(sink.writable).toBe(true);
    input.end();
    await done;
  });

  it('writes waiting events once the output takes what it held, even without a drain event', async () => {
    const { input, out, done, opened } = ticker(256);
    const sink = await opened;
    await sink.send('first');
    await new Promise((resolve) => setImmediate(resolve));
    // An event is held, under the 256-byte mark: no 'drain' will follow.
    out.state.hold = true;
    const size = 256 - event('fits').length;
    const held = 'h'.repeat(size - event('').length);
    await sink.send(held);
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.output.writableLength).toBe(size);
    // In one tick: an event that brings the output to its mark exactly, then one that waits;
    // then the output empties.
    expect(sink.trySend('fits')).toBe(true);
    expect(sink.writable).toBe(false);
    const waiting = sink.send('waits');
    out.release();
    await waiting;
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.chunks.join('')).toBe(
      reply + event('first') + event(held) + event('fits') + event('waits'),
    );
    input.end();
    await done;
  });
});
