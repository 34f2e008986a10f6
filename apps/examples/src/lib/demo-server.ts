// The demo's server: the Arith service, a notification sink, a slow method and a ticker
// subscription, with rpc.discover on. Shared by `pnpm demo` and the test that validates its
// OpenRPC document.
import { type CallContext, createServer, type Server, type SubscriptionSink } from '@rerpc/server';
import { registerArith } from './arith.js';

/** The demo server (not listening yet) and the lines its `log` method received. */
export function createDemoServer(): { server: Server; logged: string[] } {
  const server = createServer({
    handlerTimeout: 5000,
    // rpc.discover: the OpenRPC document of the methods below (the demo prints their names).
    discover: { info: { title: 'rerpc demo', version: '1.0.0' } },
  });
  registerArith(server);
  const logged: string[] = [];
  server.method(
    'log',
    (params: { line: string }) => {
      logged.push(params.line);
      return null;
    },
    { summary: 'Keeps params.line in the server log (send it as a notification).' },
  );
  server.method('sleep', (params: { ms: number }, ctx) => {
    // Honour ctx.signal: it aborts when the caller goes away, the call times out or the server closes.
    return new Promise((resolve, reject) => {
      const t = setTimeout(resolve, params.ms, params.ms);
      ctx.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          reject(ctx.signal.reason);
        },
        { once: true },
      );
    });
  });
  // A subscription (go-ethereum shape): ticker_subscribe answers an id, events follow as
  // ticker_subscription notifications on the same connection, at the client's pace.
  server.subscription(
    'ticker',
    (params: { from: number }, _ctx: CallContext, sink: SubscriptionSink<number>) => {
      void (async () => {
        for (let n = params.from; !sink.closed; n++) await sink.send(n);
      })().catch(() => {}); // ends when the client unsubscribes
    },
  );
  return { server, logged };
}
