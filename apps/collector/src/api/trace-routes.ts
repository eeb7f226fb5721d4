import { type Diagnosis, diagnoseTrace, withLoggedExceptions } from '@faultline/diagnosis';
import {
  type Attributes,
  toWireLogRecord,
  toWireSpan,
  type WireServices,
  type WireSharedTrace,
  type WireTrace,
  type WireTracePage,
  type WireTraceSummary,
} from '@faultline/model';
import type { FastifyInstance } from 'fastify';
import { notFailing } from '../errors.js';
import { followBrokenCall } from '../finalize/stitch-lookup.js';
import { incidentReport } from '../report/incident-report.js';
import type { Store } from '../store/store.js';
import type { TraceReadLimits, TraceSummary } from '../store/types.js';
import { byTime, loadTrace, loadTracePart, sortByStart, TRACE_ANSWER_LIMITS } from './load-trace.js';
import { parseTraceQuery } from './query-params.js';

/** Distinct resources of a trace, each listed once; spans refer to them by index. */
class SharedResources {
  readonly list: Attributes[] = [];
  private readonly byObject = new Map<Attributes, number>();
  private readonly byJson = new Map<string, number>();

  ref(resource: Attributes): number {
    // The store hands out one object per stored resource, so identity finds nearly every repeat.
    let index = this.byObject.get(resource);
    if (index !== undefined) return index;
    const json = JSON.stringify(resource);
    index = this.byJson.get(json);
    if (index === undefined) {
      index = this.list.length;
      this.list.push(resource);
      this.byJson.set(json, index);
    }
    this.byObject.set(resource, index);
    return index;
  }
}

/** A trace summary as JSON: nanoseconds as strings, duration in ms. */
export function toWireSummary(summary: TraceSummary): WireTraceSummary {
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

/**
 * `GET /api/traces/:traceId` (contract shape) and `GET /api/traces` (search). A trace over `limits`
 * is answered in parts (docs/api.md): the first part, `truncated: true`, a message saying how to go
 * on, and `nextCursor` for `?cursor=`.
 */
export function registerTraceRoutes(
  app: FastifyInstance,
  store: Store,
  limits: TraceReadLimits = TRACE_ANSWER_LIMITS,
): void {
  app.get<{ Params: { traceId: string }; Querystring: { resources?: string; cursor?: string } }>(
    '/api/traces/:traceId',
    async (request): Promise<WireTrace<Diagnosis> | WireSharedTrace<Diagnosis>> => {
      const cursor = request.query.cursor || null;
      const part = await loadTracePart(store, request.params.traceId, cursor, limits);
      const { traceId } = part;
      const whole = cursor === null && part.next === null && part.omitted.length === 0;
      // An exception sent as a log record (semantic conventions 1.40) shows on its span, as an event
      // would (in a part, when the log came in the same part).
      const spans = withLoggedExceptions(whole ? sortByStart(part.spans) : part.spans, part.logs).map(
        toWireSpan,
      );
      const logs = (whole ? part.logs.sort(byTime) : part.logs).map(toWireLogRecord);
      // The verdict needs every span and log: a part carries none (the outline route has it).
      const judged = whole ? diagnoseTrace(part.spans, part.logs) : null;
      // A call a proxy broke is followed into the callee's trace, as the finalizer does.
      const diagnosis = judged ? await followBrokenCall(store, part.spans, judged) : null;
      if (diagnosis?.continuedIn) addStitchedLink(spans, diagnosis.continuedIn);
      const cut = whole
        ? {}
        : {
            truncated: true as const,
            message: partMessage(traceId, part.spans.length, part.logs.length, part.next, limits),
            nextCursor: part.next,
            omitted: part.omitted,
          };
      if (request.query.resources !== 'shared') return { traceId, spans, logs, diagnosis, ...cut };
      // Opt-in compact shape (docs/api.md): each distinct resource once, referenced by index. A
      // 10,000-span trace from a few services shrinks from 4.8 MB to about 1.8 MB.
      const resources = new SharedResources();
      return {
        traceId,
        resources: resources.list,
        spans: spans.map(({ resource, ...span }) => ({ ...span, resourceRef: resources.ref(resource) })),
        logs: logs.map(({ resource, ...log }) => ({ ...log, resourceRef: resources.ref(resource) })),
        diagnosis,
        ...cut,
      };
    },
  );

  // A markdown postmortem draft (docs/api.md). 404 for unknown traces, 409 when the trace did not fail.
  app.get<{ Params: { traceId: string } }>('/api/traces/:traceId/report', async (request, reply) => {
    const { traceId, ...trace } = await loadTrace(store, request.params.traceId);
    const diagnosis = diagnoseTrace(trace.spans, trace.logs);
    if (!diagnosis)
      throw notFailing(`trace ${traceId} did not fail at its entry, so there is nothing to report`);
    const group = await store.groupOfTrace(traceId);
    const spans = withLoggedExceptions(trace.spans, trace.logs);
    return reply.type('text/markdown; charset=utf-8').send(incidentReport(spans, diagnosis, group));
  });

  app.get('/api/traces', async (request): Promise<WireTracePage> => {
    const query = parseTraceQuery(request.query as Record<string, string | string[] | undefined>);
    const page = await store.searchTraces(query);
    return {
      traces: page.traces.map(toWireSummary),
      nextCursor: page.nextCursor,
      cutShort: page.cutShort === true,
    };
  });

  app.get('/api/services', async (): Promise<WireServices> => {
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

/**
 * The stitch kept as a span link on the call that left the trace (docs/api.md): OpenTelemetry's way
 * to point at a span of another trace, marked so a reader knows Faultline made it, not the sender.
 */
function addStitchedLink(
  spans: { spanId: string; links: { traceId: string; spanId: string; attributes: object }[] }[],
  stitch: { fromSpanId: string; traceId: string; spanId: string; matchedOn: string },
): void {
  const call = spans.find((s) => s.spanId === stitch.fromSpanId);
  if (!call || call.links.some((l) => l.traceId === stitch.traceId && l.spanId === stitch.spanId)) return;
  call.links = [
    ...call.links,
    {
      traceId: stitch.traceId,
      spanId: stitch.spanId,
      attributes: { 'faultline.link': 'stitched', 'faultline.stitch.matched_on': stitch.matchedOn },
    },
  ];
}

function partMessage(
  traceId: string,
  spans: number,
  logs: number,
  next: string | null,
  limits: TraceReadLimits,
): string {
  const held = `this part holds ${spans} spans and ${logs} logs (spans in span id order, then logs)`;
  const more = next
    ? `ask again with ?cursor=${next} for the next part`
    : 'it is the last part (fields too large to send are listed in omitted)';
  return (
    `trace ${traceId} is too large to send whole (over ${limits.maxItems} spans and logs or ` +
    `~${Math.round(limits.maxBytes / 1024 ** 2)} MB): ${held}; ${more}. Its diagnosis and whole shape: ` +
    `GET /api/traces/${traceId}/outline`
  );
}
