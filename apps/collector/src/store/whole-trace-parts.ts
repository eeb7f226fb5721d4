import { spanOutline } from '@faultline/diagnosis';
import type { LogRecord, Span } from '@faultline/model';
import type { Diagnose, SpanWithLogs, StoredTraceOutline } from './store.js';

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
