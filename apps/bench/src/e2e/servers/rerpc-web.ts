// @rerpc/server with default options on `listen({ transport: 'http' })`: HTTP POST and the
// WebSocket upgrade on one port (the HTTP and WebSocket scenarios share this server file).

import { ArithService, echo } from '../methods.js';
import { errorMessage } from '../protocol.js';
import { serverMain } from '../server-main.js';

serverMain(async (host) => {
  // Loaded here so that a broken build of @rerpc/server skips this contender with a reason.
  const { createServer } = await import('@rerpc/server');
  const server = createServer({});
  server.register(new ArithService(), { name: 'ArithService' });
  server.method('echo', echo);
  let address: Awaited<ReturnType<typeof server.listen>>;
  try {
    address = await server.listen({ transport: 'http', port: 0, host } as never);
  } catch (err) {
    // A build from before the HTTP transport refuses the option: a skip, not a failure.
    if ((err as { code?: unknown }).code === 'RERPC_ERR_INVALID_OPTION') {
      throw new Error(
        `this build of @rerpc/server has no HTTP/WebSocket transport yet (listen({ transport: 'http' }) was refused: ${errorMessage(err)})`,
      );
    }
    throw err;
  }
  if (!('port' in address)) throw new Error('@rerpc/server listened without a TCP port');
  return {
    port: address.port,
    close: () => server.close(),
  };
});
