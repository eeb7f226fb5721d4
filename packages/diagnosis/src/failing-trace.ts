import type { Span } from '@faultline/model';
import { httpStatusCodeOf } from '@faultline/model';
import { buildTraceTree } from './trace-tree.js';

/** True when the request this span answered failed: it answered 5xx, or ended in ERROR. */
export function isFailingEntry(span: Span): boolean {
  const status = httpStatusCodeOf(span.attributes);
  if (status !== undefined) return status >= 500 || (status < 400 && span.status.code === 'ERROR');
  return span.status.code === 'ERROR';
}

/**
 * True when the trace's entry request failed. A trace whose entry answered 2xx is not failing even if a
 * retried call inside it failed; the diagnosis is then null.
 */
export function isFailingTrace(spans: readonly Span[]): boolean {
  const entry = buildTraceTree(spans).entry;
  return entry !== null && isFailingEntry(entry.span);
}
