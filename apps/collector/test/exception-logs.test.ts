import { type Span as ApiSpan, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson } from './helpers/query-api.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector;
beforeAll(async () => {
  running = await startCollector({}, { diagnosisQuietMs: 100 });
});
afterAll(async () => {
  await running.stop();
});

/** One error object for both forms, so the stack (and with it the failure's group) is the same. */
const ERROR = (() => {
  const error = new TypeError("Cannot read properties of undefined (reading 'total')");
  error.stack = `${error.name}: ${error.message}\n    at loadOrder (/srv/orders/src/orders.js:12:9)\n    at handle (/srv/orders/src/server.js:40:5)`;
  return error;
})();

const resource = resourceFromAttributes({ 'service.name': 'orders', 'service.version': '3.0.1' });

/**
 * A failing `GET /orders/:id` sent by the official SDK through the official OTLP/HTTP protobuf
 * exporters. `as: 'event'`: the exception is a span event (`recordException`, the default);
 * `as: 'log'`: it is a log record with the span's ids and `exception.*` attributes, as under
 * OTEL_SEMCONV_EXCEPTION_SIGNAL_OPT_IN=logs (semantic conventions, exceptions in logs).
 */
async function sendFailingRequest(as: 'event' | 'log'): Promise<{ traceId: string; spanId: string }> {
  const base = `http://127.0.0.1:${running.otlpHttpPort}`;
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` }))],
  });
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${base}/v1/logs` }) })],
  });
  const server: ApiSpan = tracerProvider.getTracer('http').startSpan('GET /orders/:id', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/orders/:id',
      'http.response.status_code': 500,
    },
  });
  if (as === 'event') {
    server.recordException(ERROR);
  } else {
    loggerProvider.getLogger('exceptions').emit({
      severityNumber: SeverityNumber.ERROR,
      severityText: 'ERROR',
      attributes: {
        'exception.type': ERROR.name,
        'exception.message': ERROR.message,
        'exception.stacktrace': ERROR.stack!,
      },
      context: trace.setSpan(ROOT_CONTEXT, server),
    });
  }
  server.setStatus({ code: SpanStatusCode.ERROR, message: ERROR.message });
  server.end();
  await Promise.all([tracerProvider.forceFlush(), loggerProvider.forceFlush()]);
  await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown()]);
  return server.spanContext();
}

const api = (url: string) => getJson(running, url);

/** The trace once its spans and (for the log form) its log have arrived. */
function storedTrace(traceId: string, logs: number) {
  return eventually(async () => {
    const response = await running.collector.api.inject({ method: 'GET', url: `/api/traces/${traceId}` });
    if (response.statusCode !== 200) return undefined;
    const body = response.json();
    return body.logs.length >= logs ? body : undefined;
  });
}

/** What a verdict says apart from the span ids it names, the logs it quotes and the request's duration. */
function verdictOf(
  diagnosis: { evidence: { logs?: unknown; durationMs?: unknown } } & Record<string, unknown>,
) {
  const { originSpanId: _origin, path: _path, evidence, ...rest } = diagnosis;
  const { logs: _logs, durationMs: _durationMs, ...facts } = evidence;
  return { ...rest, evidence: facts };
}

describe('an exception sent as a span event or as a log record (semconv 1.40), by the official SDK', () => {
  it('is shown on its span and diagnosed the same: same cause, summary and evidence, one failure group', async () => {
    const asEvent = await sendFailingRequest('event');
    const asLog = await sendFailingRequest('log');
    const fromEvent = await storedTrace(asEvent.traceId, 0);
    const fromLog = await storedTrace(asLog.traceId, 1);

    // The API answer shows the log's exception on its span, as the event form shows its own.
    const eventSpan = fromEvent.spans.find((s: { spanId: string }) => s.spanId === asEvent.spanId);
    const logSpan = fromLog.spans.find((s: { spanId: string }) => s.spanId === asLog.spanId);
    const exceptionAttributes = {
      'exception.type': 'TypeError',
      'exception.message': ERROR.message,
      'exception.stacktrace': ERROR.stack,
    };
    expect(
      eventSpan.events.map((e: { name: string; attributes: unknown }) => [e.name, e.attributes]),
    ).toEqual([['exception', exceptionAttributes]]);
    expect(logSpan.events.map((e: { name: string; attributes: unknown }) => [e.name, e.attributes])).toEqual([
      ['exception', exceptionAttributes],
    ]);
    expect(logSpan.events[0].timeUnixNano).toBe(fromLog.logs[0].timeUnixNano);
    // ... and still lists the log itself.
    expect(fromLog.logs.map((l: { spanId: string }) => l.spanId)).toEqual([asLog.spanId]);

    expect(fromEvent.diagnosis).toMatchObject({ originSpanId: asEvent.spanId, cause: 'exception' });
    expect(fromLog.diagnosis).toMatchObject({ originSpanId: asLog.spanId, cause: 'exception' });
    expect(verdictOf(fromLog.diagnosis)).toEqual(verdictOf(fromEvent.diagnosis));
    expect(fromLog.diagnosis.evidence).toMatchObject({
      exceptionType: 'TypeError',
      exceptionMessage: ERROR.message,
    });

    // The span's own details (the trace page's side panel) show it too.
    const detail = await api(`/api/traces/${asLog.traceId}/spans/${asLog.spanId}`);
    expect(detail.span.events.map((e: { name: string }) => e.name)).toEqual(['exception']);

    // The background diagnosis (failure groups, the trace page's outline) reads both forms the same.
    const group = await eventually(async () => {
      const { groups } = await api('/api/failures');
      return groups.find((g: { count: number }) => g.count === 2);
    });
    expect(group).toMatchObject({ originService: 'orders', cause: 'exception', exceptionType: 'TypeError' });
    const outline = await eventually(async () => {
      const body = await api(`/api/traces/${asLog.traceId}/outline`);
      return body.diagnosis ? body : undefined;
    });
    expect(verdictOf(outline.diagnosis)).toEqual(verdictOf(fromEvent.diagnosis));
  });
});
