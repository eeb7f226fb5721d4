import type { TraceSummary } from '../api/search-api.js';

/**
 * Merges a freshly polled first page into the traces already shown: new traces appear, changed
 * summaries (more spans arrived) are replaced, and older rows fetched with "load more" stay.
 * Newest first, as the API orders them.
 */
export function mergeNewest(shown: TraceSummary[], fresh: TraceSummary[]): TraceSummary[] {
  const byId = new Map<string, TraceSummary>();
  for (const trace of shown) byId.set(trace.traceId, trace);
  for (const trace of fresh) byId.set(trace.traceId, trace);
  return [...byId.values()].sort((a, b) =>
    a.startTimeUnixNano === b.startTimeUnixNano
      ? a.traceId.localeCompare(b.traceId)
      : a.startTimeUnixNano > b.startTimeUnixNano
        ? -1
        : 1,
  );
}
