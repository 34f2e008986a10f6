import { describe, expect, it } from 'vitest';
import { abortReason, listening, Peer, req, stuck } from './helpers.js';

describe('issue 14 regressions', () => {
  it('close({ timeout: 0 }) resolves while a connection lingers after our FIN (reset refused)', async () => {
    const { server, port } = await listening();
    const started = stuck(server, 'wait');
    const peer = await Peer.connect(port);
    peer.send(req('wait'));
    const ctx = await started;
    const reason = abortReason(ctx);
    // The client leaves: the server aborts the call and half-closes; close() comes in that window,
    // where libuv refuses a reset and Node never emitted 'close' (close() hung forever).
    peer.socket.destroy();
    await reason;
    await expect(server.close({ timeout: 0 })).resolves.toBeUndefined();
  });
});
