// One server of a several-server client, as the balancer (balancer.ts) keeps it: its link set,
// its load (calls in flight, picks) and its health (ejection.ts), and how it reports itself.
import type { ClientEndpointMessage } from './diagnostics.js';
import { Health } from './ejection.js';
import type { LinkSet } from './link.js';
import type { Pickable } from './picker.js';
import type { EndpointStats } from './stats.js';
import type { ResolvedTarget } from './target.js';

const STATES: readonly EndpointStats['state'][] = ['up', 'ejected', 'draining'];

/** One server: its pool, its load and its health. */
export class Endpoint implements Pickable {
  inFlight = 0;
  calls = 0;
  picks = 0;
  readonly health = new Health();
  /**
   * Timeouts counted whose lease has not ended yet: the unlease that follows a timeout is not an
   * answer (see Balancer.unlease()).
   */
  timeouts = 0;
  /** The last dial error counted (the pool fails every waiter with the same one). */
  lastError: unknown = null;
  /** The probe or return timer while out. */
  timer: ReturnType<typeof setTimeout> | null = null;
  /** No longer among the resolver's answers: its pool closes once its calls finish. */
  removed = false;

  constructor(
    readonly target: ResolvedTarget,
    readonly pool: LinkSet,
  ) {}

  /** Its row of ClientStats.endpoints. */
  stats(): EndpointStats {
    const health = this.health;
    return {
      address: this.target.address,
      state: STATES[health.state]!,
      inFlight: this.inFlight,
      calls: this.calls,
      failures: health.failures,
      ejections: health.ejections,
      ejectedUntil: health.ejectedUntil === 0 ? null : health.ejectedUntil,
      picks: this.picks,
    };
  }

  /** What `rerpc:client:endpoint:eject` / `:return` publish about it (`until`: its next probe). */
  message(until: number | null): ClientEndpointMessage {
    const { state, ejections } = this.health;
    return { address: this.target.address, state: STATES[state]!, until, ejections };
  }
}
