import type { Diagnosis } from '@faultline/diagnosis';
import {
  fromWireLogRecord,
  fromWireSpan,
  type LogRecord,
  type Span,
  type WireSharedTrace,
  type WireTrace as WireTraceOf,
} from '@faultline/model';
import { getJson } from './http-client.js';

/** `GET /api/traces/:traceId` as JSON (contract shape; @faultline/model declares it for both sides). */
export type WireTrace = WireTraceOf<Diagnosis>;

/** One trace in domain types: spans and logs with bigint nanoseconds, the diagnosis as sent (JSON-safe). */
export interface Trace {
  traceId: string;
  spans: Span[];
  logs: LogRecord[];
  diagnosis: Diagnosis | null;
}

/** Orders log records by time; a record without a time (0) is placed by when the collector observed it. */
export function byLogTime(a: LogRecord, b: LogRecord): number {
  const ta = a.timeUnixNano || a.observedTimeUnixNano;
  const tb = b.timeUnixNano || b.observedTimeUnixNano;
  return ta === tb ? 0 : ta < tb ? -1 : 1;
}

/** Converts a trace from its JSON shape; the one place wire types become domain types. */
export function fromWireTrace(wire: WireTrace): Trace {
  return {
    traceId: wire.traceId,
    spans: wire.spans.map(fromWireSpan),
    logs: wire.logs.map(fromWireLogRecord).sort(byLogTime),
    diagnosis: wire.diagnosis,
  };
}

/** `GET /api/traces/:traceId?resources=shared`: each resource once, spans and logs refer to it by index. */
type SharedWireTrace = WireSharedTrace<Diagnosis>;

/** Back to the contract shape (spans of one resource share one object), at a fraction of the bytes. */
export function expandResources(shared: SharedWireTrace | WireTrace): WireTrace {
  // A collector from before `?resources=shared` ignores the parameter and answers the full shape.
  if (!('resources' in shared)) return shared;
  const resourceOf = (ref: number) => shared.resources[ref] ?? {};
  return {
    traceId: shared.traceId,
    spans: shared.spans.map(({ resourceRef, ...span }) => ({ ...span, resource: resourceOf(resourceRef) })),
    logs: shared.logs.map(({ resourceRef, ...log }) => ({ ...log, resource: resourceOf(resourceRef) })),
    diagnosis: shared.diagnosis,
  };
}

/** Loads one trace; rejects with ApiError 404 when the collector has no span of it. */
export async function getTrace(traceId: string, signal?: AbortSignal): Promise<Trace> {
  const shared = await getJson<SharedWireTrace>(
    `/api/traces/${encodeURIComponent(traceId)}?resources=shared`,
    undefined,
    signal,
  );
  return fromWireTrace(expandResources(shared));
}
