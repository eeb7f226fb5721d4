import type { OverRepresentedValue, TraceDiff } from '@faultline/diagnosis';
import type { WireGroupComparison, WireTraceComparison } from '@faultline/model';
import { getJson } from './http-client.js';

/** `GET /api/traces/:traceId/compare`: the trace against the nearest successful one of the same entry. */
export type TraceComparison = WireTraceComparison<TraceDiff>;

/** `GET /api/failures/:fingerprint/compare`: attribute values over-represented among a group's failures. */
export type GroupComparison = WireGroupComparison<OverRepresentedValue>;

/** Compares a failing trace with the nearest successful trace (in time) of the same entry operation. */
export function compareTrace(traceId: string, signal?: AbortSignal): Promise<TraceComparison> {
  return getJson<TraceComparison>(`/api/traces/${encodeURIComponent(traceId)}/compare`, undefined, signal);
}

/** What the failing requests of one failure group have in common that successful ones lack. */
export function compareFailureGroup(fingerprint: string, signal?: AbortSignal): Promise<GroupComparison> {
  return getJson<GroupComparison>(
    `/api/failures/${encodeURIComponent(fingerprint)}/compare`,
    undefined,
    signal,
  );
}
