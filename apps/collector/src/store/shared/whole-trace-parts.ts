import { spanOutline } from '@faultline/diagnosis';
import type { LogRecord, Span } from '@faultline/model';
import { badQuery } from '../../errors.js';
import type { Diagnose, SpanWithLogs, StoredTraceOutline, TracePart, TraceReadLimits } from '../types.js';

/** One trace read whole. */
interface WholeTrace {
  spans: Span[];
  logs: LogRecord[];
}

/**
 * The outline of a trace read whole, for a store without a cheaper way (ClickHouse reads the
 * exporter's rows, whose attributes come as maps anyway, and keeps no verdict of its own).
 */
export function outlineOfWholeTrace(trace: WholeTrace, diagnose: Diagnose): StoredTraceOutline {
  const diagnosis = diagnose(trace.spans, trace.logs);
  return {
    spans: trace.spans.map(spanOutline),
    logCount: trace.logs.length,
    diagnosis,
    origin: diagnosis && spanOfWholeTrace(trace, diagnosis.originSpanId),
  };
}

/** One span of a trace read whole, and its logs; null when the trace has no such span. */
export function spanOfWholeTrace(trace: WholeTrace, spanId: string): SpanWithLogs | null {
  const span = trace.spans.find((s) => s.spanId === spanId);
  return span ? { span, logs: trace.logs.filter((l) => l.spanId === spanId) } : null;
}

/**
 * A bounded part of a trace read whole, for a store without keyset reads of its own: spans ordered by
 * id, then logs in the order read, cut by `limits` (sizes judged from each item's JSON). The part
 * bounds the answer, not the read: the trace is still read whole to cut it.
 */
export function partOfWholeTrace(
  trace: WholeTrace | null,
  from: string | null,
  limits: TraceReadLimits,
): TracePart | null {
  if (trace === null) return null;
  const start =
    from === null ? 0 : Number(/^o:(\d{1,12})$/.exec(Buffer.from(from, 'base64url').toString())?.[1]);
  if (!Number.isSafeInteger(start)) throw badQuery('cursor is not one this API returned');
  const spans = [...trace.spans].sort((a, b) => (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0));
  const part: TracePart = { spans: [], logs: [], omitted: [], next: null };
  const json = (value: unknown) =>
    JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).length;
  let bytes = 0;
  for (let i = start; i < spans.length + trace.logs.length; i++) {
    const item = i < spans.length ? spans[i]! : trace.logs[i - spans.length]!;
    const size = json(item);
    const items = part.spans.length + part.logs.length;
    if (items > 0 && (items >= limits.maxItems || bytes + size > limits.maxBytes)) {
      part.next = Buffer.from(`o:${i}`).toString('base64url');
      return part;
    }
    bytes += size;
    if (i < spans.length) part.spans.push(item as Span);
    else part.logs.push(item as LogRecord);
  }
  return part;
}

/** The logs of a trace read whole, as `partOfWholeTrace` would go on to them after its spans. */
export function logsPartOfWholeTrace(trace: WholeTrace | null, limits: TraceReadLimits): TracePart | null {
  return (
    trace && partOfWholeTrace(trace, Buffer.from(`o:${trace.spans.length}`).toString('base64url'), limits)
  );
}
