import { context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { at } from './sdk-spans.js';

/**
 * Log records as the official SDK emits them: a string body inside a span (so it carries trace and
 * span ids), a structured body with nested maps, arrays and bytes, and a record of another scope
 * outside any span.
 */
export async function makeSdkLogs(): Promise<ReadableLogRecord[]> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'process.pid': 1234 }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('checkout-logger', '1.0.0');
  const inSpan = trace.setSpanContext(context.active(), {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: 1,
  });
  logger.emit({
    body: 'payment failed: card declined',
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    timestamp: at(123_456_789),
    observedTimestamp: at(123_999_999),
    attributes: { 'http.route': '/checkout', 'app.attempt': 2, 'app.ratio': 0.5 },
    context: inSpan,
  });
  logger.emit({
    body: {
      event: 'order.created',
      order: { id: 'o-17', total: 99.5, items: ['book', 'pen'], paid: true },
      raw: new Uint8Array([0, 1, 254, 255]),
    },
    severityNumber: SeverityNumber.INFO2,
    severityText: 'info',
    timestamp: at(500_000_000),
  });
  provider
    .getLogger('other-scope')
    .emit({ body: 'cache warmed', timestamp: at(600_000_000), observedTimestamp: at(700_000_000) });
  await provider.forceFlush();
  return exporter.getFinishedLogRecords();
}
