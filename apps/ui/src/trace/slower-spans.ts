import type { SlowerSpan } from '@faultline/diagnosis';

/** A span whose extra time is at least this share of a slower descendant's is slow because of it. */
const EXPLAINED_SHARE = 0.8;

/**
 * Splits the spans that were much slower in the failing request into those slow in their own right and
 * those slow only because something below them was: every caller of a span that waited 300 ms longer
 * also took 300 ms longer, and listing them all first would bury the span that actually waited.
 *
 *   gateway GET /api/orders        +302 ms   <- inherited: its child below explains it
 *     orders GET /orders/:id       +302 ms   <- inherited
 *       orders request handler     +299 ms   <- own: its slower child (pg-pool.connect) explains +15 ms only
 */
export function splitSlowerSpans(spans: readonly SlowerSpan[]): {
  own: SlowerSpan[];
  inherited: SlowerSpan[];
} {
  const extra = (s: SlowerSpan) => s.failingMs - s.baselineMs;
  const own: SlowerSpan[] = [];
  const inherited: SlowerSpan[] = [];
  for (const span of spans) {
    const explained = spans.some(
      (other) =>
        other !== span &&
        other.signature.startsWith(`${span.signature} › `) &&
        extra(other) >= EXPLAINED_SHARE * extra(span),
    );
    (explained ? inherited : own).push(span);
  }
  return { own, inherited };
}
