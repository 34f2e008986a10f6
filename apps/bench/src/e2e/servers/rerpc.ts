// @rerpc/server with default options (NDJSON over TCP): `ArithService` registered as a service
// (`ArithService.Add`), `echo` as a method.
import { ArithService, echo } from '../methods.js';
import { serverMain } from '../server-main.js';

serverMain(async (host) => {
  // Loaded here, not at the top, so that a broken build of @rerpc/server stops this contender
  // with a reason instead of failing the process before it can report one.
  const { createServer } = await import('@rerpc/server');
  const server = createServer({});
  server.register(new ArithService(), { name: 'ArithService' });
  server.method('echo', echo);
  const address = await server.listen({ port: 0, host });
  if (!('port' in address)) throw new Error('@rerpc/server listened without a TCP port');
  return {
    port: address.port,
    close: () => server.close(),
  };
});
