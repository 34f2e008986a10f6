// @rerpc/client on a `http://` URL (HTTP), `maxActive` = the scenario's connection count
// ('default' leaves every option at its default); batches through `client.batch()`.
import { clientMain } from '../client-main.js';
import { openRerpc } from '../rerpc.js';

clientMain((target, connections) => openRerpc('http', target, connections));
