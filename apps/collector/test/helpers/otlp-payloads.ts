import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import {
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** Real SDK spans of one failing request (server span with a failing db child). */
export function makeReadableSpans(service = 'orders'): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('payloads');
  const server = tracer.startSpan('GET /orders/:id', {
    kind: SpanKind.SERVER,
    attributes: { 'http.response.status_code': 500 },
  });
  const db = tracer.startSpan('pg.query', { kind: SpanKind.CLIENT }, trace.setSpan(ROOT_CONTEXT, server));
  db.recordException(new Error('relation "orders" does not exist'));
  db.setStatus({ code: SpanStatusCode.ERROR });
  db.end();
  server.end();
  return memory.getFinishedSpans();
}

/** An ExportTraceServiceRequest as the official protobuf serializer writes it. */
export function protobufBatch(spans: ReadableSpan[] = makeReadableSpans()): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
}

/** An ExportTraceServiceRequest as the official JSON serializer writes it, parsed. */
export function jsonBatch(spans: ReadableSpan[] = makeReadableSpans()): {
  resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
} {
  return JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(spans)!).toString());
}

/** An ExportLogsServiceRequest as the official protobuf serializer writes it: two records of one span. */
export function protobufLogsBatch(service = 'orders'): Buffer {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const [server] = makeReadableSpans(service);
  const context = trace.setSpanContext(ROOT_CONTEXT, server!.spanContext());
  const logger = provider.getLogger('pino');
  logger.emit({ body: 'loading order 42', severityNumber: SeverityNumber.INFO, context });
  logger.emit({
    body: { msg: 'query failed', code: '42P01' },
    severityNumber: SeverityNumber.ERROR,
    severityText: 'error',
    attributes: { 'db.statement': 'SELECT * FROM orders WHERE id = $1', attempt: 2 },
    context,
  });
  return Buffer.from(ProtobufLogsSerializer.serializeRequest(memory.getFinishedLogRecords())!);
}
