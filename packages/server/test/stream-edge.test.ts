import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DisconnectedError } from '../src/index.js';
import { abortReason, makeServer, req, stuck } from './helpers.js';

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

  it('refuses unknown serve() options', async () => {
    const server = makeServer();
    await expect(server.serve(new PassThrough(), { farming: 'ndjson' } as never)).rejects.toThrow(
      'serve() options has no option "farming"; did you mean "framing"?',
    );
  });
});
