import { getText } from './http-client.js';

/** `GET /api/traces/:traceId/report`: the markdown incident report of a failing trace (409 if it did not fail). */
export function getIncidentReport(traceId: string, signal?: AbortSignal): Promise<string> {
  return getText(`/api/traces/${encodeURIComponent(traceId)}/report`, signal);
}
