import { connect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { makeServer } from './helpers.js';
import { listenHttp, tlsFixture } from './web-helpers.js';

/** Connects a plain TCP socket, writes `out` (if any), and resolves with all it read once the server closed it. */
function readUntilClosed(port: number, out?: string): Promise<string> {
  const socket = connect({ port, host: '127.0.0.1' });
  onTestFinished(() => {
    socket.destroy();
  });
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
    socket.once('connect', () => {
      if (out !== undefined) socket.write(out);
    });
  });
}

/** A TLS handshake that never starts: Node emits tlsClientError after handshakeTimeout, and leaves the socket to its listener. */
const silentTls = { ...tlsFixture, handshakeTimeout: 50 };

describe('listeners: sockets that fail before they are accepted', () => {
  it('closes a TCP-over-TLS socket whose handshake times out, and never counts it', async () => {
    const server = makeServer();
    const address = await server.listen({ port: 0, host: '127.0.0.1', tls: silentTls });
    const port = (address as { port: number }).port;
    expect(await readUntilClosed(port)).toBe('');
    expect(server.stats().connections).toEqual({ open: 0, total: 0, refused: 0 });
  });

  it('closes an HTTPS socket whose handshake times out', async () => {
    const { port } = await listenHttp(undefined, { tls: silentTls });
    expect(await readUntilClosed(port)).toBe('');
  });

  it('closes an HTTP connection that sends a malformed request, without an answer', async () => {
    const { port, server } = await listenHttp();
    expect(await readUntilClosed(port, 'NOT HTTP AT ALL\r\n\r\n')).toBe('');
    // The server keeps serving.
    expect(await server.handle('{"jsonrpc":"2.0","method":"echo","params":[1],"id":1}')).toBe(
      '{"jsonrpc":"2.0","result":[1],"id":1}',
    );
  });
});
