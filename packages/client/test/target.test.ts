import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { PassThrough, Readable, Writable } from 'node:stream';
import { optionErrorLike } from '@rerpc/internal/testing';
import { createServer as createRpcServer } from '@rerpc/server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConnectionError, createClient } from '../src/index.js';

const TARGET_RULE =
  "target must be { host, port }, { path }, { stream } or { readable, writable }, or a URL 'http(s)://host:port/path', 'ws(s)://host:port/path' or 'tcp://host:port' / 'tls://host:port'";
const CREDENTIALS =
  'target must not carry credentials in the URL (they would appear in error messages); send them in the headers option instead, got';
const PAIR_RULE =
  'target { readable, writable } needs a readable stream and a writable stream, got';

/** A client closed when the test finishes; `createClient` is what is under test. */
function open(...args: Parameters<typeof createClient>) {
  const client = createClient(...args);
  onTestFinished(() => client.close());
  return client;
}

/** A server on ::1 answering each ndjson request with its params. */
async function echoOnIPv6(): Promise<number> {
  const server = createServer((socket: Socket) => {
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk;
      for (let end = buffered.indexOf('\n'); end !== -1; end = buffered.indexOf('\n')) {
        const { id, params } = JSON.parse(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        socket.write(`${JSON.stringify({ jsonrpc: '2.0', result: params, id })}\n`);
      }
    });
  });
  server.listen(0, '::1');
  await once(server, 'listening');
  onTestFinished(() => {
    server.close();
  });
  return (server.address() as { port: number }).port;
}

/** A port nothing listens on (bound, then released). */
async function closedPort(host: string): Promise<number> {
  const server = createServer().listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('createClient(target): what each target form accepts and refuses', () => {
  it.each([
    [42, `${TARGET_RULE}, got 42`],
    [undefined, `${TARGET_RULE}, got undefined`],
    [['127.0.0.1', 80], `${TARGET_RULE}, got an array`],
    ['http://user@h/', `${CREDENTIALS} "http://…@h"`],
    ['ws://:secret@h:81/', `${CREDENTIALS} "ws://…@h:81"`],
    [{ host: 42, port: 80 }, 'host must be a non-empty string, got 42'],
    [{ path: 42 }, 'path must be a non-empty string, got 42'],
  ])('refuses %j with the rule it breaks', (target, message) => {
    expect(() => createClient(target as never)).toThrow(optionErrorLike(message));
  });

  it('dials the host of a tcp:// URL with an IPv6 literal without its brackets', async () => {
    const port = await echoOnIPv6();
    const client = open(`tcp://[::1]:${port}`);
    await expect(client.call('echo', [1])).resolves.toEqual([1]);
  });

  it('names an IPv6 host in brackets in its address: host:port stays readable', async () => {
    const port = await closedPort('::1');
    const client = open({ host: '::1', port }, { maxRetries: 0 });
    const error = await client.call('echo', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).address).toBe(`[::1]:${port}`);
  });

  it.each([
    [{ host: '127.0.0.1', port: 80 }, '127.0.0.1:80'],
    [{ path: '/tmp/x.sock' }, '/tmp/x.sock'],
    ['tcp://127.0.0.1:80', '127.0.0.1:80'],
  ])('refuses headers for the TCP target %j', (target, address) => {
    expect(() => createClient(target as never, { headers: { a: 'b' } })).toThrow(
      optionErrorLike(`headers applies only to http(s):// and ws(s):// targets, not to ${address}`),
    );
  });
});

describe('createClient(target): stream targets', () => {
  const duplex = () => new PassThrough();

  it.each([
    ['an object without stream methods', {}],
    ['a Readable', new Readable({ read() {} })],
    [
      'a Writable',
      new Writable({
        write(_c, _e, cb) {
          cb();
        },
      }),
    ],
    ['an object with read() and write() but no on()', { read() {}, write() {} }],
    ['null', null],
  ])('refuses { stream } that is %s', (_name, stream) => {
    expect(() => createClient({ stream } as never)).toThrow(
      optionErrorLike(
        `stream must be a Duplex stream, got ${stream === null ? 'null' : 'an object'}`,
      ),
    );
  });

  it('refuses { stream } together with readable or writable, naming the keys given', () => {
    const d = duplex();
    expect(() => createClient({ stream: d, readable: d } as never)).toThrow(
      optionErrorLike(
        'target must be { stream } or { readable, writable }, not both, got keys stream, readable',
      ),
    );
    expect(() => createClient({ writable: d, stream: d } as never)).toThrow(
      optionErrorLike(
        'target must be { stream } or { readable, writable }, not both, got keys writable, stream',
      ),
    );
  });

  it('calls over a { stream } Duplex (a socket it did not dial)', async () => {
    const server = createRpcServer();
    server.method('add', ([a, b]: [number, number]) => a + b);
    const { port } = (await server.listen({ port: 0, host: '127.0.0.1' })) as { port: number };
    onTestFinished(() => server.close({ timeout: 0 }));
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    // A stream target frames with Content-Length unless told; a TCP server reads NDJSON.
    const client = open({ stream: socket }, { framing: 'ndjson' });
    await expect(client.call('add', [1, 2])).resolves.toBe(3);
  });

  it('takes keys set to undefined as not given', async () => {
    const client = open({ stream: duplex(), readable: undefined } as never);
    expect(client.stats().connections.dialled).toBe(0);
  });

  it.each([
    ['readable alone', () => ({ readable: duplex() }), 'an object and undefined'],
    ['writable alone', () => ({ writable: duplex() }), 'undefined and an object'],
    [
      'a Writable as readable',
      () => ({ readable: new Writable(), writable: duplex() }),
      'an object and an object',
    ],
    ['null as writable', () => ({ readable: duplex(), writable: null }), 'an object and null'],
    [
      'a writable without on()',
      () => ({ readable: duplex(), writable: { write() {} } }),
      'an object and an object',
    ],
    [
      'a Readable as writable',
      () => ({ readable: duplex(), writable: new Readable() }),
      'an object and an object',
    ],
  ])('refuses { readable, writable } with %s', (_name, target, got) => {
    expect(() => createClient(target() as never)).toThrow(optionErrorLike(`${PAIR_RULE} ${got}`));
  });

  it('refuses tls and headers, which a stream target does not use', () => {
    expect(() => createClient({ stream: duplex() }, { tls: {} })).toThrow(
      optionErrorLike('tls does not apply to a stream target: secure the stream before passing it'),
    );
    expect(() => createClient({ stream: duplex() }, { headers: { a: 'b' } })).toThrow(
      optionErrorLike('headers applies only to http(s):// and ws(s):// targets, not to stream'),
    );
  });
});
