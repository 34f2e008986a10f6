// json-rpc-2.0 1.8 over the raw contender's `node:http` server: each POST body through
// `receiveJSON`, its answer (or 204 for none) back.
import { JSONRPCServer } from 'json-rpc-2.0';
import { type AddParams, add } from '../methods.js';
import { serverMain } from '../server-main.js';
import { serveHttp } from '../web.js';

serverMain((host) => {
  const rpc = new JSONRPCServer();
  rpc.addMethod('ArithService.Add', (params) => add(params as unknown as AddParams));
  rpc.addMethod('echo', (params) => params);
  return serveHttp(host, (body) =>
    rpc.receiveJSON(body).then((response) => (response === null ? null : JSON.stringify(response))),
  );
});
