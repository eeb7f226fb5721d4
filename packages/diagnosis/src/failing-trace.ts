import type { Span } from '@faultline/model';
import { httpStatusCodeOf } from '@faultline/model';
import { isDbSpan, isPoolCheckoutSpan } from './span-roles.js';
import type { TraceNode, TraceTree } from './trace-tree.js';
import { buildTraceTree } from './trace-tree.js';

/** True when the request this span answered failed: it answered 5xx, or ended in ERROR. */
export function isFailingEntry(span: Span): boolean {
  const status = httpStatusCodeOf(span.attributes);
  if (status !== undefined) return status >= 500 || (status < 400 && span.status.code === 'ERROR');
  return span.status.code === 'ERROR';
}

/**
 * True when the trace's entry request failed: the entry span failed (isFailingEntry), or the request's
 * own handling was marked failed (markedFailedWithin). A trace whose entry answered 2xx is not failing
 * because a call inside it failed (a retried call, a fallback); the diagnosis is then null.
 */
export function isFailingRequest(tree: TraceTree): boolean {
  const entry = tree.entry;
  if (!entry) return false;
  if (isFailingEntry(entry.span)) return true;
  const status = httpStatusCodeOf(entry.span.attributes);
  return (status === undefined || status < 400) && markedFailedWithin(entry);
}

/** isFailingRequest for a trace's spans. */
export function isFailingTrace(spans: readonly Span[]): boolean {
  return isFailingRequest(buildTraceTree(spans));
}

/**
 * True when a span of the request's own handling ended in ERROR: an INTERNAL span of the entry's service
 * reached without passing through a call (framework, middleware and handler spans, and the app's own).
 * An app marks its request failed on the span its handler sees as active, `trace.getActiveSpan()`, and
 * which span that is depends on the framework: the server span on Express 5 and Fastify 5, a middleware
 * or handler span on Koa, Express 4 and NestJS. Calls and queries (CLIENT spans, database and pool spans)
 * do not count: the app may have retried them or recovered.
 */
function markedFailedWithin(entry: TraceNode): boolean {
  const stack = [...entry.children];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const span = node.span;
    if (span.kind !== 'INTERNAL' || span.service !== entry.span.service) continue;
    if (isDbSpan(span) || isPoolCheckoutSpan(span)) continue;
    if (span.status.code === 'ERROR') return true;
    for (const child of node.children) stack.push(child);
  }
  return false;
}
