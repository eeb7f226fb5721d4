import type { Context } from '@opentelemetry/api';
import { context, ROOT_CONTEXT, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { noteSpanEnd, noteSpanStart } from './deferred-span-children.js';
import { warnOnce } from './faultline-log.js';
import { FailureFirstBuffer } from './span-buffer.js';
import { SuccessSampler, type SuccessSamplerSettings } from './success-sampler.js';

/** Batching knobs, named as the OTEL_BSP_* variables that set them. */
export interface BatchSettings {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
}

/**
 * Reads OTEL_BSP_* (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/).
 * The default delay is 500 ms instead of the spec's 5 s so a failed request is visible within a second.
 */
export function batchSettingsFromEnv(env: NodeJS.ProcessEnv): BatchSettings {
  const read = (name: string, fallback: number): number => {
    const value = Number(env[name]);
    return env[name]?.trim() && Number.isInteger(value) && value > 0 ? value : fallback;
  };
  const maxQueueSize = read('OTEL_BSP_MAX_QUEUE_SIZE', 2048);
  return {
    maxQueueSize,
    maxExportBatchSize: Math.min(read('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512), maxQueueSize),
    scheduledDelayMillis: read('OTEL_BSP_SCHEDULE_DELAY', 500),
    exportTimeoutMillis: read('OTEL_BSP_EXPORT_TIMEOUT', 30_000),
  };
}

/**
 * True for a span that ended in error, answered an HTTP 5xx, or recorded an exception: whoever wrote
 * one on it (the app, a framework, an instrumentation) marked its request failed.
 */
export function isFailingSpan(span: ReadableSpan): boolean {
  if (span.status.code === SpanStatusCode.ERROR) return true;
  const status = span.attributes['http.response.status_code'] ?? span.attributes['http.status_code'];
  if (typeof status === 'number' ? status >= 500 : typeof status === 'string' && status >= '500') return true;
  const events = span.events;
  for (let i = 0; i < events.length; i += 1) if (events[i]!.name === 'exception') return true;
  return false;
}

/** Called when a batch could not be delivered (after the exporter's own retries). */
export type ExportFailureListener = (spanCount: number, error: Error | undefined) => void;

/**
 * Batches finished spans to an exporter like the SDK's BatchSpanProcessor, but keeps failing spans
 * when the queue is full (see span-buffer.ts) and can hand over everything not yet delivered for a
 * last synchronous export when the process is about to die.
 */
export class FailureFirstSpanProcessor implements SpanProcessor {
  private readonly buffer: FailureFirstBuffer<ReadableSpan>;
  private timer: NodeJS.Timeout | undefined;
  private timerDelayMillis = 0;
  private exporting: Promise<void> | undefined;
  private inFlight: ReadableSpan[] = [];
  private isShutdown = false;
  private readonly sampler: SuccessSampler | undefined;

  /**
   * @param successSampling when given, successful traces beyond a rate are sampled (success-sampler.ts);
   *   without it every span is exported.
   */
  constructor(
    private readonly exporter: SpanExporter,
    private readonly settings: BatchSettings,
    private readonly onExportFailure: ExportFailureListener,
    successSampling?: Omit<SuccessSamplerSettings, 'maxPendingSpans'>,
  ) {
    this.buffer = new FailureFirstBuffer<ReadableSpan>(
      { isFailure: isFailingSpan, traceIdOf: (span) => span.spanContext().traceId },
      settings.maxQueueSize,
    );
    this.sampler =
      successSampling &&
      new SuccessSampler(
        { ...successSampling, maxPendingSpans: settings.maxQueueSize },
        isFailingSpan,
        (span) => this.enqueue(span),
      );
  }

  /** Spans given up because the queue was full. */
  get droppedSpanCount(): number {
    return this.buffer.droppedCount;
  }

  /** Successful traces (and their spans) left out by success sampling; zero without it. */
  get sampledOut(): { traces: number; spans: number } {
    return { traces: this.sampler?.sampledOutTraces ?? 0, spans: this.sampler?.sampledOutSpans ?? 0 };
  }

  /** See SuccessSampler#keepsAtCurrentShare; true without success sampling. */
  keepsAtCurrentShare(traceId: string): boolean {
    return this.sampler?.keepsAtCurrentShare(traceId) ?? true;
  }

  /** See SuccessSampler#settleDeferredRoot; true without success sampling. */
  settleDeferredRoot(traceId: string, failing: boolean, heldSpans: number, childStarted: boolean): boolean {
    if (this.isShutdown) return false;
    return this.sampler?.settleDeferredRoot(traceId, failing, heldSpans, childStarted) ?? true;
  }

  /** See SuccessSampler#keepChosen. */
  keepChosen(traceId: string): void {
    this.sampler?.keepChosen(traceId);
  }

  /** See SuccessSampler#keepForCause. */
  keepForCause(traceId: string): void {
    this.sampler?.keepForCause(traceId);
  }

  /** Whether successful traces are sampled (so a server span can wait to become a span). */
  get samplesSuccesses(): boolean {
    return this.sampler !== undefined;
  }

  /**
   * A span started under a deferred request is counted by it until it ends (noteSpanStart), and
   * follows the request's decision if the request was dropped already.
   */
  onStart(span: Span, parentContext: Context): void {
    if (this.sampler === undefined) return;
    const droppedTrace = noteSpanStart(span, parentContext);
    if (droppedTrace !== undefined) this.sampler.rememberDropped(droppedTrace);
  }

  onEnd(span: ReadableSpan): void {
    const sampler = this.sampler;
    if (!this.isShutdown && (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0) {
      if (sampler) sampler.admit(span);
      else this.enqueue(span);
    }
    // After it is held: a request that waited for it settles now, and sees it if it failed.
    if (sampler) noteSpanEnd(span, isFailingSpan);
  }

  private enqueue(span: ReadableSpan): void {
    if (!this.buffer.push(span)) {
      warnOnce(
        'span-queue-full',
        `span queue full (${this.settings.maxQueueSize} spans): dropping successful spans to keep failing ones ` +
          '(see droppedSpanCount(); raise OTEL_BSP_MAX_QUEUE_SIZE to keep more)',
      );
    }
    if (this.buffer.size >= this.settings.maxExportBatchSize) this.schedule(0);
    else this.schedule(this.settings.scheduledDelayMillis);
  }

  async forceFlush(): Promise<void> {
    this.sampler?.releaseAll();
    while (this.exporting !== undefined || this.buffer.size > 0) {
      await (this.exporting ?? this.exportNextBatch());
    }
  }

  async shutdown(): Promise<void> {
    if (this.isShutdown) return;
    this.isShutdown = true;
    clearTimeout(this.timer);
    await this.forceFlush();
    await this.exporter.shutdown();
  }

  /**
   * Removes and returns every span not yet acknowledged by the receiver, including the batch being
   * sent right now (it may arrive twice; receivers keep one copy per span id).
   */
  takeUndelivered(): ReadableSpan[] {
    return this.inFlight.concat(this.buffer.takeAll(), this.sampler?.takePending() ?? []);
  }

  private schedule(delayMillis: number): void {
    if (this.exporting !== undefined) return;
    if (this.timer !== undefined) {
      // A full batch should not wait out the delay of a timer set for a partial one.
      if (delayMillis > 0 || this.timerDelayMillis === 0) return;
      clearTimeout(this.timer);
    }
    this.timerDelayMillis = delayMillis;
    // Created in the root context so the timer neither keeps the request's context alive nor runs in it.
    this.timer = context.with(ROOT_CONTEXT, () =>
      setTimeout(() => {
        this.timer = undefined;
        void this.exportNextBatch();
      }, delayMillis),
    );
    this.timer.unref();
  }

  private exportNextBatch(): Promise<void> {
    if (this.exporting !== undefined) return this.exporting;
    const batch = this.buffer.take(this.settings.maxExportBatchSize);
    if (batch.length === 0) return Promise.resolve();
    this.inFlight = batch;
    this.exporting = this.send(batch).then((result) => {
      this.inFlight = [];
      this.exporting = undefined;
      if (result.code !== ExportResultCode.SUCCESS) this.onExportFailure(batch.length, result.error);
      if (this.buffer.size > 0 && !this.isShutdown) {
        this.schedule(
          this.buffer.size >= this.settings.maxExportBatchSize ? 0 : this.settings.scheduledDelayMillis,
        );
      }
    });
    return this.exporting;
  }

  private async send(batch: ReadableSpan[]): Promise<ExportResult> {
    // Resources may still be resolving detector results; the exporter needs them settled.
    const pending = batch.filter((span) => span.resource.asyncAttributesPending);
    if (pending.length > 0) {
      await Promise.all(pending.map((span) => span.resource.waitForAsyncAttributes?.())).catch(
        () => undefined,
      );
    }
    return new Promise<ExportResult>((resolve) => {
      const timer = setTimeout(() => {
        resolve({ code: ExportResultCode.FAILED, error: new Error('export timed out') });
      }, this.settings.exportTimeoutMillis);
      timer.unref();
      context.with(suppressTracing(ROOT_CONTEXT), () => {
        try {
          this.exporter.export(batch, (result) => {
            clearTimeout(timer);
            resolve(result);
          });
        } catch (error) {
          clearTimeout(timer);
          resolve({
            code: ExportResultCode.FAILED,
            error: error instanceof Error ? error : new Error(String(error)),
          });
        }
      });
    });
  }
}
