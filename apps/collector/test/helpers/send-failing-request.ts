import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * gateway -> orders (-> sqlite), sent as two services through the official exporter. When `fail`, the
 * orders handler throws before querying and both answer 500; otherwise it queries and both answer 200.
 * `ordersService` names the called service (another name makes another failure group).
 */
export async function sendOrdersRequest(
  otlpHttpPort: number,
  version: string,
  fail: boolean,
  ordersService = 'orders',
) {
  const exporter = () => new OTLPTraceExporter({ url: `http://127.0.0.1:${otlpHttpPort}/v1/traces` });
  const provider = (service: string) =>
    new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'service.version': version }),
      spanProcessors: [new SimpleSpanProcessor(exporter())],
    });
  const gatewayProvider = provider('gateway');
  const ordersProvider = provider(ordersService);
  const gateway = gatewayProvider.getTracer('http');
  const orders = ordersProvider.getTracer('http');
  const status = fail ? 500 : 200;
  const entry = gateway.startSpan('GET /api/orders/:id', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/api/orders/:id',
      'http.response.status_code': status,
    },
  });
  const call = gateway.startSpan(
    'GET',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'GET',
        'server.address': '127.0.0.1',
        'server.port': 8321,
        'http.response.status_code': status,
      },
    },
    trace.setSpan(ROOT_CONTEXT, entry),
  );
  const handler = orders.startSpan(
    'GET /orders/:id',
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/orders/:id',
        'http.response.status_code': status,
      },
    },
    trace.setSpan(ROOT_CONTEXT, call),
  );
  if (fail) {
    const error = new TypeError("Cannot read properties of undefined (reading 'total')");
    error.stack = `TypeError: ${error.message}\n    at priceOrder (/srv/orders/src/pricing.js:42:17)\n    at /srv/orders/node_modules/express/lib/router/layer.js:95:5`;
    handler.recordException(error);
    handler.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else {
    orders
      .startSpan(
        'SELECT shop.orders',
        {
          kind: SpanKind.CLIENT,
          attributes: { 'db.system.name': 'sqlite', 'db.query.text': 'SELECT * FROM orders WHERE id = ?' },
        },
        trace.setSpan(ROOT_CONTEXT, handler),
      )
      .end();
  }
  handler.end();
  call.end();
  if (fail) entry.setStatus({ code: SpanStatusCode.ERROR });
  entry.end();
  await gatewayProvider.shutdown();
  await ordersProvider.shutdown();
  return { traceId: entry.spanContext().traceId, originSpanId: handler.spanContext().spanId };
}

/** The failing variant of `sendOrdersRequest`. */
export const sendFailingOrdersRequest = (otlpHttpPort: number, version: string) =>
  sendOrdersRequest(otlpHttpPort, version, true);
