import type { Socket } from 'node:net';

// The minimal NDJSON transport shared by the raw contender and the json-rpc-2.0 transport, so
// that the two differ only in what happens between a line and its answer.

/** Calls `onLine` for each complete, non-blank `\n`-terminated line read from the socket. */
export function onLines(socket: Socket, onLine: (line: string) => void): void {
  // utf8 decoding in the stream keeps a character split across chunks whole.
  socket.setEncoding('utf8');
  let tail = '';
  socket.on('data', (chunk: string) => {
    const text = tail.length > 0 ? tail + chunk : chunk;
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (end > start) onLine(text.slice(start, end));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    tail = start < text.length ? text.slice(start) : '';
  });
}

/**
 * Writes frames corked until the current tick's promise jobs have run, so the answers to one
 * chunk of requests (or a wave of new calls) leave in one write instead of one syscall each.
 */
export function corkedWriter(socket: Socket): (frame: string) => void {
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  return (frame) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    socket.write(frame);
  };
}
