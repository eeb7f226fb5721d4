import type { Diagnosis } from '@faultline/diagnosis';
import {
  fromWireLogRecord,
  fromWireOutline,
  fromWireSpan,
  type LogRecord,
  type TraceOutline as ModelTraceOutline,
  type Span,
  type WireLogRecord,
  type WireSpan,
  type WireTraceOutline,
} from '@faultline/model';
import { getJson, getText } from './http-client.js';
import { byLogTime } from './trace-api.js';

/** A trace's outline in domain types: every span's place, time and outcome, the verdict and counts. */
export type TraceOutline = ModelTraceOutline<Diagnosis>;

/** One span's details: the whole span, and its logs in time order. */
export interface SpanDetail {
  span: Span;
  logs: LogRecord[];
}

const tracePath = (traceId: string) => `/api/traces/${encodeURIComponent(traceId)}`;

/** `GET /api/traces/:traceId/outline`; rejects with ApiError 404 when no span of the trace is stored. */
export async function getTraceOutline(traceId: string, signal?: AbortSignal): Promise<TraceOutline> {
  const wire = await getJson<WireTraceOutline<Diagnosis>>(`${tracePath(traceId)}/outline`, undefined, signal);
  // User-timing marks let scripts/tti-10k.mjs split load time into download+parse, conversion and render.
  performance.mark('faultline:trace-parsed');
  const outline = fromWireOutline(wire);
  performance.mark('faultline:trace-converted');
  return outline;
}

/** `GET /api/traces/:traceId/spans/:spanId`: one span and its logs. */
export async function getSpanDetail(
  traceId: string,
  spanId: string,
  signal?: AbortSignal,
): Promise<SpanDetail> {
  const wire = await getJson<{ span: WireSpan; logs: WireLogRecord[] }>(
    `${tracePath(traceId)}/spans/${encodeURIComponent(spanId)}`,
    undefined,
    signal,
  );
  return { span: fromWireSpan(wire.span), logs: wire.logs.map(fromWireLogRecord).sort(byLogTime) };
}

/** `GET /api/traces/:traceId/logs`: every log of the trace, in time order. */
export async function getTraceLogs(traceId: string, signal?: AbortSignal): Promise<LogRecord[]> {
  const wire = await getJson<{ logs: WireLogRecord[] }>(`${tracePath(traceId)}/logs`, undefined, signal);
  return wire.logs.map(fromWireLogRecord).sort(byLogTime);
}

/** `GET /api/traces/:traceId` as the collector sends it, unparsed: what "Download JSON" saves. */
export function getTraceJsonText(traceId: string): Promise<string> {
  return getText(tracePath(traceId), undefined, 'application/json');
}
