import { SpanStatusCode } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { BasicTracerProvider, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, vi } from 'vitest';
import {
  batchSettingsFromEnv,
  FailureFirstSpanProcessor,
  isFailingSpan,
} from './failure-first-span-processor.js';

/** An exporter that holds every batch until released, like a slow collector. */
class GatedExporter implements SpanExporter {
  readonly batches: ReadableSpan[][] = [];
  private readonly pending: Array<(result: ExportResult) => void> = [];
  private open: ExportResultCode | undefined;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.batches.push(spans);
    if (this.open === undefined) this.pending.push(done);
    else done({ code: this.open });
  }
  /** Answers the held batches, and every later one at once, with `code`. */
  release(code = ExportResultCode.SUCCESS): void {
    this.open = code;
    for (const done of this.pending.splice(0)) done({ code });
  }
  async shutdown(): Promise<void> {}
}

const settings = {
  maxQueueSize: 4,
  maxExportBatchSize: 2,
  scheduledDelayMillis: 10,
  exportTimeoutMillis: 1000,
};

/** Waits until `batches` batches have reached the exporter. */
async function inExport(exporter: GatedExporter, batches: number): Promise<void> {
  await vi.waitFor(() => expect(exporter.batches.length).toBe(batches));
}

function tracerWith(processor: FailureFirstSpanProcessor) {
  return new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('test');
}

function endSpan(tracer: ReturnType<typeof tracerWith>, name: string, failing = false): void {
  const span = tracer.startSpan(name);
  if (failing) span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  span.end();
}

describe('FailureFirstSpanProcessor', () => {
  it('exports finished spans after the scheduled delay', async () => {
    const exporter = new InMemorySpanExporter();
    const processor = new FailureFirstSpanProcessor(exporter, settings, () => {});
    endSpan(tracerWith(processor), 'GET /ok');
    expect(exporter.getFinishedSpans()).toEqual([]);
    await vi.waitFor(() => expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['GET /ok']));
  });

  it('under overload drops successful spans, keeps failing ones, and counts the drops', async () => {
    const exporter = new GatedExporter();
    const processor = new FailureFirstSpanProcessor(exporter, settings, () => {});
    const tracer = tracerWith(processor);
    for (const name of ['ok-1', 'ok-2']) endSpan(tracer, name);
    await inExport(exporter, 1); // the first batch is now stuck in export
    for (const name of ['ok-3', 'ok-4', 'ok-5', 'ok-6']) endSpan(tracer, name);
    endSpan(tracer, 'failed-1', true);
    endSpan(tracer, 'failed-2', true);
    expect(processor.droppedSpanCount).toBe(2);
    exporter.release();
    await processor.forceFlush();
    const exported = exporter.batches.flat().map((span) => span.name);
    expect(exported).toEqual(expect.arrayContaining(['failed-1', 'failed-2', 'ok-5', 'ok-6']));
    expect(exported).not.toContain('ok-3');
  });

  it('hands over queued and in-flight spans for a last delivery before exit', async () => {
    const exporter = new GatedExporter();
    const processor = new FailureFirstSpanProcessor(exporter, settings, () => {});
    const tracer = tracerWith(processor);
    endSpan(tracer, 'in-flight-1');
    endSpan(tracer, 'in-flight-2');
    await inExport(exporter, 1);
    endSpan(tracer, 'queued');
    expect(processor.takeUndelivered().map((span) => span.name)).toEqual([
      'in-flight-1',
      'in-flight-2',
      'queued',
    ]);
  });

  it('reports a failed export to its listener instead of throwing', async () => {
    const exporter = new GatedExporter();
    const failures: number[] = [];
    const processor = new FailureFirstSpanProcessor(exporter, settings, (count) => failures.push(count));
    endSpan(tracerWith(processor), 'lost');
    await inExport(exporter, 1);
    exporter.release(ExportResultCode.FAILED);
    await processor.forceFlush();
    expect(failures).toEqual([1]);
  });
});

describe('isFailingSpan', () => {
  it('counts ERROR status, HTTP 5xx answers and recorded exceptions as failing, 4xx not', () => {
    const base = {
      status: { code: SpanStatusCode.UNSET },
      attributes: {},
      events: [{ name: 'cache.miss' }],
    } as unknown as ReadableSpan;
    expect(isFailingSpan(base)).toBe(false);
    expect(isFailingSpan({ ...base, events: [{ name: 'exception' }] } as unknown as ReadableSpan)).toBe(true);
    expect(isFailingSpan({ ...base, status: { code: SpanStatusCode.ERROR } } as ReadableSpan)).toBe(true);
    expect(isFailingSpan({ ...base, attributes: { 'http.response.status_code': 503 } } as ReadableSpan)).toBe(
      true,
    );
    expect(isFailingSpan({ ...base, attributes: { 'http.status_code': 404 } } as ReadableSpan)).toBe(false);
  });
});

describe('batchSettingsFromEnv', () => {
  it('reads OTEL_BSP_* and falls back to defaults for nonsense, with a 500 ms delay by default', () => {
    expect(
      batchSettingsFromEnv({ OTEL_BSP_MAX_QUEUE_SIZE: '-5', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '100' }),
    ).toEqual({
      maxQueueSize: 2048,
      maxExportBatchSize: 100,
      scheduledDelayMillis: 500,
      exportTimeoutMillis: 30_000,
    });
  });
});
