// A served process's stdout carries frames only (what an MCP client or an LSP editor reads),
// whatever the handlers do: notifications from a handler reach it in order, a handler's error
// is logged to stderr, a cancelled call is not answered; the process exits 0 when stdin ends.
import { spawnNode } from '@rerpc/internal/testing';
import { expect, it } from 'vitest';

it('over a child process stdio (NDJSON): frames on stdout, logs on stderr, exit 0 on stdin end', async () => {
  const { child, stdout, stderr, exited } = spawnNode([
    new URL('./fixtures/ndjson-stdio-server.mjs', import.meta.url).pathname,
  ]);
  const line = (value: object) => `${JSON.stringify({ jsonrpc: '2.0', ...value })}\n`;
  child.stdin.write(line({ method: 'wait', id: 'w' }));
  child.stdin.write(line({ method: 'notifications/cancelled', params: { requestId: 'w' } }));
  child.stdin.write(line({ method: 'work', id: 1 }) + line({ method: 'boom', id: 2 }));
  child.stdin.end(line({ method: 'boom', id: 3 }));
  expect(await exited).toEqual([0, null]);

  const out = stdout()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
  const internal = { code: -32603, message: 'Internal error' };
  expect(out).toEqual([
    { jsonrpc: '2.0', method: 'aborted', params: { reason: 'RequestCancelledError' } },
    { jsonrpc: '2.0', method: 'progress', params: { n: 1 } },
    { jsonrpc: '2.0', method: 'progress', params: { n: 2 } },
    { jsonrpc: '2.0', result: 'done', id: 1 },
    { jsonrpc: '2.0', error: internal, id: 2 },
    { jsonrpc: '2.0', error: internal, id: 3 },
  ]);
  // Logged once (same method and error class), with the detail the answer leaves out.
  expect(stderr().match(/secret detail/g)).toHaveLength(1);
  expect(stderr()).toContain('boom');
});
