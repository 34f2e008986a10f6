// The HTTP ceiling: a `node:http` server answering each POST body with JSON.parse, a method
// lookup and JSON.stringify (batches too); keep-alive as Node's default.
import { answerText } from '../raw-rpc.js';
import { serverMain } from '../server-main.js';
import { serveHttp } from '../web.js';

serverMain((host) => serveHttp(host, answerText));
