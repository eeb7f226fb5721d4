import { diagnoseTrace } from '@faultline/diagnosis';
import { toWireLogRecord, toWireSpan } from '@faultline/model';
import type { FastifyInstance } from 'fastify';
import { notFailing } from '../errors.js';
import { incidentReport } from '../report/incident-report.js';
import type { Store, TraceSummary } from '../store/store.js';
import { loadTrace } from './load-trace.js';
import { parseTraceQuery } from './query-params.js';

/** A trace summary as JSON: nanoseconds as strings, duration in ms. */
export function toWireSummary(summary: TraceSummary) {
  return {
    traceId: summary.traceId,
    rootService: summary.rootService,
    rootName: summary.rootName,
    startTimeUnixNano: summary.startTimeUnixNano.toString(),
    endTimeUnixNano: summary.endTimeUnixNano.toString(),
    durationMs: Number(summary.endTimeUnixNano - summary.startTimeUnixNano) / 1e6,
    spanCount: summary.spanCount,
    errorCount: summary.errorCount,
    httpMethod: summary.httpMethod,
    httpRoute: summary.httpRoute,
    httpStatusCode: summary.httpStatusCode,
    services: summary.services,
    cause: summary.cause,
    originService: summary.originService,
    group: summary.fingerprint,
  };
}

/** `GET /api/traces/:traceId` (contract shape) and `GET /api/traces` (search). */
export function registerTraceRoutes(app: FastifyInstance, store: Store): void {
  app.get<{ Params: { traceId: string } }>('/api/traces/:traceId', async (request) => {
    const { traceId, ...trace } = await loadTrace(store, request.params.traceId);
    return {
      traceId,
      spans: trace.spans.map(toWireSpan),
      logs: trace.logs.map(toWireLogRecord),
      diagnosis: diagnoseTrace(trace.spans, trace.logs),
    };
  });

  // A markdown postmortem draft (docs/api.md). 404 for unknown traces, 409 when the trace did not fail.
  app.get<{ Params: { traceId: string } }>('/api/traces/:traceId/report', async (request, reply) => {
    const { traceId, ...trace } = await loadTrace(store, request.params.traceId);
    const diagnosis = diagnoseTrace(trace.spans, trace.logs);
    if (!diagnosis)
      throw notFailing(`trace ${traceId} did not fail at its entry, so there is nothing to report`);
    const group = await store.groupOfTrace(traceId);
    return reply.type('text/markdown; charset=utf-8').send(incidentReport(trace.spans, diagnosis, group));
  });

  app.get('/api/traces', async (request) => {
    const query = parseTraceQuery(request.query as Record<string, string | string[] | undefined>);
    const page = await store.searchTraces(query);
    return { traces: page.traces.map(toWireSummary), nextCursor: page.nextCursor };
  });

  app.get('/api/services', async () => {
    const services = await store.listServices();
    return {
      services: services.map((s) => ({
        service: s.service,
        lastSeenUnixNano: s.lastSeenUnixNano.toString(),
        operations: s.operations.map((o) => ({
          name: o.name,
          kind: o.kind,
          lastSeenUnixNano: o.lastSeenUnixNano.toString(),
        })),
      })),
    };
  });
}
