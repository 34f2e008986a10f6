import { readFile } from 'node:fs/promises';
import { createClient } from '@rerpc/client';
import { OpenRpcDocumentError } from './errors.js';

/**
 * The OpenRPC document at `source`: a server's `rpc.discover` answer for a URL (`tcp://`,
 * `tls://`, `http(s)://`, `ws(s)://`, called with `@rerpc/client`), else the JSON file at that
 * path. Rejects with the client's error (`ConnectionError`, `TimeoutError`, `RpcError` -32601
 * when the server has no `discover`), the file system's, or `OpenRpcDocumentError` for a file
 * that is not JSON.
 */
export async function readDocument(source: string, timeout = 10_000): Promise<unknown> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    const client = createClient(source, { timeout, maxRetries: 0 });
    try {
      return await client.call('rpc.discover');
    } finally {
      await client.close();
    }
  }
  const text = await readFile(source, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new OpenRpcDocumentError(`${source} is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
