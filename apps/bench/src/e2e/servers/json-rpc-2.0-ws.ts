// json-rpc-2.0 1.8 over the raw contender's `ws` server: each text message through
// `receiveJSON`, its answer back.
import { answerWith } from '../json-rpc-2.0.js';
import { serverMain } from '../server-main.js';
import { serveWs } from '../web.js';

serverMain((host) => serveWs(host, answerWith()));
