// The README's Example is test/fixtures/readme-example.ts (type-checked by `pnpm typecheck`), word
// for word but for the import path; this test holds the two together and runs it with the SDK's
// in-memory exporter behind the global tracer provider, as an application's SDK would set it.
import { readFileSync } from 'node:fs';
import { SpanKind, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { fixtureAsShown, logged, readmeBlock } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README example', () => {
  it('is the fixture word for word', () => {
    expect(readmeBlock(readme, '## Example')).toBe(
      fixtureAsShown(new URL('./fixtures/readme-example.ts', import.meta.url), '@rerpc/otel'),
    );
  });

  it('runs: prints 3, and the server span is the client span’s child', async () => {
    const spans = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    trace.setGlobalTracerProvider(provider);
    onTestFinished(async () => {
      trace.disable();
      await provider.shutdown();
    });
    expect(await logged(() => import('./fixtures/readme-example.js'))).toEqual([[3]]);
    const finished = spans.getFinishedSpans();
    const client = finished.find((s) => s.kind === SpanKind.CLIENT)!;
    const server = finished.find((s) => s.kind === SpanKind.SERVER)!;
    expect([client.name, server.name]).toEqual(['add', 'add']);
    expect(server.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
  });
});
