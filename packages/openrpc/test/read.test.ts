import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type ServerOptions } from '@rerpc/server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { OpenRpcDocumentError, readDocument } from '../src/index.js';

async function serve(options: ServerOptions, transport: 'tcp' | 'http'): Promise<number> {
  const server = createServer(options);
  onTestFinished(() => server.close({ timeout: 0 }));
  server.method('S.ping', () => 'pong', { summary: 'Answers pong.' });
  const address = await server.listen({ host: '127.0.0.1', port: 0, transport });
  if (!('port' in address)) throw new Error('expected a TCP address');
  return address.port;
}

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rerpc-openrpc-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('readDocument()', () => {
  it.each(['tcp', 'http'] as const)('reads rpc.discover over %s', async (transport) => {
    const port = await serve({ discover: true }, transport);
    const doc = (await readDocument(`${transport}://127.0.0.1:${port}/`)) as {
      methods: { name: string; summary: string }[];
    };
    expect(doc.methods).toEqual([
      expect.objectContaining({ name: 'S.ping', summary: 'Answers pong.' }),
    ]);
  });

  it('rejects with the server answer -32601 when discover is off', async () => {
    const port = await serve({}, 'tcp');
    await expect(readDocument(`tcp://127.0.0.1:${port}`)).rejects.toMatchObject({
      name: 'RpcError',
      code: -32601,
    });
  });

  it('reads a saved JSON file, and rejects a file that is not JSON with OpenRpcDocumentError', async () => {
    const dir = await scratch();
    await writeFile(join(dir, 'doc.json'), '{"openrpc":"1.3.2","methods":[]}');
    expect(await readDocument(join(dir, 'doc.json'))).toEqual({ openrpc: '1.3.2', methods: [] });
    await writeFile(join(dir, 'bad.json'), '{ nope');
    const error = await readDocument(join(dir, 'bad.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenRpcDocumentError);
    expect((error as Error).message).toContain('bad.json is not JSON');
  });
});
