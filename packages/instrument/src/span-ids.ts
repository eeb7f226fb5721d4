import type { IdGenerator } from '@opentelemetry/sdk-trace-base';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace-base';

/**
 * The SDK's random ids, except that the next span can be given ids chosen earlier: a server span that
 * starts as a bare span context (http-server-tracing.ts) becomes a real span with the ids its children
 * and callers already hold.
 */
export class PresetIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private nextTraceId: string | undefined;
  private nextSpanId: string | undefined;

  generateTraceId(): string {
    const preset = this.nextTraceId;
    if (preset === undefined) return this.random.generateTraceId();
    this.nextTraceId = undefined;
    return preset;
  }

  generateSpanId(): string {
    const preset = this.nextSpanId;
    if (preset === undefined) return this.random.generateSpanId();
    this.nextSpanId = undefined;
    return preset;
  }

  /** Fresh random ids, not handed to any span yet. */
  newTraceId(): string {
    return this.random.generateTraceId();
  }

  newSpanId(): string {
    return this.random.generateSpanId();
  }

  /**
   * The ids of the next span started (the trace id only matters for a span without a parent). Call
   * right before `startSpan`, which takes them.
   */
  preset(traceId: string, spanId: string): void {
    this.nextTraceId = traceId;
    this.nextSpanId = spanId;
  }

  /** Drops ids `startSpan` did not take (it takes no trace id for a span with a parent). */
  clear(): void {
    this.nextTraceId = undefined;
    this.nextSpanId = undefined;
  }
}
