// @rerpc/client on an `http://` URL with its opt-in `autoBatch: 10`: the calls made in one tick
// go out as JSON-RPC batch POSTs of up to 10 (a `batch()` still goes out alone, as it was made).
import { clientMain } from '../client-main.js';
import { openRerpc } from '../rerpc.js';

clientMain((target, connections) => openRerpc('http', target, connections, { autoBatch: 10 }));
