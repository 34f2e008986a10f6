// Server and client over a Unix domain socket instead of TCP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@rerpc/client';
import { createServer } from '@rerpc/server';
import { registerArith } from './lib/arith.js';

const dir = mkdtempSync(join(tmpdir(), 'rerpc-'));
const path = join(dir, 'arith.sock');
const server = createServer();
registerArith(server);
console.log('listening on', JSON.stringify(await server.listen({ path })).replace(dir, '<tmp>'));

const client = createClient({ path });
console.log(
  'ArithService.Add over the socket:',
  JSON.stringify(await client.call('ArithService.Add', { a: 40, b: 2 })),
);
await client.close();
await server.close();
rmSync(dir, { recursive: true, force: true });
