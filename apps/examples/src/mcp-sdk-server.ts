// A tiny MCP server built with the official SDK (@modelcontextprotocol/sdk), over stdio: the
// counterpart of mcp-server.ts for the interop test (rerpc's client drives it) and the latency
// bench (apps/bench, `bench:mcp`). Same `add` and `echo` tools, and `wait`, which only a cancel
// ends.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer(
  { name: 'sdk-example', version: '1.0.0' },
  { capabilities: { logging: {} } },
);

server.registerTool(
  'add',
  { description: 'Adds two integers.', inputSchema: { a: z.number().int(), b: z.number().int() } },
  ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
);
server.registerTool(
  'echo',
  { description: 'Returns its text.', inputSchema: { text: z.string().max(10_000).optional() } },
  ({ text = '' }) => ({ content: [{ type: 'text', text }] }),
);

// Waits until the client cancels the call (notifications/cancelled), then logs that it stopped.
server.registerTool('wait', { description: 'Waits until cancelled.' }, (extra) => {
  return new Promise((_resolve, reject) => {
    extra.signal.addEventListener('abort', () => {
      void server.sendLoggingMessage({ level: 'notice', data: 'wait cancelled' });
      reject(extra.signal.reason);
    });
  });
});

// Nothing else keeps the process alive: it exits when the client closes stdin.
await server.connect(new StdioServerTransport());
