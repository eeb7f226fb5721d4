import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { unauthorized } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answers without the bearer token (probes, the UI's files); every other route needs it. */
    public?: boolean;
  }
}

/** Route options marking a route open without the token; spread into `app.get(path, PUBLIC_ROUTE, …)`. */
export const PUBLIC_ROUTE = { config: { public: true } } as const;

/**
 * Default-deny, decided on what the router matched rather than on the URL text: the router decodes
 * `/%61pi/traces` to `/api/traces` and strips the origin of `GET http://x/api/traces`, so a prefix
 * test on `request.url` let both through. A route is open only if it was registered public. The
 * not-found handler is open too: it answers the UI's index.html (a browser opens a deep link without
 * the token) or a 404 naming the path, and neither reveals anything stored.
 */
function isPublic(request: FastifyRequest): boolean {
  return request.is404 || request.routeOptions.config.public === true;
}

/**
 * Compares a presented bearer token with the configured one in constant time. Hashing both first
 * makes the comparison length-independent too, so the token's length does not leak.
 */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Extracts the token from an `Authorization: Bearer <token>` header value. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : /^Bearer\s+(.+)$/i.exec(value.trim());
  return match ? match[1] : undefined;
}

/**
 * Requires the bearer token on every route not registered public, when a token is configured.
 * A CORS preflight carries no credentials; @fastify/cors answers it in an earlier hook.
 */
export function installBearerAuth(app: FastifyInstance, token: string | undefined): void {
  if (token === undefined) return;
  app.addHook('onRequest', async (request) => {
    if (isPublic(request)) return;
    if (!tokenMatches(bearerToken(request.headers.authorization), token)) {
      throw unauthorized('missing or wrong bearer token (set "Authorization: Bearer <FAULTLINE_TOKEN>")');
    }
  });
}
