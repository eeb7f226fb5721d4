import type { HrTime } from '@opentelemetry/api';
import { context, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** A time `ns` nanoseconds after a fixed second, as the SDK takes it (exact to the nanosecond). */
export function at(ns: number): HrTime {
  return [1_700_000_000 + Math.floor(ns / 1e9), ns % 1e9];
}

function tracerFor(exporter: InMemorySpanExporter, service: Record<string, string | number>) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(service),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return (name: string, version?: string) => provider.getTracer(name, version);
}

/**
 * A checkout request as the official SDK records it: a server span with every attribute type, an
 * exception event with a stack trace and a plain event; an HTTP client span with a link; a database
 * span in its own scope; an internal and a producer span; and, in a second service (another
 * resource), the server span of the call.
 */
export function makeSdkSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const checkout = tracerFor(exporter, {
    'service.name': 'checkout',
    'service.version': '2.0.1',
    'deployment.environment.name': 'test',
    'process.pid': 1234,
  });
  const http = checkout('@opentelemetry/instrumentation-http', '0.223.0');
  const db = checkout('checkout-db');

  const server = http.startSpan(
    'POST /checkout',
    {
      kind: SpanKind.SERVER,
      startTime: at(123_456_789),
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/checkout',
        'http.response.status_code': 500,
        'http.request.body.size': -1,
        'app.ratio': 0.25,
        'app.retried': false,
        'app.big': 2 ** 60,
        'app.tags': ['fast', 'eu-west'],
        'app.codes': [1, 2, 3],
        'app.weights': [0.5, 1.5],
        'app.flags': [true, false],
        'app.note': 'ünïcødé 🚀 日本語',
      },
    },
    context.active(),
  );
  const error = new Error('card declined');
  error.stack = 'Error: card declined\n    at charge (/srv/pay.js:10:7)\n    at checkout (/srv/app.js:42:3)';
  server.recordException(error, at(223_456_789));
  server.addEvent('cart.loaded', { 'cart.items': 3, 'cart.total': 99.5 }, at(150_000_001));
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'payment failed' });
  const inServer = trace.setSpan(context.active(), server);

  const linked = {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
  };
  const client = http.startSpan(
    'POST',
    {
      kind: SpanKind.CLIENT,
      startTime: at(300_000_000),
      attributes: { 'url.full': 'http://payments:8081/charge', 'server.port': 8081 },
      links: [{ context: linked, attributes: { 'link.reason': 'retry-of' } }],
    },
    inServer,
  );
  const query = db.startSpan(
    'INSERT orders',
    {
      kind: SpanKind.CLIENT,
      startTime: at(200_000_000),
      attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'INSERT INTO orders VALUES ($1)' },
    },
    inServer,
  );
  query.setStatus({ code: SpanStatusCode.ERROR });
  query.end(at(250_000_000));
  http.startSpan('compute-tax', { startTime: at(260_000_000) }, inServer).end(at(260_000_999));
  http
    .startSpan('publish order', { kind: SpanKind.PRODUCER, startTime: at(270_000_000) }, inServer)
    .end(at(270_500_000));

  const inventory = tracerFor(exporter, { 'service.name': 'payments' })('payments-http', '3.1.0');
  const remote = trace.setSpanContext(context.active(), { ...client.spanContext(), isRemote: true });
  const downstream = inventory.startSpan(
    'POST /charge',
    { kind: SpanKind.SERVER, startTime: at(310_000_000) },
    remote,
  );
  downstream.setStatus({ code: SpanStatusCode.OK });
  downstream.end(at(900_000_000));
  client.end(at(950_000_000));
  server.end(at(1_000_000_005));
  return exporter.getFinishedSpans();
}
