// @rerpc/client on a `ws://` URL with its opt-in `autoBatch: 10`: the calls made in one tick go
// out as JSON-RPC batch messages of up to 10 (a `batch()` still goes out alone, as it was made).
import { clientMain } from '../client-main.js';
import { openRerpc } from '../rerpc.js';

clientMain((target, connections) => openRerpc('ws', target, connections, { autoBatch: 10 }));
