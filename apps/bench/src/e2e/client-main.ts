import { type Caller, runLoad } from './load.js';
import {
  type Connections,
  errorMessage,
  type FromClient,
  type Target,
  type ToClient,
} from './protocol.js';

export type { Caller } from './load.js';

/**
 * Opens a contender's client. `connections` is a count the scenario asks for, or 'default' for
 * the contender's own choice (its pooled client where it has one, else one connection);
 * `inflight` is how many calls the scenario will keep in flight across them.
 */
export type OpenClient = (
  target: Target,
  connections: Connections,
  inflight: number,
) => Promise<Caller>;

/** Spreads calls over several single-connection callers in turn (for clients without a pool). */
export function roundRobin(callers: Caller[]): Caller {
  if (callers.length === 1) return { ...callers[0]!, connections: () => 1 };
  let next = 0;
  return {
    connections: () => callers.length,
    call(method, params) {
      const caller = callers[next]!;
      next = next + 1 === callers.length ? 0 : next + 1;
      return caller.call(method, params);
    },
    async close() {
      await Promise.all(callers.map((c) => c.close()));
    },
  };
}

/** Opens `count(connections)` single-connection callers and spreads calls over them. */
export async function openEach(
  connections: Connections,
  openOne: () => Promise<Caller>,
): Promise<Caller> {
  const count = connections === 'default' ? 1 : connections;
  const callers = await Promise.all(Array.from({ length: count }, openOne));
  return roundRobin(callers);
}

function send(msg: FromClient): void {
  process.send?.(msg);
}

/**
 * The body of every client process (dist/e2e/clients/<name>.js): open on request, run load
 * phases on request, report each run's tally and timing, close on request.
 */
export function clientMain(open: OpenClient): void {
  if (process.send === undefined) {
    console.error('this is an e2e client process: run it through dist/e2e.js');
    process.exit(2);
  }
  process.on('disconnect', () => process.exit(0));
  // A peer's client may reject a promise nobody awaits (a late reply after a drain deadline):
  // report it once instead of dying, since the run's tally already counts the call as failed.
  let reported = false;
  process.on('unhandledRejection', (err) => {
    if (!reported)
      console.error(`[client ${process.argv[1]}] unhandled rejection: ${errorMessage(err)}`);
    reported = true;
  });
  let caller: Caller | null = null;
  const closeCaller = async () => {
    const closing = caller?.close();
    caller = null;
    // Bounded: a client that does not close within two seconds is abandoned.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closing, new Promise((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
  };
  const handle = async (msg: ToClient): Promise<FromClient> => {
    switch (msg.type) {
      case 'open':
        // Each scenario reopens with its own connection count; the previous connections go.
        await closeCaller();
        caller = await open(msg.target, msg.connections, msg.inflight);
        return { type: 'opened' };
      case 'run':
        if (caller === null) throw new Error('run before open');
        return { type: 'result', result: await runLoad(caller, msg.spec) };
      case 'close': {
        await closeCaller();
        return { type: 'closed' };
      }
    }
  };
  process.on('message', (msg: ToClient) => {
    handle(msg)
      .then(send, (err: unknown) => send({ type: 'error', message: errorMessage(err) }))
      .then(() => {
        // Done once closed: exit even if a peer's client left a socket or timer behind.
        if (msg.type === 'close') process.exit(0);
      });
  });
}
