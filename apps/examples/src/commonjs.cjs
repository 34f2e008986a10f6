// The rerpc packages from CommonJS: every package ships a require() build next to its ES module.
const { createServer } = require('@rerpc/server');
const { createClient } = require('@rerpc/client');

async function main() {
  const server = createServer();
  server.method('add', ({ a, b }) => a + b);
  const { host, port } = await server.listen({ host: '127.0.0.1', port: 0 });
  const client = createClient({ host, port });
  console.log('add over CommonJS:', await client.call('add', { a: 2, b: 3 }));
  await client.close();
  await server.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
