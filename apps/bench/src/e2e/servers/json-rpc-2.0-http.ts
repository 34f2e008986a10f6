// json-rpc-2.0 1.8 over the raw contender's `node:http` server: each POST body through
// `receiveJSON`, its answer (or 204 for none) back.
import { answerWith } from '../json-rpc-2.0.js';
import { serverMain } from '../server-main.js';
import { serveHttp } from '../web.js';

serverMain((host) => serveHttp(host, answerWith()));
