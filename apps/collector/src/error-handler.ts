import type { FastifyError, FastifyInstance } from 'fastify';
import { CollectorError } from './errors.js';
import { isProtobufRequest } from './otlp-http/otlp-http-routes.js';
import { encodeRpcStatus, rpcCodeForHttpStatus } from './otlp-http/rpc-status.js';

/**
 * The one place errors become responses. Coded collector errors carry their status; Fastify's own
 * errors (body too large, unsupported media type) carry theirs; anything else is a 500 and is logged.
 * A protobuf OTLP request gets a protobuf google.rpc.Status, everything else JSON.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | CollectorError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    const code = error.code ?? 'FL_ERR_INTERNAL';
    const message = status === 500 ? 'internal error; see the collector log' : error.message;
    if (status === 500) request.log.error({ err: error }, 'request failed');
    if (error instanceof CollectorError && error.retryAfterSeconds !== undefined) {
      reply.header('retry-after', String(error.retryAfterSeconds));
    }
    reply.status(status);
    if (request.url.startsWith('/v1/') && isProtobufRequest(request)) {
      return reply
        .type('application/x-protobuf')
        .send(encodeRpcStatus(rpcCodeForHttpStatus(status), message));
    }
    return reply.type('application/json').send({ code, message, statusCode: status });
  });
}
