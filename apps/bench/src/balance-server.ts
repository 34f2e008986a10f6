// One @rerpc/server process for `node dist/balance.js`: argv host; `echo` answers its params.
// Prints its port once listening; exits on SIGTERM after close().
import { createServer } from '@rerpc/server';

const host = process.argv[2] ?? '127.0.0.1';
const server = createServer({ onHandlerError: null });
server.method('echo', (params: unknown) => params);
const address = await server.listen({ host, port: 0 });
if (!('port' in address)) throw new Error('listened without a TCP port');
process.stdout.write(`${address.port}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
