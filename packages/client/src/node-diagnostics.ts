import { channel, tracingChannel } from 'node:diagnostics_channel';
import type { CallTracer, ClientConnectionMessage, ClientEndpointMessage } from './diagnostics.js';
import type { QueuedLink } from './link.js';
import type { LinkEvents } from './link-pool.js';

// The Node entry's diagnostics channels (the browser entry has none: see diagnostics.ts).

export const callTracer: CallTracer = tracingChannel('rerpc:client:call') as unknown as CallTracer;

const opened = channel('rerpc:client:connection:open');
const closed = channel('rerpc:client:connection:close');

function message(link: QueuedLink): ClientConnectionMessage {
  return { transport: link.info.transport, address: link.info.address };
}

/** Publishes the pooled links' dials and closes (while subscribed). */
export const linkEvents: LinkEvents = {
  dialled(link) {
    // Stryker disable next-line ConditionalExpression: publish() with no subscriber does nothing; the check skips building the message
    if (opened.hasSubscribers) opened.publish(message(link));
  },
  closed(link) {
    // Stryker disable next-line ConditionalExpression: publish() with no subscriber does nothing; the check skips building the message
    if (closed.hasSubscribers) closed.publish(message(link));
  },
};

const ejected = channel('rerpc:client:endpoint:eject');
const returned = channel('rerpc:client:endpoint:return');

/** Publishes a several-server client's endpoints going out and coming back (while subscribed). */
export const endpointEvents = {
  out(message: () => ClientEndpointMessage): void {
    // Stryker disable next-line ConditionalExpression: publish() with no subscriber does nothing; the check skips building the message
    if (ejected.hasSubscribers) ejected.publish(message());
  },
  back(message: () => ClientEndpointMessage): void {
    // Stryker disable next-line ConditionalExpression: publish() with no subscriber does nothing; the check skips building the message
    if (returned.hasSubscribers) returned.publish(message());
  },
};
