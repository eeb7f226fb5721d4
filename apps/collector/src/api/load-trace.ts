import type { LogRecord, Span } from '@faultline/model';
import { badQuery, notFound, traceTooLarge } from '../errors.js';
import type { Store } from '../store/store.js';
import type { TracePart, TraceReadLimits } from '../store/types.js';

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

/**
 * How much of a trace one answer may build. A 10,000-span trace (~4.3 MB of JSON, the UI's benchmark
 * trace) is answered whole; a 350,000-span one would be 225 MB of JSON, ~2 GiB of RSS and tens of
 * seconds of a blocked event loop to build whole, so past these a trace is answered in parts
 * (figures: bench/RESULTS.md).
 */
export const TRACE_ANSWER_LIMITS: TraceReadLimits = {
  maxItems: 20_000,
  maxBytes: 16 * 1024 * 1024,
  maxFieldBytes: 4 * 1024 * 1024,
};

/** A part of the trace a route names, or a 400 for a malformed id and a 404 for an unknown one. */
export async function loadTracePart(
  store: Store,
  rawTraceId: string,
  from: string | null,
  limits: TraceReadLimits,
): Promise<{ traceId: string } & TracePart> {
  const traceId = parseTraceId(rawTraceId);
  const part = await store.readTracePart(traceId, from, limits);
  if (!part) throw notFound(`no trace ${traceId} is stored`);
  return { traceId, ...part };
}

/**
 * The whole trace a route names (spans by start time, logs by time), or a 400 for a malformed id, a
 * 404 for an unknown one and a 422 for one too large to build in one answer.
 */
export async function loadTrace(
  store: Store,
  rawTraceId: string,
  limits: TraceReadLimits = TRACE_ANSWER_LIMITS,
): Promise<{ traceId: string; spans: Span[]; logs: LogRecord[] }> {
  const { traceId, spans, logs, next, omitted } = await loadTracePart(store, rawTraceId, null, limits);
  if (next !== null || omitted.length > 0) {
    throw traceTooLarge(
      `trace ${traceId} is too large to use whole here (over ${limits.maxItems} spans and logs, ` +
        `~${Math.round(limits.maxBytes / 1024 ** 2)} MB, or a field over ` +
        `${Math.round(limits.maxFieldBytes / 1024 ** 2)} MB); read it in parts with GET /api/traces/${traceId}?cursor=…`,
    );
  }
  return { traceId, spans: sortByStart(spans), logs: logs.sort(byTime) };
}

/** Spans by start time, as a whole trace is answered (a part comes in the store's own order). */
export function sortByStart(spans: Span[]): Span[] {
  return spans.sort((a, b) =>
    a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0,
  );
}

/** Logs by time, as a whole trace is answered. */
export function byTime(a: LogRecord, b: LogRecord): number {
  return a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0;
}
