import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { unauthorized } from './errors.js';

/**
 * Only data routes are guarded: OTLP ingest (`/v1/`) and the query API (`/api/`). Health probes and
 * the UI's static files stay open, since they reveal nothing stored; the UI asks for the token.
 */
function isGuarded(url: string): boolean {
  return url.startsWith('/v1/') || url.startsWith('/api/') || url === '/api';
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

/** Requires the bearer token on ingest and API routes when a token is configured. */
export function installBearerAuth(app: FastifyInstance, token: string | undefined): void {
  if (token === undefined) return;
  app.addHook('onRequest', async (request) => {
    if (request.method === 'OPTIONS' || !isGuarded(request.url)) return;
    if (!tokenMatches(bearerToken(request.headers.authorization), token)) {
      throw unauthorized('missing or wrong bearer token (set "Authorization: Bearer <FAULTLINE_TOKEN>")');
    }
  });
}
