// json-rpc-2.0 1.8 over the raw contender's `ws` server: each text message through
// `receiveJSON`, its answer back.
import { JSONRPCServer } from 'json-rpc-2.0';
import { type AddParams, add } from '../methods.js';
import { serverMain } from '../server-main.js';
import { serveWs } from '../web.js';

serverMain((host) => {
  const rpc = new JSONRPCServer();
  rpc.addMethod('ArithService.Add', (params) => add(params as unknown as AddParams));
  rpc.addMethod('echo', (params) => params);
  return serveWs(host, (text) =>
    rpc.receiveJSON(text).then((response) => (response === null ? null : JSON.stringify(response))),
  );
});
