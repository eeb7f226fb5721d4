import type { Exception } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** SQLSTATE as @opentelemetry/instrumentation-pg writes it into its (sanitised) exception message. */
const PG_SQLSTATE_IN_MESSAGE = /\(code: ([0-9A-Z]{5})\)/;
const KOA_SCOPE = '@opentelemetry/instrumentation-koa';

/**
 * Fills gaps the upstream instrumentations leave on failing spans, while the span is still writable:
 * - pg query spans get `db.response.status_code` and `error.type` = SQLSTATE (57014 = statement
 *   timeout); the pg instrumentation only puts the code into its sanitised exception message.
 * - Koa middleware spans record an exception but never set a status: here an exception that is not
 *   an HTTP 4xx (`err.status < 500`, e.g. `ctx.throw(404)`) sets status ERROR with its message.
 */
export class SpanEnrichmentProcessor implements SpanProcessor {
  onStart(span: Span): void {
    if (span.instrumentationScope.name === KOA_SCOPE) setErrorStatusOnServerFaults(span);
  }

  onEnding(span: Span): void {
    if (span.status.code !== SpanStatusCode.ERROR) return;
    const system = span.attributes['db.system.name'] ?? span.attributes['db.system'];
    if (system === 'postgresql' && span.attributes['db.response.status_code'] === undefined) {
      const code = sqlStateOf(span);
      if (code !== undefined) span.setAttributes({ 'db.response.status_code': code, 'error.type': code });
    }
  }

  onEnd(_span: ReadableSpan): void {}

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}

/** The SQLSTATE found in a pg span's exception events, if any. */
export function sqlStateOf(span: Pick<ReadableSpan, 'events'>): string | undefined {
  for (const event of span.events) {
    if (event.name !== 'exception') continue;
    const message = event.attributes?.['exception.message'];
    const match = typeof message === 'string' ? PG_SQLSTATE_IN_MESSAGE.exec(message) : null;
    if (match) return match[1];
  }
  return undefined;
}

function setErrorStatusOnServerFaults(span: Span): void {
  const recordException = span.recordException;
  span.recordException = function recordExceptionWithStatus(exception: Exception, time?) {
    recordException.call(this, exception, time);
    const status = (exception as { status?: unknown; statusCode?: unknown } | null)?.status;
    if (typeof status === 'number' && status < 500) return;
    const message = typeof exception === 'string' ? exception : exception?.message;
    this.setStatus({ code: SpanStatusCode.ERROR, message });
  };
}
