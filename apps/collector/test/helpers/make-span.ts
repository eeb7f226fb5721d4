import { randomBytes } from 'node:crypto';
import type { Attributes, LogRecord, Span } from '@faultline/model';

/** A fresh random trace id. */
export const newTraceId = (): string => randomBytes(16).toString('hex');
/** A fresh random span id. */
export const newSpanId = (): string => randomBytes(8).toString('hex');

const resources = new Map<string, Attributes>();

/** One resource object per service, shared by reference as the decoder does. */
export function resourceFor(service: string, version = '1.0.0'): Attributes {
  const key = `${service}@${version}`;
  let resource = resources.get(key);
  if (!resource) {
    resource = { 'service.name': service, 'service.version': version, 'telemetry.sdk.language': 'nodejs' };
    resources.set(key, resource);
  }
  return resource;
}

/** A span with sensible defaults; override what the test is about. */
export function makeSpan(overrides: Partial<Span> & { traceId: string }): Span {
  const service = overrides.service ?? 'orders';
  const start = overrides.startTimeUnixNano ?? BigInt(Date.now()) * 1_000_000n;
  return {
    spanId: newSpanId(),
    parentSpanId: null,
    service,
    name: 'GET /orders/:id',
    kind: 'SERVER',
    startTimeUnixNano: start,
    endTimeUnixNano: start + 5_000_000n,
    status: { code: 'UNSET' },
    attributes: {},
    resource: resourceFor(service),
    events: [],
    links: [],
    ...overrides,
  };
}

/** A log record correlated to a span. */
export function makeLog(span: Span, body: string, severityNumber = 17): LogRecord {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    service: span.service,
    timeUnixNano: span.startTimeUnixNano + 1_000_000n,
    observedTimeUnixNano: span.startTimeUnixNano + 1_000_000n,
    severityNumber,
    severityText: severityNumber >= 17 ? 'ERROR' : 'INFO',
    body,
    attributes: { 'log.source': 'pino' },
    resource: span.resource,
  };
}

/** gateway -> orders -> pg, the shape of a failing request through the demo. */
export function makeFailingChain(traceId = newTraceId()): Span[] {
  const t0 = BigInt(Date.now()) * 1_000_000n;
  const gateway = makeSpan({
    traceId,
    service: 'gateway',
    name: 'GET /api/orders/:id',
    startTimeUnixNano: t0,
    endTimeUnixNano: t0 + 40_000_000n,
    status: { code: 'ERROR' },
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/api/orders/:id',
      'http.response.status_code': 500,
    },
  });
  const client = makeSpan({
    traceId,
    service: 'gateway',
    parentSpanId: gateway.spanId,
    name: 'GET',
    kind: 'CLIENT',
    startTimeUnixNano: t0 + 2_000_000n,
    endTimeUnixNano: t0 + 38_000_000n,
    attributes: {
      'http.request.method': 'GET',
      'http.response.status_code': 500,
      'server.address': 'localhost',
    },
  });
  const orders = makeSpan({
    traceId,
    service: 'orders',
    parentSpanId: client.spanId,
    name: 'GET /orders/:id',
    startTimeUnixNano: t0 + 3_000_000n,
    endTimeUnixNano: t0 + 37_000_000n,
    status: { code: 'ERROR' },
    attributes: { 'http.method': 'GET', 'http.route': '/orders/:id', 'http.status_code': 500 },
  });
  const query = makeSpan({
    traceId,
    service: 'orders',
    parentSpanId: orders.spanId,
    name: 'pg.query:SELECT shop',
    kind: 'CLIENT',
    startTimeUnixNano: t0 + 4_000_000n,
    endTimeUnixNano: t0 + 36_000_000n,
    status: { code: 'ERROR', message: 'canceling statement due to statement timeout' },
    attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT * FROM orders WHERE id = $1' },
    events: [
      {
        name: 'exception',
        timeUnixNano: t0 + 36_000_000n,
        attributes: {
          'exception.type': '57014',
          'exception.message': 'canceling statement due to statement timeout',
        },
      },
    ],
  });
  return [gateway, client, orders, query];
}
