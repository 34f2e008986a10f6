import { createSharedPool, type SharedPool, type SharedPoolFactory } from '@rerpc/conn-pool';
import type { QueuedLink } from './link.js';
import type { ResolvedClientOptions } from './options.js';
import type { ConnectionStats } from './stats.js';

/** Told of each pooled link dialled and closed (the Node entry's diagnostics channels). */
export interface LinkEvents {
  dialled(link: QueuedLink): void;
  closed(link: QueuedLink): void;
}

/** Set by the Node entry (setLinkEvents); a browser sets none and its pools are not wrapped. */
let events: LinkEvents | null = null;

export function setLinkEvents(value: LinkEvents): void {
  events = value;
}

/** Load penalty of a connection whose socket buffer is full: chosen only when all are. */
const BLOCKED = 2 ** 30;

/**
 * The client's connections (TCP, or WebSockets) to one server: @rerpc/conn-pool's shared pool of
 * links. Each call on a link holds one lease on it, from the send to the moment it leaves it
 * (settled, cancelled, retried elsewhere; a notification once written). The pool picks the
 * least-loaded link (calls in flight, a penalty while its socket buffer is full), dials another
 * past `pipelineThreshold` (one at a time, up to `maxActive`), queues calls while none is open,
 * parks links unused for a while (and evicts them per maxIdle / idleTimeout), and retires them
 * all when the server says it is shutting down (`retireAll()`): each then closes once its last
 * call leaves it. `factory` dials, closes and checks one link.
 */
export function linkPool<T extends QueuedLink>(
  o: Pick<ResolvedClientOptions, 'pipelineThreshold' | 'maxActive' | 'maxIdle' | 'idleTimeout'>,
  factory: Pick<SharedPoolFactory<T>, 'create' | 'destroy' | 'validate'>,
): SharedPool<T> {
  return createSharedPool<T>({
    ...(events === null ? factory : observed(factory, events)),
    load: (link) => (link.blocked ? link.pending.size + BLOCKED : link.pending.size),
    loadThreshold: o.pipelineThreshold,
    maxActive: o.maxActive,
    maxIdle: o.maxIdle,
    idleTimeout: o.idleTimeout,
    closeTimeout: 0,
  });
}

/** `factory`, telling `sink` of each link it dials and closes (dials are rare: no hot path here). */
function observed<T extends QueuedLink>(
  factory: Pick<SharedPoolFactory<T>, 'create' | 'destroy' | 'validate'>,
  sink: LinkEvents,
): Pick<SharedPoolFactory<T>, 'create' | 'destroy' | 'validate'> {
  return {
    ...factory,
    create: async (signal) => {
      const link = await factory.create(signal);
      sink.dialled(link);
      return link;
    },
    destroy: (link) => {
      sink.closed(link);
      return factory.destroy(link);
    },
  };
}

/** The client's view of the pool's stats (the names predate the shared pool). */
export function connectionStats(pool: Pick<SharedPool<object>, 'stats'>): ConnectionStats {
  const s = pool.stats();
  return {
    active: s.active,
    idle: s.idle,
    dialling: s.creating,
    dialled: s.created,
    dialErrors: s.createErrors,
  };
}
