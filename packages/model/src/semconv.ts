import type { Attributes, AttributeValue } from './span.js';

/*
 * Semantic-convention keys Faultline reads, new name first, then the names older instrumentations
 * still emit. Copied here rather than imported from the incubating entry point of
 * @opentelemetry/semantic-conventions, as opentelemetry-js itself advises for unstable keys.
 * Spec: https://opentelemetry.io/docs/specs/semconv/ (http, database, exceptions, resource).
 */

/** HTTP response status code: `http.response.status_code`, formerly `http.status_code`. */
export const HTTP_RESPONSE_STATUS_CODE = ['http.response.status_code', 'http.status_code'] as const;
/** HTTP request method: `http.request.method`, formerly `http.method`. */
export const HTTP_REQUEST_METHOD = ['http.request.method', 'http.method'] as const;
/** The matched route template, e.g. `/orders/:id`. */
export const HTTP_ROUTE = ['http.route'] as const;
/** Full URL of a client request: `url.full`, formerly `http.url`. */
export const URL_FULL = ['url.full', 'http.url'] as const;
/** Path of a server request: `url.path`, formerly `http.target` (which also carried the query). */
export const URL_PATH = ['url.path', 'http.target'] as const;
/** Host a client connects to: `server.address`, formerly `net.peer.name`. */
export const SERVER_ADDRESS = ['server.address', 'net.peer.name', 'net.host.name'] as const;
/** Port a client connects to: `server.port`, formerly `net.peer.port`. */
export const SERVER_PORT = ['server.port', 'net.peer.port', 'net.host.port'] as const;
/** Peer IP address: `network.peer.address`, formerly `net.peer.ip`. */
export const NETWORK_PEER_ADDRESS = ['network.peer.address', 'net.peer.ip'] as const;
/** Database system: `db.system.name`, formerly `db.system`. */
export const DB_SYSTEM = ['db.system.name', 'db.system'] as const;
/** Query text: `db.query.text`, formerly `db.statement`. */
export const DB_QUERY_TEXT = ['db.query.text', 'db.statement'] as const;
/** Operation: `db.operation.name`, formerly `db.operation`. */
export const DB_OPERATION = ['db.operation.name', 'db.operation'] as const;
/** Database name: `db.namespace`, formerly `db.name`. */
export const DB_NAMESPACE = ['db.namespace', 'db.name'] as const;
/** Database response code (SQLSTATE for PostgreSQL): `db.response.status_code`. */
export const DB_RESPONSE_STATUS_CODE = ['db.response.status_code'] as const;
/** Class of error a span ended with. */
export const ERROR_TYPE = ['error.type'] as const;
/** Exception event attribute keys. */
export const EXCEPTION_TYPE = 'exception.type';
export const EXCEPTION_MESSAGE = 'exception.message';
export const EXCEPTION_STACKTRACE = 'exception.stacktrace';
/** Name of the span event that records an exception. */
export const EXCEPTION_EVENT_NAME = 'exception';
/** Resource keys. */
export const SERVICE_NAME = 'service.name';
export const SERVICE_VERSION = 'service.version';
export const DEPLOYMENT_ENVIRONMENT = ['deployment.environment.name', 'deployment.environment'] as const;

/** Returns the value of the first key present in `attributes`, or undefined. */
export function readAttribute(attributes: Attributes, keys: readonly string[]): AttributeValue | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** Reads a string attribute under any of `keys`; numbers are stringified. */
export function readString(attributes: Attributes, keys: readonly string[]): string | undefined {
  const value = readAttribute(attributes, keys);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Reads an integer attribute under any of `keys`; numeric strings such as "500" count. */
export function readInteger(attributes: Attributes, keys: readonly string[]): number | undefined {
  const value = readAttribute(attributes, keys);
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number.parseInt(value, 10);
  return undefined;
}

/** The HTTP status code a span recorded, under the new or the old key. */
export function httpStatusCodeOf(attributes: Attributes): number | undefined {
  return readInteger(attributes, HTTP_RESPONSE_STATUS_CODE);
}
