import { type Diagnosis, spanOutline } from '@faultline/diagnosis';
import { toWireOutline, type WireTraceOutline } from '@faultline/model';
import { fromWireTrace, type WireTrace } from '../../src/api/trace-api.js';
import { TraceDetails } from '../../src/trace/trace-details.js';
import type { LoadedTrace } from '../../src/trace/trace-loading.js';

/** A trace as the trace page holds a small one once loaded: its outline, every span's details at hand. */
export function loadedTrace(wire: WireTrace): LoadedTrace {
  const trace = fromWireTrace(wire);
  const origin = trace.spans.find((s) => s.spanId === trace.diagnosis?.originSpanId);
  return {
    outline: {
      traceId: trace.traceId,
      spans: trace.spans.map(spanOutline),
      logCount: trace.logs.length,
      diagnosis: trace.diagnosis,
      origin: origin ? { span: origin, logs: trace.logs.filter((l) => l.spanId === origin.spanId) } : null,
    },
    details: TraceDetails.of(trace),
  };
}

/** `GET /api/traces/:traceId/outline` for a trace, as the collector answers it. */
export function wireOutline(wire: WireTrace): WireTraceOutline<Diagnosis> {
  return toWireOutline(loadedTrace(wire).outline);
}
