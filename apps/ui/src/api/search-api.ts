import { getJson, type QueryParams } from './http-client.js';
import type { WireServices, WireTracePage, WireTraceSummary } from './wire-types.js';

/** A trace in a search result, nanoseconds as bigint. */
export interface TraceSummary extends Omit<WireTraceSummary, 'startTimeUnixNano' | 'endTimeUnixNano'> {
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
}

/** One page of search results and the cursor of the next one (null on the last page). */
export interface TracePage {
  traces: TraceSummary[];
  nextCursor: string | null;
  /** The collector stopped at its search budget before filling the page: the cursor searches further. */
  cutShort: boolean;
}

/** A service the collector has seen, with its operation names. */
export interface ServiceInfo {
  service: string;
  operations: string[];
}

/** `GET /api/traces` with the given filters (docs/api.md lists them). */
export async function searchTraces(params: QueryParams, signal?: AbortSignal): Promise<TracePage> {
  const page = await getJson<WireTracePage>('/api/traces', params, signal);
  return {
    traces: page.traces.map((t) => ({
      ...t,
      startTimeUnixNano: BigInt(t.startTimeUnixNano),
      endTimeUnixNano: BigInt(t.endTimeUnixNano),
    })),
    nextCursor: page.nextCursor,
    cutShort: page.cutShort === true,
  };
}

/** `GET /api/services`: service names and their operation names, sorted by name. */
export async function listServices(signal?: AbortSignal): Promise<ServiceInfo[]> {
  const answer = await getJson<WireServices>('/api/services', undefined, signal);
  return answer.services
    .map((s) => ({ service: s.service, operations: [...new Set(s.operations.map((o) => o.name))].sort() }))
    .sort((a, b) => a.service.localeCompare(b.service));
}
