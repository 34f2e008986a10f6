// Readiness probe for a rerpc server (Kubernetes exec probe; no dependencies, Node 20+):
//   node probe.mjs [port] [host] [method]
// Sends one JSON-RPC request to the health method (createServer({ healthMethod: 'rpc.health' }))
// and exits 0 when it answers {"status":"ok"}, 1 otherwise: refused (not listening yet, or
// draining), a -32002 answer (draining), anything else, or no answer within 2 s.
import { connect } from 'node:net';

const [port = '4000', host = '127.0.0.1', method = 'rpc.health'] = process.argv.slice(2);
const socket = connect({ port: Number(port), host });
let answer = '';
const done = (ok, why) => {
  if (!ok) process.stderr.write(`not ready: ${why}\n`);
  socket.destroy();
  process.exit(ok ? 0 : 1);
};
socket.setTimeout(2000, () => done(false, 'no answer within 2 s'));
socket.on('error', (error) => done(false, error.code ?? error.message));
socket.on('connect', () => socket.write(`${JSON.stringify({ jsonrpc: '2.0', method, id: 1 })}\n`));
socket.setEncoding('utf8');
socket.on('data', (chunk) => {
  answer += chunk;
  const end = answer.indexOf('\n');
  if (end === -1) return;
  const line = answer.slice(0, end);
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    done(false, `not JSON: ${line.slice(0, 200)}`);
    return;
  }
  done(message?.result?.status === 'ok', line.slice(0, 200));
});
socket.on('end', () => done(false, 'closed without an answer'));
