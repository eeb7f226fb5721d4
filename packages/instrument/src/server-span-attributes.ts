import type { IncomingMessage } from 'node:http';
import type { Attributes } from '@opentelemetry/api';

/** Query parameters whose values are replaced, as OpenTelemetry's HTTP instrumentation does. */
const REDACTED_QUERY = /(^|&)(sig|Signature|AWSAccessKeyId|X-Goog-Signature)=[^&]*/g;
const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
]);

/** What the server span's attributes are read from: the request's head, not the request. */
export type RequestHead = Pick<IncomingMessage, 'headers' | 'method' | 'httpVersion'>;

/** The server span's attributes (stable HTTP semantic conventions). */
export function serverAttributes(
  request: RequestHead,
  scheme: 'http' | 'https',
  target: string,
  peerAddress: string | undefined,
  peerPort: number | undefined,
): Attributes {
  const headers = request.headers;
  const rawMethod = request.method ?? 'GET';
  const method = knownMethod(rawMethod);
  const attributes: Attributes = {
    'http.request.method': method,
    'url.scheme': scheme,
    'network.protocol.version': request.httpVersion,
  };
  if (method !== rawMethod) attributes['http.request.method_original'] = rawMethod;
  const queryAt = target.indexOf('?');
  if (queryAt < 0) {
    attributes['url.path'] = target;
  } else {
    attributes['url.path'] = target.slice(0, queryAt);
    const query = target.slice(queryAt + 1);
    if (query !== '') attributes['url.query'] = query.replace(REDACTED_QUERY, '$1$2=REDACTED');
  }
  const host = headers.host;
  if (host !== undefined) {
    const colon = host.lastIndexOf(':');
    // `[::1]:8080` and `example.com:8080` carry a port; `[::1]` and `example.com` do not.
    if (colon > host.lastIndexOf(']')) {
      attributes['server.address'] = host.slice(0, colon);
      const port = Number(host.slice(colon + 1));
      if (Number.isInteger(port)) attributes['server.port'] = port;
    } else {
      attributes['server.address'] = host;
    }
  }
  if (peerAddress !== undefined) attributes['network.peer.address'] = peerAddress;
  if (peerPort !== undefined) attributes['network.peer.port'] = peerPort;
  const forwardedFor = headers['x-forwarded-for'];
  const client = typeof forwardedFor === 'string' ? forwardedFor.split(',')[0]?.trim() : peerAddress;
  if (client) attributes['client.address'] = client;
  const userAgent = headers['user-agent'];
  if (userAgent !== undefined) attributes['user_agent.original'] = userAgent;
  return attributes;
}

/** `http.request.method` of a request method: a known method in upper case, else `_OTHER`. */
export function knownMethod(rawMethod: string): string {
  if (KNOWN_METHODS.has(rawMethod)) return rawMethod;
  const upper = rawMethod.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : '_OTHER';
}
