import { type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { serviceSdk } from './service-sdk.js';

/**
 * Sends, through the official OTLP/HTTP protobuf exporters, what the same instrumentations record when
 * GET /api/orders/:id succeeds: the same entry as sendPoolExhaustedFailure, but the pg pool hands out a
 * connection at once and the order is read with a query. `version` is the orders service's version
 * (1.4.1 by default, so a failure group's "what differs" has a version to point at). Returns the trace id.
 */
export async function sendSuccessfulOrder(
  otlpHttpPort: number,
  options: { startMs?: number; version?: string } = {},
): Promise<{ traceId: string }> {
  const gateway = serviceSdk('gateway', otlpHttpPort);
  const orders = serviceSdk('orders', otlpHttpPort, options.version ?? '1.4.1');
  const t0 = options.startMs ?? Date.now() - 5000;
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
    },
  });
  const middleware = gateway.tracer.startSpan(
    'middleware - jsonParser',
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
        'server.address': 'orders.internal',
        'server.port': 3001,
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
      startTime: at(6),
      attributes: {
        'http.route': '/orders/:id',
        'express.name': '/orders/:id',
        'express.type': 'request_handler',
      },
    },
    under(server),
  );
  const db = {
    'db.system': 'postgresql',
    'db.name': 'orders',
    'db.user': 'orders_app',
    'net.peer.name': 'db.internal',
    'net.peer.port': 5432,
  };
  const pool = orders.tracer.startSpan(
    'pg-pool.connect',
    { kind: SpanKind.CLIENT, startTime: at(7), attributes: { ...db, 'db.postgresql.max.client': 2 } },
    under(handler),
  );
  pool.end(at(7.4));
  const query = orders.tracer.startSpan(
    'pg.query:SELECT shop.orders',
    {
      kind: SpanKind.CLIENT,
      startTime: at(8),
      attributes: {
        ...db,
        'db.statement': 'SELECT * FROM shop.orders WHERE id = $1',
        'db.operation': 'SELECT',
      },
    },
    under(handler),
  );
  query.end(at(11));
  handler.end(at(12));
  server.setAttribute('http.response.status_code', 200);
  server.end(at(13));
  call.setAttribute('http.response.status_code', 200);
  call.setStatus({ code: SpanStatusCode.UNSET });
  call.end(at(14));
  entry.setAttribute('http.response.status_code', 200);
  entry.end(at(15));
  await Promise.all([gateway.flush(), orders.flush()]);
  return { traceId: entry.spanContext().traceId };
}
