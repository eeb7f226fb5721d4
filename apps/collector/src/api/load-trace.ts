import type { LogRecord, Span } from '@faultline/model';
import { badQuery, notFound } from '../errors.js';
import type { Store } from '../store/store.js';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/** A trace id from a URL: lowercased, and refused with a 400 unless it is 32 hex characters. */
export function parseTraceId(raw: string): string {
  const traceId = raw.toLowerCase();
  if (!TRACE_ID.test(traceId)) throw badQuery(`trace id must be 32 hex characters, got "${raw}"`);
  return traceId;
}

/** A span id from a URL: lowercased, and refused with a 400 unless it is 16 hex characters. */
export function parseSpanId(raw: string): string {
  const spanId = raw.toLowerCase();
  if (!SPAN_ID.test(spanId)) throw badQuery(`span id must be 16 hex characters, got "${raw}"`);
  return spanId;
}

/** The trace a route names, or a 400 for a malformed id and a 404 for an unknown one. */
export async function loadTrace(
  store: Store,
  rawTraceId: string,
): Promise<{ traceId: string; spans: Span[]; logs: LogRecord[] }> {
  const traceId = parseTraceId(rawTraceId);
  const trace = await store.getTrace(traceId);
  if (!trace) throw notFound(`no trace ${traceId} is stored`);
  return { traceId, ...trace };
}
