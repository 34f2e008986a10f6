import { errorMessage, type FromServer, type ToServer } from './protocol.js';

/** A started contender server: where it listens and how to close it. */
export interface StartedServer {
  port: number;
  close(): Promise<void>;
}

export type StartServer = (host: string) => Promise<StartedServer>;

function send(msg: FromServer): void {
  process.send?.(msg);
}

/**
 * The body of every server process (dist/e2e/servers/<name>.js): start, report the port to the
 * orchestrator, serve until told to stop or until the orchestrator goes away.
 */
export function serverMain(start: StartServer): void {
  if (process.send === undefined) {
    console.error('this is an e2e server process: run it through dist/e2e.js');
    process.exit(2);
  }
  // The orchestrator going away (even killed) closes the IPC channel: never outlive it.
  process.on('disconnect', () => process.exit(0));
  process.on('uncaughtException', (err) => {
    console.error(`[server ${process.argv[1]}] uncaught: ${err.stack ?? errorMessage(err)}`);
    process.exit(1);
  });
  let server: StartedServer | null = null;
  process.on('message', (msg: ToServer) => {
    if (msg.type !== 'stop') return;
    const done = () => process.exit(0);
    if (server === null) done();
    // Bounded: a server that does not close within a second is simply exited.
    setTimeout(done, 1000).unref();
    server?.close().then(done, done);
  });
  start('127.0.0.1').then(
    (s) => {
      server = s;
      send({ type: 'ready', port: s.port });
    },
    (err: unknown) => {
      send({ type: 'error', message: errorMessage(err) });
      process.exitCode = 1;
      process.disconnect();
    },
  );
}
