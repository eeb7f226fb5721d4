import type { Span, SpanOutline } from '@faultline/model';
import { isErrorSpan } from './error-span.js';
import { hasException } from './exception-event.js';
import { buildTraceTree, type TraceTree, type TreeSpanTraits } from './trace-tree.js';

/** A span's outline: what a waterfall draws of it, with the engine's verdict on whether it failed. */
export function spanOutline(span: Span): SpanOutline {
  return {
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    service: span.service,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    status: span.status,
    failed: isErrorSpan(span),
    exception: hasException(span),
  };
}

const OUTLINE_TRAITS: TreeSpanTraits<SpanOutline> = {
  failed: (span) => span.failed,
  // A Span's richness (trace-tree.ts) as far as an outline tells it: a status first, then an exception.
  richness: (span) => (span.status.code === 'UNSET' ? 0 : 1_000_000) + (span.exception ? 1_000 : 0),
};

/** The trace tree of span outlines: the same tree `buildTraceTree` builds of the whole spans. */
export function buildOutlineTree(spans: readonly SpanOutline[]): TraceTree<SpanOutline> {
  return buildTraceTree(spans, OUTLINE_TRAITS);
}
