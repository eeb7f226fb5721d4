import { type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { serviceSdk } from './service-sdk.js';

/** A markup payload that would run script if any text reached the DOM as HTML. */
export const XSS = '<img src=x onerror=alert(1)>';

const POOL_STACK = [
  'Error: timeout exceeded when trying to connect',
  '    at Timeout._onTimeout (/srv/orders/node_modules/pg-pool/index.js:205:27)',
  '    at listOnTimeout (node:internal/timers:581:17)',
  '    at process.processTimers (node:internal/timers:519:7)',
  '    at async loadOrder (/srv/orders/src/orders-repo.js:14:18)',
  '    at async /srv/orders/src/routes.js:22:19',
].join('\n');

/**
 * Sends, through the official OTLP/HTTP protobuf exporters, what instrumentation-http, -undici,
 * -express and -pg record when the orders service's pg pool (max 2) times out a checkout:
 * gateway GET /api/orders/:id -> GET orders:3001 -> orders GET /orders/:id -> pg-pool.connect (error),
 * plus the error log the handler writes. With `xss`, a span name, an attribute and a log line carry
 * a markup payload; `service` renames the orders service. Returns the trace id and the origin span id.
 */
export async function sendPoolExhaustedFailure(
  otlpHttpPort: number,
  options: { xss?: boolean; startMs?: number; service?: string } = {},
): Promise<{ traceId: string; originSpanId: string }> {
  const gateway = serviceSdk('gateway', otlpHttpPort);
  const orders = serviceSdk(options.service ?? 'orders', otlpHttpPort);
  const t0 = options.startMs ?? Date.now() - 2000;
  const at = (ms: number) => t0 + ms;
  const under = (span: Span): Context => trace.setSpan(ROOT_CONTEXT, span);

  const entry = gateway.tracer.startSpan('GET /api/orders/:id', {
    kind: SpanKind.SERVER,
    startTime: at(0),
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/api/orders/:id',
      'url.path': '/api/orders/42',
      'url.scheme': 'http',
      'server.address': 'localhost',
      'server.port': 8080,
      'network.protocol.version': '1.1',
      'user_agent.original': 'curl/8.5.0',
    },
  });
  const middleware = gateway.tracer.startSpan(
    options.xss ? XSS : 'middleware - jsonParser',
    { kind: SpanKind.INTERNAL, startTime: at(1), attributes: { 'express.type': 'middleware' } },
    under(entry),
  );
  middleware.end(at(2));
  const call = gateway.tracer.startSpan(
    'GET',
    {
      kind: SpanKind.CLIENT,
      startTime: at(3),
      attributes: {
        'http.request.method': 'GET',
        'url.full': 'http://orders.internal:3001/orders/42',
        'url.path': '/orders/42',
        'url.scheme': 'http',
        'server.address': 'orders.internal',
        'server.port': 3001,
        'network.peer.address': '10.0.0.12',
        'network.peer.port': 3001,
      },
    },
    under(entry),
  );
  const server = orders.tracer.startSpan(
    'GET /orders/:id',
    {
      kind: SpanKind.SERVER,
      startTime: at(5),
      attributes: { 'http.request.method': 'GET', 'http.route': '/orders/:id', 'url.path': '/orders/42' },
    },
    under(call),
  );
  const handler = orders.tracer.startSpan(
    'request handler - /orders/:id',
    {
      kind: SpanKind.INTERNAL,
      startTime: at(7),
      attributes: {
        'http.route': '/orders/:id',
        'express.name': '/orders/:id',
        'express.type': 'request_handler',
        ...(options.xss ? { 'order.note': XSS } : {}),
      },
    },
    under(server),
  );
  const pool = orders.tracer.startSpan(
    'pg-pool.connect',
    {
      kind: SpanKind.CLIENT,
      startTime: at(9),
      attributes: {
        'db.system': 'postgresql',
        'db.name': 'orders',
        'db.user': 'orders_app',
        'db.connection_string': 'postgresql://db.internal:5432/orders',
        'net.peer.name': 'db.internal',
        'net.peer.port': 5432,
        'db.postgresql.max.client': 2,
        'db.postgresql.idle.timeout.millis': 10000,
      },
    },
    under(handler),
  );
  const error = new Error('timeout exceeded when trying to connect');
  error.stack = POOL_STACK;
  pool.recordException(error, at(1010));
  pool.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  pool.end(at(1010));
  orders.logger.emit({
    timestamp: at(1011),
    severityNumber: SeverityNumber.ERROR,
    severityText: 'error',
    body: options.xss ? XSS : 'failed to load order 42: timeout exceeded when trying to connect',
    attributes: { 'order.id': '42' },
    context: under(handler),
  });
  handler.end(at(1012));
  server.setAttribute('http.response.status_code', 500);
  server.setStatus({ code: SpanStatusCode.ERROR });
  server.end(at(1014));
  call.setAttribute('http.response.status_code', 500);
  call.setStatus({ code: SpanStatusCode.ERROR });
  call.end(at(1016));
  gateway.logger.emit({
    timestamp: at(1017),
    severityNumber: SeverityNumber.WARN,
    severityText: 'warn',
    body: 'upstream orders answered 500',
    context: under(entry),
  });
  entry.setAttribute('http.response.status_code', 500);
  entry.setStatus({ code: SpanStatusCode.ERROR });
  entry.end(at(1020));
  await Promise.all([gateway.flush(), orders.flush()]);
  return { traceId: entry.spanContext().traceId, originSpanId: pool.spanContext().spanId };
}
