import { byLogTime, getTrace } from '../api/trace-api.js';
import { getSpanDetail, getTraceLogs, getTraceOutline, type TraceOutline } from '../api/trace-outline-api.js';
import { parseRoute } from '../router/routes.js';
import { TraceDetails } from './trace-details.js';

/**
 * Up to this many spans, a trace's details come whole in one request right after its outline, so
 * every click answers at once; past it they come span by span, when a span is selected. Reading and
 * parsing the details of a thousand spans is about one long task on the main thread; ten thousand
 * would hold it for most of a second after the page is drawn (apps/ui/scripts/tti-10k.mjs measures
 * it; figures in bench/RESULTS.md).
 */
export const WHOLE_TRACE_MAX_SPANS = 1_000;

/** What the trace page draws from: the outline, and where each span's details come from. */
export interface LoadedTrace {
  outline: TraceOutline;
  details: TraceDetails;
}

/**
 * Loads a trace's outline, then starts on its details: the whole trace when it is small, else the
 * span named in the URL. The origin span's details come with the outline, so the verdict's exception
 * and stack trace show in the first paint, without a click.
 */
export async function loadTrace(
  traceId: string,
  spanId: string | undefined,
  signal?: AbortSignal,
): Promise<LoadedTrace> {
  const outline = await getTraceOutline(traceId, signal);
  const details =
    outline.spans.length <= WHOLE_TRACE_MAX_SPANS
      ? TraceDetails.whole((s) => getTrace(traceId, s))
      : TraceDetails.bySpan({
          span: (id, s) => getSpanDetail(traceId, id, s),
          logs: (s) => getTraceLogs(traceId, s),
        });
  if (outline.origin)
    details.seed({ span: outline.origin.span, logs: [...outline.origin.logs].sort(byLogTime) });
  if (spanId) details.span(spanId);
  return { outline, details };
}

let prefetched: { traceId: string; loading: Promise<LoadedTrace> } | undefined;

/**
 * On a trace page, starts loading the trace before the app renders (the page's own effect would ask
 * ~100-200 ms later, after the first render). The page takes it with `takePrefetchedTrace`.
 */
export function prefetchTrace(location: { pathname: string; search: string }): void {
  const route = parseRoute(location.pathname, location.search);
  if (route.page !== 'trace') return;
  const loading = loadTrace(route.traceId, route.spanId);
  // A failure is the page's to show when it takes the promise; until then it is not unhandled.
  loading.catch(() => {});
  prefetched = { traceId: route.traceId, loading };
}

/** The load `prefetchTrace` started for this trace, handed out once (a retry or a new token loads anew). */
export function takePrefetchedTrace(traceId: string): Promise<LoadedTrace> | undefined {
  const taken = prefetched?.traceId === traceId ? prefetched.loading : undefined;
  prefetched = undefined;
  return taken;
}
