// The WebSocket ceiling: a `ws` server answering each text message with JSON.parse, a method
// lookup and JSON.stringify (batches too); the answers of one tick leave in one write.
import { answerText } from '../raw-rpc.js';
import { serverMain } from '../server-main.js';
import { serveWs } from '../web.js';

serverMain((host) => serveWs(host, answerText));
