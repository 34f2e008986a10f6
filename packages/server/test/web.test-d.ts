import { createServer as createHttpServer } from 'node:http';
import express from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createServer,
  type HttpHandler,
  type ListenOptions,
  type ServerAddress,
  type UpgradeHandler,
  WEB_DEFAULTS,
} from '../src/index.js';

describe('web transport types', () => {
  const server = createServer();

  it('listen() takes a transport, tls and the web options', () => {
    expectTypeOf(
      server.listen({ transport: 'http', port: 0, healthPath: null, cors: ['https://a.example'] }),
    ).toEqualTypeOf<Promise<ServerAddress>>();
    expectTypeOf({ port: 0, tls: { key: 'k', cert: 'c' } }).toMatchTypeOf<ListenOptions>();
    // @ts-expect-error no such transport
    void server.listen({ transport: 'udp' });
    // @ts-expect-error pingInterval is a number of ms
    void server.listen({ transport: 'http', pingInterval: '30s' });
    expectTypeOf(WEB_DEFAULTS.healthPath).toEqualTypeOf<string | null>();
  });

  it('the handlers plug into node:http and express', () => {
    const rpc = server.httpHandler();
    const upgrade = server.upgradeHandler({ origins: ['https://a.example'] });
    expectTypeOf(rpc).toEqualTypeOf<HttpHandler>();
    expectTypeOf(upgrade).toEqualTypeOf<UpgradeHandler>();
    const http = createHttpServer(rpc);
    http.on('upgrade', upgrade);
    express().use('/rpc', rpc);
    // @ts-expect-error unknown web option
    server.httpHandler({ health: '/h' });
  });
});
