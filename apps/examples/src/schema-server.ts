// A server with JSON Schemas: params validated by ajv (-32602 lists every problem), results
// serialized by fast-json-stringify, both compiled once at registration.
import { createClient, RpcError } from '@rerpc/client';
import { createServer } from '@rerpc/server';

const server = createServer();
server.method(
  'users.create',
  (params: { name: string; age: number }) => ({
    id: 1,
    name: params.name,
    age: params.age,
    password: 'never sent',
  }),
  {
    params: {
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, age: { type: 'integer', minimum: 0 } },
      required: ['name', 'age'],
      additionalProperties: false,
    },
    // Only the schema's properties go on the wire: the password field is dropped.
    result: {
      type: 'object',
      properties: { id: { type: 'integer' }, name: { type: 'string' }, age: { type: 'integer' } },
    },
  },
);
const address = await server.listen({ host: '127.0.0.1', port: 0 });
if (!('port' in address)) throw new Error('expected a TCP address');
const client = createClient({ host: address.host, port: address.port });

console.log(
  'valid params:',
  JSON.stringify(await client.call('users.create', { name: 'Ada', age: 36 })),
);
try {
  await client.call('users.create', { name: '', age: -1, admin: true });
} catch (error) {
  if (!(error instanceof RpcError)) throw error;
  console.log(`invalid params: ${error.code} ${error.message}`);
  for (const problem of error.data as Array<{ path: string; message: string; params?: unknown }>) {
    console.log(
      `  ${problem.path} ${problem.message}${problem.params ? ` ${JSON.stringify(problem.params)}` : ''}`,
    );
  }
}
await client.close();
await server.close();
