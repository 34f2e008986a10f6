import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { type Client, createClient, RpcError } from '@rerpc/client';
import { type CallContext, createServer, type Server } from '@rerpc/server';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  createInstrumentation,
  DURATION_BUCKETS,
  type InstrumentationOptions,
} from '../src/index.js';

/** In-memory exporters behind a tracer and a meter provider; everything shut down after the test. */
function sdk() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exported on forceFlush() only (the interval is never reached in a test).
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 2_147_483_647,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  onTestFinished(async () => {
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });
  const histogram = async (name: string) => {
    await reader.forceFlush();
    const all =
      metricExporter
        .getMetrics()
        .at(-1)
        ?.scopeMetrics.flatMap((s) => s.metrics) ?? [];
    return all.find((m) => m.descriptor.name === name);
  };
  return { spans, tracerProvider, meterProvider, histogram };
}

function instrument(setup: ReturnType<typeof sdk>, options: InstrumentationOptions = {}) {
  const otel = createInstrumentation({
    tracerProvider: setup.tracerProvider,
    meterProvider: setup.meterProvider,
    ...options,
  });
  onTestFinished(() => otel.close());
  return otel;
}

/** A @rerpc/server (TCP or HTTP on 127.0.0.1) with add, echo and fail, and a client of it. */
async function serve(
  transport: 'tcp' | 'http' = 'tcp',
): Promise<{ server: Server; client: Client; port: number }> {
  const server = createServer({ onHandlerError: null });
  server.method('add', ({ a, b }: { a: number; b: number }) => a + b);
  server.method('echo', async (params: unknown) => params);
  server.method('fail', () => {
    throw new RpcError(-32042, 'no');
  });
  onTestFinished(() => server.close({ timeout: 0 }));
  const address = await server.listen({ transport, port: 0, host: '127.0.0.1' });
  if (!('port' in address)) throw new Error('expected a TCP address');
  const client = createClient(
    transport === 'tcp'
      ? { host: '127.0.0.1', port: address.port }
      : `http://127.0.0.1:${address.port}/`,
  );
  onTestFinished(() => client.close({ timeout: 0 }));
  return { server, client, port: address.port };
}

const byKind = (spans: ReadableSpan[], kind: SpanKind) => spans.filter((s) => s.kind === kind);

describe('spans', () => {
  it('a client span and a server span per call, the server one its child with propagate (TCP)', async () => {
    const setup = sdk();
    instrument(setup, { propagate: true });
    const { client, port } = await serve('tcp');
    expect(await client.call('add', { a: 1, b: 2 })).toBe(3);
    const spans = setup.spans.getFinishedSpans();
    const [clientSpan] = byKind(spans, SpanKind.CLIENT);
    const [serverSpan] = byKind(spans, SpanKind.SERVER);
    expect(clientSpan!.name).toBe('add');
    expect(serverSpan!.name).toBe('add');
    expect(serverSpan!.spanContext().traceId).toBe(clientSpan!.spanContext().traceId);
    expect(serverSpan!.parentSpanContext?.spanId).toBe(clientSpan!.spanContext().spanId);
    expect(serverSpan!.parentSpanContext?.isRemote).toBe(true);
    expect(clientSpan!.attributes).toEqual({
      'rpc.system.name': 'jsonrpc',
      'rpc.method': 'add',
      'jsonrpc.protocol.version': '2.0',
      'server.address': `127.0.0.1:${port}`,
      'jsonrpc.request.id': expect.any(String),
    });
    expect(serverSpan!.attributes).toEqual({
      'rpc.system.name': 'jsonrpc',
      'rpc.method': 'add',
      'jsonrpc.protocol.version': '2.0',
      'jsonrpc.request.id': clientSpan!.attributes['jsonrpc.request.id'],
      'network.peer.address': '127.0.0.1',
    });
    expect(clientSpan!.status.code).toBe(SpanStatusCode.UNSET);
    expect(serverSpan!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('carries traceparent in params._meta over HTTP too; the handler sees it', async () => {
    const setup = sdk();
    instrument(setup, { propagate: true });
    const { client } = await serve('http');
    const echoed = (await client.call('echo', { x: 1 })) as { _meta: { traceparent: string } };
    const spans = setup.spans.getFinishedSpans();
    const [clientSpan] = byKind(spans, SpanKind.CLIENT);
    const [serverSpan] = byKind(spans, SpanKind.SERVER);
    const { traceId, spanId } = clientSpan!.spanContext();
    expect(echoed).toEqual({ x: 1, _meta: { traceparent: `00-${traceId}-${spanId}-01` } });
    expect(serverSpan!.parentSpanContext?.spanId).toBe(spanId);
    expect(serverSpan!.attributes['network.peer.address']).toBe('127.0.0.1');
  });

  it('without propagate nothing is added to params and the server span starts its own trace', async () => {
    const setup = sdk();
    instrument(setup);
    const { client } = await serve('tcp');
    expect(await client.call('echo', { x: 1 })).toEqual({ x: 1 });
    const spans = setup.spans.getFinishedSpans();
    const [clientSpan] = byKind(spans, SpanKind.CLIENT);
    const [serverSpan] = byKind(spans, SpanKind.SERVER);
    expect(serverSpan!.spanContext().traceId).not.toBe(clientSpan!.spanContext().traceId);
    expect(serverSpan!.parentSpanContext).toBeUndefined();
  });

  it('an error answer: status ERROR, rpc.status_code and error.type the code on both sides', async () => {
    const setup = sdk();
    instrument(setup);
    const { client } = await serve('tcp');
    await expect(client.call('fail', {})).rejects.toMatchObject({ code: -32042 });
    for (const span of setup.spans.getFinishedSpans()) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['rpc.status_code']).toBe('-32042');
      expect(span.attributes['error.type']).toBe('-32042');
    }
    expect(setup.spans.getFinishedSpans()).toHaveLength(2);
  });

  it('an unknown method: the server span is named jsonrpc, rpc.method _OTHER, the name in rpc.method_original', async () => {
    const setup = sdk();
    instrument(setup, { client: false });
    const { client } = await serve('tcp');
    await expect(client.call('nope.secret', [])).rejects.toMatchObject({ code: -32601 });
    const [span] = setup.spans.getFinishedSpans();
    expect(span!.name).toBe('jsonrpc');
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.attributes).toMatchObject({
      'rpc.method': '_OTHER',
      'rpc.method_original': 'nope.secret',
      'rpc.status_code': '-32601',
      'error.type': '-32601',
    });
    expect(setup.spans.getFinishedSpans()).toHaveLength(1);
  });

  it('a client-side failure (timeout) has error.type the client error code and no rpc.status_code', async () => {
    const setup = sdk();
    instrument(setup, { server: false });
    const { server, client } = await serve('tcp');
    server.method('hang', () => new Promise(() => {}));
    await client.call('add', { a: 0, b: 0 }); // connected first: the timeout below is the call's
    await expect(client.call('hang', {}, { timeout: 50 })).rejects.toMatchObject({
      code: 'RERPC_ERR_TIMEOUT',
    });
    const span = setup.spans.getFinishedSpans().find((s) => s.name === 'hang')!;
    expect(span.attributes['error.type']).toBe('RERPC_ERR_TIMEOUT');
    expect(span.attributes['rpc.status_code']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('the middleware makes the server span active in the handler: its own client calls are children', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    onTestFinished(() => {
      context.disable();
    });
    const setup = sdk();
    const otel = instrument(setup, { propagate: true });
    const { server, client, port } = await serve('tcp');
    server.use(otel.middleware);
    const inner = createClient({ host: '127.0.0.1', port });
    onTestFinished(() => inner.close({ timeout: 0 }));
    server.method('outer', async (_params: unknown, _ctx: CallContext) => {
      await Promise.resolve();
      return inner.call('add', { a: 2, b: 3 });
    });
    expect(await client.call('outer', {})).toBe(5);
    const spans = setup.spans.getFinishedSpans();
    const outerServer = spans.find((s) => s.name === 'outer' && s.kind === SpanKind.SERVER)!;
    const innerClient = spans.find((s) => s.name === 'add' && s.kind === SpanKind.CLIENT)!;
    const innerServer = spans.find((s) => s.name === 'add' && s.kind === SpanKind.SERVER)!;
    expect(innerClient.parentSpanContext?.spanId).toBe(outerServer.spanContext().spanId);
    expect(innerServer.parentSpanContext?.spanId).toBe(innerClient.spanContext().spanId);
    const traceIds = new Set(spans.map((s) => s.spanContext().traceId));
    expect(traceIds.size).toBe(1);
  });

  it('close() stops instrumenting; a second close() does nothing', async () => {
    const setup = sdk();
    const otel = instrument(setup);
    const { client } = await serve('tcp');
    otel.close();
    otel.close();
    await client.call('add', { a: 1, b: 1 });
    expect(setup.spans.getFinishedSpans()).toHaveLength(0);
  });
});

describe('duration histograms', () => {
  it('rpc.server.call.duration and rpc.client.call.duration, in seconds with the spec buckets, by method and code', async () => {
    const setup = sdk();
    instrument(setup);
    const { client } = await serve('tcp');
    await client.call('add', { a: 1, b: 2 });
    await client.call('add', { a: 1, b: 2 });
    await expect(client.call('fail', {})).rejects.toBeInstanceOf(RpcError);
    await expect(client.call('nope', {})).rejects.toBeInstanceOf(RpcError);
    for (const name of ['rpc.server.call.duration', 'rpc.client.call.duration']) {
      const metric = await setup.histogram(name);
      expect(metric, name).toBeDefined();
      expect(metric!.descriptor.unit).toBe('s');
      const points = metric!.dataPoints.map((p) => ({
        attributes: p.attributes,
        count: (p.value as { count: number }).count,
        boundaries: (p.value as { buckets: { boundaries: number[] } }).buckets.boundaries,
        sum: (p.value as { sum: number }).sum,
      }));
      const method = name.startsWith('rpc.server') ? '_OTHER' : 'nope';
      expect(points.map((p) => [p.attributes, p.count])).toEqual(
        expect.arrayContaining([
          [{ 'rpc.system.name': 'jsonrpc', 'rpc.method': 'add' }, 2],
          [
            {
              'rpc.system.name': 'jsonrpc',
              'rpc.method': 'fail',
              'rpc.status_code': '-32042',
              'error.type': '-32042',
            },
            1,
          ],
          [
            {
              'rpc.system.name': 'jsonrpc',
              'rpc.method': method,
              'rpc.status_code': '-32601',
              'error.type': '-32601',
            },
            1,
          ],
        ]),
      );
      expect(points).toHaveLength(3);
      for (const p of points) {
        expect(p.boundaries).toEqual([...DURATION_BUCKETS]);
        // Seconds: a local call takes far less than 10 s each (not a timing assertion: a unit check).
        expect(p.sum).toBeLessThan(10 * p.count);
      }
    }
  });
});
