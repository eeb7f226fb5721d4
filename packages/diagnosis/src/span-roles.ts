import type { Span } from '@faultline/model';
import {
  DB_SYSTEM,
  HTTP_REQUEST_METHOD,
  HTTP_ROUTE,
  readInteger,
  readString,
  SERVER_ADDRESS,
  SERVER_PORT,
  URL_FULL,
} from '@faultline/model';

/** True for a database client span: it names its database system (new or old semconv key). */
export function isDbSpan(span: Span): boolean {
  return readString(span.attributes, DB_SYSTEM) !== undefined;
}

/**
 * True for a connection-pool checkout span: `pg-pool.connect` from instrumentation-pg, or a span our
 * own or other instrumentations name for acquiring a pooled connection (`pool.acquire`, `getConnection`).
 */
export function isPoolCheckoutSpan(span: Span): boolean {
  if (span.name === 'pg-pool.connect') return true;
  return /pool/i.test(span.name) && /connect|acquire|checkout/i.test(span.name);
}

/** True for a database connection-opening span (`pg.connect`, `pg-pool.connect`, `mysql.connect`, ...). */
export function isDbConnectSpan(span: Span): boolean {
  return isDbSpan(span) && /connect/i.test(span.name);
}

/** True for an outgoing HTTP call (undici or http client span). */
export function isHttpClientSpan(span: Span): boolean {
  if (span.kind !== 'CLIENT') return false;
  return (
    readString(span.attributes, HTTP_REQUEST_METHOD) !== undefined ||
    readString(span.attributes, URL_FULL) !== undefined
  );
}

/** `host:port` the span connected to (HTTP client or database), or undefined. */
export function peerAddressOf(span: Span): string | undefined {
  const host = readString(span.attributes, SERVER_ADDRESS);
  if (host === undefined) return undefined;
  const port = readInteger(span.attributes, SERVER_PORT);
  return port === undefined ? host : `${host}:${port}`;
}

/**
 * The operation a person recognises: the span name, with the peer appended when an HTTP client span is
 * named by its method alone (undici and http name client spans just `GET`).
 */
export function operationOf(span: Span): string {
  // @fastify/otel names its per-request span just `request`; its method and route say which one.
  if (span.name === 'request' && span.attributes['fastify.root'] !== undefined) {
    const route = readString(span.attributes, HTTP_ROUTE);
    const method = readString(span.attributes, HTTP_REQUEST_METHOD);
    if (route) return method ? `${method} ${route}` : route;
  }
  if (isHttpClientSpan(span) && !span.name.includes(' ')) {
    const peer = peerAddressOf(span);
    if (peer) return `${span.name} ${peer}`;
  }
  return span.name;
}
