import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * One failing request of `total` spans, sent through the official exporter in batches: a gateway
 * entry answering 500, a chain of `depth` failing internal spans down to a failing `pg.query`
 * (SQLSTATE 42P01) beside 200 successful queries, and the rest successful queries under the entry.
 */
export async function sendBigFailingTrace(
  otlpHttpPort: number,
  total: number,
  depth: number,
): Promise<{ traceId: string; originSpanId: string }> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'reports', 'service.version': '2.0.0' }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${otlpHttpPort}/v1/traces` }), {
        maxQueueSize: total + 10,
        maxExportBatchSize: 2000,
        scheduledDelayMillis: 50,
      }),
    ],
  });
  const tracer = provider.getTracer('big');
  const entry = tracer.startSpan('GET /api/report', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/api/report',
      'http.response.status_code': 500,
    },
  });
  const query = (parent: ReturnType<typeof tracer.startSpan>, i: number) =>
    tracer
      .startSpan(
        'SELECT shop.lines',
        {
          kind: SpanKind.CLIENT,
          attributes: { 'db.system.name': 'postgresql', 'db.query.text': `SELECT ${i}` },
        },
        trace.setSpan(ROOT_CONTEXT, parent),
      )
      .end();
  let parent = entry;
  const chain = [];
  for (let i = 0; i < depth; i++) {
    parent = tracer.startSpan(`step ${i}`, { kind: SpanKind.INTERNAL }, trace.setSpan(ROOT_CONTEXT, parent));
    chain.push(parent);
  }
  const SIBLINGS = 200;
  for (let i = 0; i < SIBLINGS; i++) query(parent, i);
  const origin = tracer.startSpan(
    'pg.query',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'postgresql',
        'db.query.text': 'SELECT * FROM report_lines',
        'db.response.status_code': '42P01',
      },
    },
    trace.setSpan(ROOT_CONTEXT, parent),
  );
  const error = Object.assign(new Error('relation "report_lines" does not exist'), { code: '42P01' });
  error.stack = `error: ${error.message}\n    at buildReport (/srv/reports/src/report.js:17:9)\n    at /srv/reports/node_modules/pg/lib/client.js:526:17`;
  origin.recordException(error);
  origin.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  origin.end();
  for (let i = 0; i < total - depth - SIBLINGS - 2; i++) query(entry, i);
  for (const span of chain.reverse()) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
  entry.setStatus({ code: SpanStatusCode.ERROR });
  entry.end();
  await provider.shutdown();
  return { traceId: entry.spanContext().traceId, originSpanId: origin.spanContext().spanId };
}
