import { diagnoseTrace, withLoggedExceptions } from '@faultline/diagnosis';
import { toWireLogRecord, toWireSpan } from '@faultline/model';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../errors.js';
import type { Store } from '../store/store.js';
import { byTime, parseSpanId, parseTraceId, TRACE_ANSWER_LIMITS } from './load-trace.js';
import type { OutlineCache } from './outline-cache.js';

/**
 * The trace page's parts, for traces too big to send whole (docs/api.md): the outline the waterfall
 * draws (`/outline`), one span's details (`/spans/:spanId`) and all of the trace's logs (`/logs`).
 */
export function registerTraceOutlineRoutes(app: FastifyInstance, store: Store, outlines: OutlineCache): void {
  app.get<{ Params: { traceId: string } }>('/api/traces/:traceId/outline', async (request, reply) => {
    const traceId = parseTraceId(request.params.traceId);
    const stamp = await store.traceStamp(traceId);
    if (!stamp) {
      outlines.forget(traceId);
      throw notFound(`no trace ${traceId} is stored`);
    }
    reply.type('application/json; charset=utf-8');
    const kept = outlines.get(traceId, stamp);
    if (kept) return kept;
    const outline = await store.getTraceOutline(traceId, diagnoseTrace);
    if (!outline) throw notFound(`no trace ${traceId} is stored`);
    return outlines.serialize(traceId, outline, stamp);
  });

  app.get<{ Params: { traceId: string; spanId: string } }>(
    '/api/traces/:traceId/spans/:spanId',
    async (request) => {
      const traceId = parseTraceId(request.params.traceId);
      const spanId = parseSpanId(request.params.spanId);
      const found = await store.getSpan(traceId, spanId);
      if (!found) throw notFound(`no span ${spanId} of trace ${traceId} is stored`);
      // The span's logs are all the logs that can carry its exception.
      const [span] = withLoggedExceptions([found.span], found.logs);
      return {
        traceId,
        span: toWireSpan(span!),
        logs: found.logs.map(toWireLogRecord),
        ...(found.omitted ? { omitted: found.omitted } : {}),
        ...(found.logsCut
          ? {
              truncated: true,
              message: `span ${spanId} has more logs than one answer holds: these are its first ${found.logs.length}, in time order`,
            }
          : {}),
      };
    },
  );

  app.get<{ Params: { traceId: string } }>('/api/traces/:traceId/logs', async (request) => {
    const traceId = parseTraceId(request.params.traceId);
    const part = await store.readTraceLogs(traceId, TRACE_ANSWER_LIMITS);
    if (!part) throw notFound(`no trace ${traceId} is stored`);
    const whole = part.next === null && part.omitted.length === 0;
    const logs = (whole ? part.logs.sort(byTime) : part.logs).map(toWireLogRecord);
    if (whole) return { traceId, logs };
    const rest = part.next ? `; the rest: GET /api/traces/${traceId}?cursor=${part.next}` : '';
    return {
      traceId,
      logs,
      truncated: true,
      message:
        `trace ${traceId} has more logs than one answer holds, or fields too large to send (listed in ` +
        `omitted): these are the first ${logs.length}, in the order stored${rest}`,
      nextCursor: part.next,
      omitted: part.omitted,
    };
  });
}
