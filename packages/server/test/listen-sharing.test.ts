import { describe, expect, it, onTestFinished } from 'vitest';
import { createServer, type ListenOptions } from '../src/index.js';

// listen({ reusePort, exclusive }) (issue 17): what @rerpc/cluster's 'reuse-port' balancing
// passes to each worker's server.

/** Node 22.12+ / 23.1+ on Linux bind a port twice with SO_REUSEPORT; older Node ignores it. */
function nodeHasReusePort(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (process.platform !== 'linux') return false;
  return major === 22 ? minor >= 12 : major === 23 ? minor >= 1 : major > 23;
}

function server() {
  const s = createServer();
  onTestFinished(() => s.close({ timeout: 0 }));
  return s;
}

describe('listen() reusePort and exclusive', () => {
  it.each([
    [{ reusePort: 1 }, 'reusePort must be a boolean, got 1'],
    [{ exclusive: 'yes' }, 'exclusive must be a boolean, got "yes"'],
    [{ path: '/tmp/rerpc-x.sock', reusePort: true }, 'reusePort is for TCP ports, not a path'],
  ])('rejects %o', async (options, message) => {
    await expect(server().listen(options as ListenOptions)).rejects.toThrow(
      expect.objectContaining({ code: 'RERPC_ERR_INVALID_OPTION', message }),
    );
  });

  it('a second server binds the same port with reusePort where Node has it, else ListenError', async () => {
    const first = await server().listen({ port: 0, reusePort: true, exclusive: true });
    const port = (first as { port: number }).port;
    const second = server().listen({ port, reusePort: true, exclusive: true });
    if (nodeHasReusePort()) {
      await expect(second).resolves.toMatchObject({ port });
    } else {
      await expect(second).rejects.toMatchObject({
        code: 'RERPC_ERR_LISTEN',
        cause: expect.objectContaining({ code: 'EADDRINUSE' }),
      });
    }
  });

  it('without them, a taken port is still EADDRINUSE', async () => {
    const { port } = (await server().listen({ port: 0 })) as { port: number };
    await expect(server().listen({ port })).rejects.toMatchObject({ code: 'RERPC_ERR_LISTEN' });
  });
});
