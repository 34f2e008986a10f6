import type { IncomingMessage, ServerResponse } from 'node:http';
import { AggregatorRegistry, type Registry, register } from 'prom-client';

/** A node:http `'request'` listener (or a framework route) serving the exposition format. */
export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** What a handler scrapes: the exposition text and its content type. */
type Scrape = () => Promise<string>;

function handler(scrape: Scrape, contentType: string): MetricsHandler {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      res.end('scrape the metrics with GET\n');
      return;
    }
    scrape().then(
      (text) => {
        res.writeHead(200, {
          'Content-Type': contentType,
          'Content-Length': Buffer.byteLength(text),
          'Cache-Control': 'no-store',
        });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        const body = `could not collect the metrics: ${error instanceof Error ? error.message : String(error)}\n`;
        res.writeHead(500, {
          'Content-Type': 'text/plain',
          'Content-Length': Buffer.byteLength(body),
        });
        res.end(body);
      },
    );
  };
}

/**
 * A `'request'` listener answering `GET` (and `HEAD`) with `registry`'s metrics in the Prometheus
 * text format (prom-client's global `register` by default), 405 for other methods, 500 when a
 * collect callback fails. It serves every request it is given: route `/metrics` to it.
 */
export function metricsHandler(registry: Registry = register): MetricsHandler {
  return handler(() => registry.metrics(), registry.contentType);
}

/**
 * For the primary of a `@rerpc/cluster` (or any node:cluster primary): a `'request'` listener
 * answering with every worker's metrics added up (prom-client's `AggregatorRegistry`; counters,
 * histograms and gauges summed). Each worker answers from prom-client's global `register`, so
 * workers call `createMetrics()` without a `registry` (or `AggregatorRegistry.setRegistries()`).
 * A worker that does not answer within 5 s (prom-client's timeout) makes the scrape a 500.
 */
export function clusterMetricsHandler(): MetricsHandler {
  const aggregator = new AggregatorRegistry();
  return handler(() => aggregator.clusterMetrics(), aggregator.contentType);
}
