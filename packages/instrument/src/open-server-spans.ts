import type { Span } from '@opentelemetry/api';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * The HTTP server spans of requests still in flight. When the process crashes these spans would never
 * end, and the trace of the very request that crashed it would never arrive; the crash handler ends
 * them instead. Adding is done as a server span starts (http-server-tracing.ts), removing by `onEnd`, so the
 * cost is one Set operation each way.
 */
export class OpenServerSpans implements SpanProcessor {
  private readonly open = new Set<Span>();

  /** Remembers a server span at request start. */
  add(span: Span): void {
    if (span.isRecording()) this.open.add(span);
  }

  /** The server spans not yet ended. */
  list(): Span[] {
    return [...this.open];
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (span.kind === SpanKind.SERVER) this.open.delete(span as unknown as Span);
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.open.clear();
  }
}
