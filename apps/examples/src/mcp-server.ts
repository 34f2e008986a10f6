// An MCP (Model Context Protocol) tool server on rerpc: an MCP client spawns `node
// dist/mcp-server.js` and speaks NDJSON on its stdin/stdout (only frames; logs go to stderr).
import { setTimeout as sleep } from 'node:timers/promises';
import { createMcpServer } from './lib/mcp.js';

const mcp = createMcpServer({ name: 'rerpc-example', version: '1.0.0' });
const int = { type: 'integer' };

mcp.tool(
  'add',
  {
    description: 'Adds two integers.',
    inputSchema: {
      type: 'object',
      properties: { a: int, b: int },
      required: ['a', 'b'],
      additionalProperties: false,
    },
  },
  ({ a, b }: { a: number; b: number }) => String(a + b),
);

mcp.tool(
  'echo',
  {
    description: 'Returns its text, and logs its length.',
    inputSchema: { type: 'object', properties: { text: { type: 'string', maxLength: 10_000 } } },
  },
  ({ text = '' }: { text?: string }, call) => {
    call.log('info', `echo: ${text.length} characters`);
    return text;
  },
);

mcp.tool(
  'countdown',
  {
    description: 'Counts down, one step every stepMs, reporting progress; stops when cancelled.',
    inputSchema: {
      type: 'object',
      properties: { from: { ...int, minimum: 1 }, stepMs: { ...int, minimum: 0, maximum: 60_000 } },
      required: ['from'],
    },
  },
  async ({ from, stepMs = 100 }: { from: number; stepMs?: number }, call) => {
    call.signal.addEventListener('abort', () => call.log('notice', 'countdown cancelled'));
    for (let done = 0; done < from; done++) {
      call.progress(done, from, `${from - done} to go`);
      await sleep(stepMs, undefined, { signal: call.signal }); // rejects at once on cancel
    }
    return 'liftoff';
  },
);

const stats = { name: 'stats', description: 'rerpc server stats', mimeType: 'application/json' };
mcp.resource('rerpc://stats', stats, () => JSON.stringify(mcp.rpc.stats()));

await mcp.serveStdio(); // until the client closes stdin
console.error('mcp-server: stdin closed, server closed');
