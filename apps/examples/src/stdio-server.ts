// A tiny language-server-style process: a rerpc server over its own stdin/stdout
// (Content-Length frames, as LSP), which calls its client back, notifies it, and serves a
// subscription. Run by stdio-client.ts; stdout carries the protocol, so logs go to stderr.
import { type CallContext, createServer, type SubscriptionSink } from '@rerpc/server';

const server = createServer();

server.method('initialize', async (params: { name: string }, ctx: CallContext) => {
  // A request to the client, answered by its client.method('workspace/configuration').
  const config = (await ctx.peer!.call('workspace/configuration', { section: 'lint' })) as {
    maxProblems: number;
  };
  ctx.peer!.notify('window/logMessage', { message: `hello ${params.name}` });
  return { capabilities: { diagnostics: true }, maxProblems: config.maxProblems };
});

// Diagnostics for a document, pushed as they are found.
server.subscription(
  'diagnostics',
  (params: { uri: string }, _ctx: CallContext, sink: SubscriptionSink<string>) => {
    void (async () => {
      for (const line of [3, 14, 15]) await sink.send(`${params.uri}:${line}: unused variable`);
    })().catch(() => {}); // the client unsubscribed or left
  },
);

// Runs until the client ends stdin.
await server.serve({ readable: process.stdin, writable: process.stdout });
await server.close();
