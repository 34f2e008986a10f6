// A rerpc client driving a language-server-style child process over its stdio: it answers the
// server's call back, takes its notification, and reads a subscription (see stdio-server.ts).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createClient } from '@rerpc/client';

const serverPath = fileURLToPath(new URL('./stdio-server.js', import.meta.url));
const child = spawn(process.execPath, [serverPath], { stdio: ['pipe', 'pipe', 'inherit'] });

// One connection over the child's stdout/stdin, Content-Length framed by default.
const client = createClient({ readable: child.stdout, writable: child.stdin });
client.method('workspace/configuration', (params: { section: string }) => {
  console.log('server asked for configuration:', params.section);
  return { maxProblems: 100 };
});
client.onNotification('window/logMessage', (params: { message: string }) => {
  console.log('server says:', params.message);
});

console.log('initialized:', JSON.stringify(await client.call('initialize', { name: 'editor' })));

for await (const problem of client.subscribe<string>('diagnostics', { uri: 'a.ts' })) {
  console.log('diagnostic:', problem);
  if (problem.includes(':15:')) break; // sends diagnostics_unsubscribe
}

const exited = once(child, 'exit');
await client.close(); // ends the child's stdin: its serve() resolves and it exits
console.log('server exited with code', (await exited)[0]);
