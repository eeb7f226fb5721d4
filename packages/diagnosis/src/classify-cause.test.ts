import type { Attributes, Span } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { errorWithStack } from '../test/fixtures/faults.js';
import type { ErrorSpec } from '../test/fixtures/trace-builder.js';
import { exceptionEvent, exceptionMessageEvent, TraceBuilder } from '../test/fixtures/trace-builder.js';
import { classifyCause } from './classify-cause.js';
import { failureSignalsOf } from './failure-signals.js';
import { buildTraceTree } from './trace-tree.js';
import type { Cause } from './types.js';

interface SpanCase {
  name: string;
  kind: Span['kind'];
  attributes?: Attributes;
  statusMessage?: string;
  error?: ErrorSpec;
  sanitisedPg?: string;
  withChild?: boolean;
}

const PG: Attributes = { 'db.system.name': 'postgresql', 'server.address': 'db', 'server.port': 5432 };
const HTTP_CLIENT: Attributes = {
  'http.request.method': 'GET',
  'url.full': 'http://orders:4001/x',
  'server.address': 'orders',
  'server.port': 4001,
};

function classify(c: SpanCase): Cause {
  const t = new TraceBuilder();
  const events = c.error
    ? [exceptionEvent(1, c.error)]
    : c.sanitisedPg
      ? [exceptionMessageEvent(1, c.sanitisedPg)]
      : [];
  const message = c.statusMessage ?? c.error?.message;
  const span = t.span({
    service: 'orders',
    name: c.name,
    kind: c.kind,
    startMs: 0,
    endMs: 2,
    attributes: c.attributes ?? {},
    status: { code: 'ERROR', ...(message ? { message } : {}) },
    events,
  });
  if (c.withChild)
    t.span({
      service: 'inventory',
      name: 'GET /x',
      kind: 'SERVER',
      parent: span,
      startMs: 0.5,
      endMs: 1.5,
      attributes: { 'http.response.status_code': 200 },
    });
  const origin = buildTraceTree(t.spans).nodesById.get(span.spanId)!;
  return classifyCause({ origin, signals: failureSignalsOf(span), abandoned: false }).cause;
}

const cases: [string, Cause, SpanCase][] = [
  [
    'pg-pool.connect timing out with no pool state',
    'db_pool_exhausted',
    {
      name: 'pg-pool.connect',
      kind: 'CLIENT',
      attributes: PG,
      statusMessage: 'timeout exceeded when trying to connect',
      sanitisedPg: "PostgreSQL error of type 'Error' occurred (code: UNKNOWN)",
    },
  ],
  [
    'a knex acquire timeout thrown in a handler',
    'db_pool_exhausted',
    {
      name: 'handler - list',
      kind: 'INTERNAL',
      error: {
        name: 'KnexTimeoutError',
        message: 'Knex: Timeout acquiring a connection. The pool is probably full.',
      },
    },
  ],
  [
    'pg-pool.connect failing to connect a new client in time, pool not full',
    'upstream_timeout',
    {
      name: 'pg-pool.connect',
      kind: 'CLIENT',
      attributes: {
        ...PG,
        'faultline.pool.total': 3,
        'faultline.pool.idle': 0,
        'faultline.pool.waiting': 0,
        'faultline.pool.max': 10,
      },
      statusMessage: 'Connection terminated due to connection timeout',
    },
  ],
  [
    'pg.connect refused',
    'upstream_unreachable',
    {
      name: 'pg.connect',
      kind: 'CLIENT',
      attributes: PG,
      statusMessage: 'connect ECONNREFUSED 10.0.0.9:5432',
      sanitisedPg: "PostgreSQL error of type 'Error' occurred (code: ECONNREFUSED)",
    },
  ],
  [
    'pg query_timeout on the client side',
    'db_timeout',
    { name: 'pg.query:SELECT shop', kind: 'CLIENT', attributes: PG, statusMessage: 'Query read timeout' },
  ],
  [
    'lock_timeout (55P03)',
    'db_timeout',
    {
      name: 'pg.query:UPDATE shop',
      kind: 'CLIENT',
      attributes: { ...PG, 'db.response.status_code': '55P03' },
      statusMessage: 'canceling statement due to lock timeout',
    },
  ],
  [
    'mysql2 lock wait, status message only',
    'db_timeout',
    {
      name: 'UPDATE',
      kind: 'CLIENT',
      attributes: { 'db.system.name': 'mysql' },
      statusMessage: 'Lock wait timeout exceeded; try restarting transaction',
    },
  ],
  [
    'bad password (28P01)',
    'db_error',
    {
      name: 'pg.connect',
      kind: 'CLIENT',
      attributes: PG,
      statusMessage: 'password authentication failed for user "shop"',
      sanitisedPg: "PostgreSQL error of type 'error' occurred (code: 28P01)",
    },
  ],
  [
    'a constraint error recorded by a handler whose driver is not instrumented',
    'db_error',
    {
      name: 'request handler - /orders',
      kind: 'INTERNAL',
      error: {
        name: 'error',
        code: '23505',
        message: 'duplicate key value violates unique constraint "orders_pkey"',
      },
    },
  ],
  [
    'DNS failure on an http client span',
    'upstream_unreachable',
    {
      name: 'GET',
      kind: 'CLIENT',
      attributes: HTTP_CLIENT,
      error: { name: 'Error', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND orders' },
    },
  ],
  [
    'TLS name mismatch',
    'upstream_unreachable',
    {
      name: 'GET',
      kind: 'CLIENT',
      attributes: HTTP_CLIENT,
      error: {
        name: 'Error',
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
        message: "Hostname/IP does not match certificate's altnames",
      },
    },
  ],
  [
    'undici socket closed before a response',
    'upstream_unreachable',
    {
      name: 'GET',
      kind: 'CLIENT',
      attributes: HTTP_CLIENT,
      error: { name: 'SocketError', code: 'UND_ERR_SOCKET', message: 'other side closed' },
    },
  ],
  [
    'fetch failed with no client span to say why',
    'upstream_unreachable',
    {
      name: 'handler - getOrder',
      kind: 'INTERNAL',
      error: errorWithStack(
        'TypeError',
        'fetch failed',
        undefined,
        'getOrder (/srv/gw/src/routes.js:9:3)',
        'node:internal/deps/undici/undici:13502:13',
      ),
    },
  ],
  [
    'undici headers timeout',
    'upstream_timeout',
    {
      name: 'GET',
      kind: 'CLIENT',
      attributes: HTTP_CLIENT,
      error: {
        name: 'HeadersTimeoutError',
        code: 'UND_ERR_HEADERS_TIMEOUT',
        message: 'Headers Timeout Error',
      },
    },
  ],
  [
    'an AbortSignal.timeout recorded without a stack (type "23")',
    'upstream_timeout',
    {
      name: 'GET',
      kind: 'CLIENT',
      attributes: HTTP_CLIENT,
      error: {
        name: 'TimeoutError',
        code: 23,
        message: 'The operation was aborted due to timeout',
        stack: '',
      },
    },
  ],
  [
    'http.request ETIMEDOUT',
    'upstream_timeout',
    {
      name: 'GET',
      kind: 'CLIENT',
      attributes: HTTP_CLIENT,
      error: { name: 'Error', code: 'ETIMEDOUT', message: 'connect ETIMEDOUT 10.0.0.7:443' },
    },
  ],
  [
    'a 502 (old semconv) from a peer that sent no spans',
    'uninstrumented_upstream',
    {
      name: 'HTTP GET',
      kind: 'CLIENT',
      attributes: { 'http.method': 'GET', 'http.url': 'http://legacy:8080/x', 'http.status_code': 502 },
    },
  ],
  [
    "a 502 while the peer's own span says 200 (a proxy answered)",
    'uninstrumented_upstream',
    {
      name: 'GET',
      kind: 'CLIENT',
      attributes: { ...HTTP_CLIENT, 'http.response.status_code': 502 },
      withChild: true,
    },
  ],
  [
    'an error status with a message and no event',
    'exception',
    { name: 'computeTotals', kind: 'INTERNAL', statusMessage: 'totals do not add up' },
  ],
  [
    'a SERVER span answering 500 with nothing else',
    'explicit_5xx',
    { name: 'GET /health', kind: 'SERVER', attributes: { 'http.response.status_code': 500 } },
  ],
  ['an ERROR span with nothing to go on', 'unknown', { name: 'work', kind: 'INTERNAL' }],
];

describe('classifyCause', () => {
  it.each(cases)('%s -> %s', (_case, cause, spanCase) => {
    expect(classify(spanCase)).toBe(cause);
  });
});
