import { type Span as ApiSpan, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector;
beforeAll(async () => {
  running = await startCollector();
});
afterAll(async () => {
  await running.stop();
});

const hrToNs = (hr: [number, number]): string => (BigInt(hr[0]) * 1_000_000_000n + BigInt(hr[1])).toString();

/** Emits gateway server -> client -> db spans, the db one failing with an exception. */
function emitTrace(exporter: SpanExporter, service: string) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.version': '2.3.4' }),
    spanProcessors: [new SimpleSpanProcessor(exporter), new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('faultline-test', '1.0.0');
  const server = tracer.startSpan('GET /orders/:id', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/orders/:id',
      'http.response.status_code': 500,
    },
  });
  const client: ApiSpan = tracer.startSpan(
    'GET',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'server.address': 'inventory', 'server.port': 8080, retries: [1, 2] },
    },
    trace.setSpan(ROOT_CONTEXT, server),
  );
  client.end();
  const db = tracer.startSpan(
    'pg.query:SELECT shop',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT 1', ratio: 0.5, ok: false },
    },
    trace.setSpan(ROOT_CONTEXT, server),
  );
  const error = new TypeError("Cannot read properties of undefined (reading 'id')");
  db.recordException(error);
  db.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  db.end();
  server.setStatus({ code: SpanStatusCode.ERROR });
  server.end();
  return { provider, memory, traceId: server.spanContext().traceId };
}

async function fetchTrace(traceId: string) {
  const response = await running.collector.api.inject({ method: 'GET', url: `/api/traces/${traceId}` });
  return { status: response.statusCode, body: response.json() };
}

const exporters = {
  'OTLP/HTTP protobuf': () =>
    new ProtoTraceExporter({ url: `http://127.0.0.1:${running.otlpHttpPort}/v1/traces` }),
  'OTLP/HTTP JSON': () =>
    new JsonTraceExporter({ url: `http://127.0.0.1:${running.otlpHttpPort}/v1/traces` }),
  'OTLP/gRPC': () => new GrpcTraceExporter({ url: `http://127.0.0.1:${running.otlpGrpcPort}` }),
};

describe.each(Object.entries(exporters))('spans sent by the official %s exporter', (_name, makeExporter) => {
  it('come back through the API with ids, times, attributes, events and status intact', async () => {
    const { provider, memory, traceId } = emitTrace(makeExporter(), `orders-${_name}`);
    await provider.forceFlush();
    await provider.shutdown();
    const sent = memory.getFinishedSpans();
    const { status, body } = await fetchTrace(traceId);
    expect(status).toBe(200);
    expect(body.traceId).toBe(traceId);
    expect(body.spans).toHaveLength(3);
    for (const original of sent as ReadableSpan[]) {
      const stored = body.spans.find((s: { spanId: string }) => s.spanId === original.spanContext().spanId);
      expect(stored).toMatchObject({
        traceId,
        parentSpanId: original.parentSpanContext?.spanId ?? null,
        service: `orders-${_name}`,
        name: original.name,
        kind: ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'][original.kind],
        startTimeUnixNano: hrToNs(original.startTime),
        endTimeUnixNano: hrToNs(original.endTime),
        status: original.status.message
          ? { code: ['UNSET', 'OK', 'ERROR'][original.status.code], message: original.status.message }
          : { code: ['UNSET', 'OK', 'ERROR'][original.status.code] },
        attributes: original.attributes,
        resource: expect.objectContaining({ 'service.name': `orders-${_name}`, 'service.version': '2.3.4' }),
      });
      expect(stored.events).toEqual(
        original.events.map((e) => ({
          name: e.name,
          timeUnixNano: hrToNs(e.time),
          attributes: e.attributes ?? {},
        })),
      );
    }
    const db = body.spans.find((s: { name: string }) => s.name === 'pg.query:SELECT shop');
    expect(db.events[0].attributes['exception.type']).toBe('TypeError');
    expect(db.events[0].attributes['exception.stacktrace']).toContain('official-exporters.test.ts');
  });
});

const logExporters = {
  'OTLP/HTTP protobuf': () =>
    new ProtoLogExporter({ url: `http://127.0.0.1:${running.otlpHttpPort}/v1/logs` }),
  'OTLP/HTTP JSON': () => new JsonLogExporter({ url: `http://127.0.0.1:${running.otlpHttpPort}/v1/logs` }),
  'OTLP/gRPC': () => new GrpcLogExporter({ url: `http://127.0.0.1:${running.otlpGrpcPort}` }),
};

describe.each(Object.entries(logExporters))('logs sent by the official %s exporter', (name, makeExporter) => {
  it('come back with the trace they belong to, with body, severity and attributes', async () => {
    // Store the trace first, then correlate a log record to one of its spans.
    const { provider, traceId: storedTraceId } = emitTrace(makeProtoTraceExporter(), 'orders');
    await provider.shutdown();
    const loggerProvider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'orders' }),
      processors: [new SimpleLogRecordProcessor({ exporter: makeExporter() })],
    });
    const spanContext = { traceId: storedTraceId, spanId: 'aaaaaaaaaaaaaaaa', traceFlags: 1 };
    loggerProvider.getLogger('pino').emit({
      body: `query failed via ${name}`,
      severityNumber: SeverityNumber.ERROR,
      severityText: 'error',
      attributes: { 'db.statement': 'SELECT 1', attempt: 3 },
      context: trace.setSpanContext(ROOT_CONTEXT, spanContext),
    });
    await loggerProvider.forceFlush();
    await loggerProvider.shutdown();
    const { body } = await fetchTrace(storedTraceId);
    expect(body.logs).toContainEqual(
      expect.objectContaining({
        traceId: storedTraceId,
        spanId: 'aaaaaaaaaaaaaaaa',
        service: 'orders',
        body: `query failed via ${name}`,
        severityNumber: SeverityNumber.ERROR,
        severityText: 'error',
        attributes: { 'db.statement': 'SELECT 1', attempt: 3 },
      }),
    );
  });
});

function makeProtoTraceExporter() {
  return new ProtoTraceExporter({ url: `http://127.0.0.1:${running.otlpHttpPort}/v1/traces` });
}
