import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { CollectorError } from './errors.js';
import { isProtobufRequest } from './otlp-http/otlp-http-routes.js';
import { encodeRpcStatus, rpcCodeForHttpStatus } from './otlp-http/rpc-status.js';
import { RateLimitedLog } from './rate-limited-log.js';

/**
 * Codes whose messages are written by the collector alone (no echo of the body or the query), so
 * they may be logged at `info`; other refusals log their code, and the message only at `debug`,
 * since a decode error or a refused batch may quote span data.
 */
const MESSAGE_IS_OURS = new Set([
  'FL_ERR_UNAUTHORIZED',
  'FL_ERR_HOST_NOT_ALLOWED',
  'FL_ERR_BODY_TOO_LARGE',
  'FL_ERR_UNSUPPORTED_MEDIA_TYPE',
  'FL_ERR_OVERLOADED',
  'FL_ERR_STORE_UNAVAILABLE',
  'FL_ERR_SHUTTING_DOWN',
]);

/** Not worth a line: a trace asked for by a stale link, a report of a trace that did not fail. */
const QUIET_STATUSES = new Set([404, 409]);

/**
 * The code a response carries: a collector error's own; for Fastify's (its body parser's FST_ERR_CTP_*,
 * a client's malformed request) the collector code of the same meaning, so clients see one set of
 * codes (docs/api.md); FL_ERR_INTERNAL for anything unexpected.
 */
function codeOf(error: FastifyError | CollectorError, status: number): string {
  if (error instanceof CollectorError) return error.code;
  if (status === 413) return 'FL_ERR_BODY_TOO_LARGE';
  if (status === 415) return 'FL_ERR_UNSUPPORTED_MEDIA_TYPE';
  if (status >= 400 && status < 500) return 'FL_ERR_BAD_REQUEST';
  return 'FL_ERR_INTERNAL';
}

/** The request as a log line names it: the route it matched (never the query string) and who sent it. */
function requestFields(request: FastifyRequest) {
  return {
    method: request.method,
    route: request.routeOptions.url ?? '(no route)',
    remoteAddress: request.ip,
  };
}

/**
 * The one place errors become responses. Coded collector errors carry their status; Fastify's own
 * errors (body too large, unsupported media type) carry theirs; anything else is a 500. A protobuf
 * OTLP request gets a protobuf google.rpc.Status, everything else JSON. Every 5xx and every refusal
 * is logged as one line (rate-limited per code; see rate-limited-log.ts).
 */
export function installErrorHandler(app: FastifyInstance): void {
  const log = new RateLimitedLog(app.log);
  app.setErrorHandler((error: FastifyError | CollectorError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    const code = codeOf(error, status);
    const message = status === 500 ? 'internal error; see the collector log' : error.message;
    if (status >= 500 && status !== 503) {
      log.error(code, { ...requestFields(request), statusCode: status, err: error }, 'request failed');
    } else if (!QUIET_STATUSES.has(status)) {
      const shown = MESSAGE_IS_OURS.has(code) ? error.message : 'refused (message at --log-level debug)';
      log.warn(code, { ...requestFields(request), statusCode: status, code }, shown);
      request.log.debug({ code, message: error.message }, 'refusal details');
    }
    if (error instanceof CollectorError && error.retryAfterSeconds !== undefined) {
      reply.header('retry-after', String(error.retryAfterSeconds));
    }
    reply.status(status);
    // The matched route, not the URL text: `/v%31/traces` is routed to `/v1/traces` too.
    if ((request.routeOptions.url ?? request.url).startsWith('/v1/') && isProtobufRequest(request)) {
      return reply
        .type('application/x-protobuf')
        .send(encodeRpcStatus(rpcCodeForHttpStatus(status), message));
    }
    return reply.type('application/json').send({ code, message, statusCode: status });
  });
}
