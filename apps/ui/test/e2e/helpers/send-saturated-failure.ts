import { type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { serviceSdk } from './service-sdk.js';

const MIB = 1024 * 1024;

/**
 * Sends, through the official OTLP/HTTP protobuf exporters, a gateway whose 300 ms call to pricing
 * timed out (504) while pricing's event loop was blocked for 1.4 s: pricing's server span starts
 * after the gateway gave up and carries the process figures @faultline/instrument writes (issue 24).
 */
export async function sendSaturatedCalleeFailure(
  otlpHttpPort: number,
): Promise<{ traceId: string; pricingSpanId: string }> {
  const gateway = serviceSdk('gateway', otlpHttpPort);
  const pricing = serviceSdk('pricing', otlpHttpPort);
  const t0 = Date.now() - 3000;
  const at = (ms: number) => t0 + ms;
  const under = (span: Span): Context => trace.setSpan(ROOT_CONTEXT, span);

  const entry = gateway.tracer.startSpan('GET /api/quote', {
    kind: SpanKind.SERVER,
    startTime: at(0),
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/api/quote',
      'faultline.process.window_ms': 5000,
      'faultline.process.eventloop.delay_max_ms': 18,
      'faultline.process.eventloop.delay_p99_ms': 11,
      'faultline.process.eventloop.utilization': 0.05,
      'faultline.process.cpu.utilization': 0.04,
      'faultline.process.heap.used_bytes': 30 * MIB,
      'faultline.process.heap.limit_bytes': 2048 * MIB,
    },
  });
  const call = gateway.tracer.startSpan(
    'GET',
    {
      kind: SpanKind.CLIENT,
      startTime: at(2),
      attributes: {
        'http.request.method': 'GET',
        'url.full': 'http://localhost:4002/price/42',
        'server.address': 'localhost',
        'server.port': 4002,
      },
    },
    under(entry),
  );
  const timeout = new Error('The operation was aborted due to timeout');
  timeout.name = 'TimeoutError';
  call.recordException(timeout, at(302));
  call.setStatus({ code: SpanStatusCode.ERROR, message: timeout.message });
  call.end(at(302));
  entry.recordException(timeout, at(305));
  entry.setAttribute('http.response.status_code', 504);
  entry.setStatus({ code: SpanStatusCode.ERROR });
  entry.end(at(308));

  const server = pricing.tracer.startSpan(
    'GET /price/:id',
    {
      kind: SpanKind.SERVER,
      startTime: at(1402),
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/price/:id',
        'http.response.status_code': 200,
        'faultline.process.window_ms': 5000,
        'faultline.process.eventloop.delay_max_ms': 1400,
        'faultline.process.eventloop.delay_p99_ms': 1400,
        'faultline.process.eventloop.utilization': 0.32,
        'faultline.process.cpu.utilization': 0.3,
        'faultline.process.heap.used_bytes': 50 * MIB,
        'faultline.process.heap.limit_bytes': 2048 * MIB,
      },
    },
    under(call),
  );
  server.end(at(1405));
  await gateway.flush();
  await pricing.flush();
  return { traceId: entry.spanContext().traceId, pricingSpanId: server.spanContext().spanId };
}
