/*
 * The collector's half of stitching traces a proxy broke (docs/diagnosis.md, "Stitched traces"); the
 * matching itself is pure (packages/diagnosis/src/stitch-match.ts). Either trace may arrive first:
 *
 *   caller trace finalized ──> callee root already stored? ──yes──> verdict follows it
 *                                          │ no
 *                                          └──> uninstrumented_upstream, for now
 *   callee trace finalized ──> a stored caller's failed call fits its root? ──yes──> reopen the caller,
 *                                                                                    finalized again
 */
import {
  DEFAULT_MAX_SKEW_NS,
  type Diagnosis,
  diagnoseTrace,
  isFailingEntry,
  matchStitch,
  stitchableCall,
  stitchedDiagnosis,
  stitchFit,
} from '@faultline/diagnosis';
import { HTTP_REQUEST_METHOD, readString, type Span } from '@faultline/model';
import type { Store } from '../store/store.js';

/**
 * How long before a callee's root its caller's trace may have started. A handler that works longer
 * than this before its call is not found as a rival or reopened; one found later still stitches
 * when it is finalized itself.
 */
const CALLER_LOOKBACK_NS = 10_000_000_000n;
/** Spans of each kind one lookup reads at most; with more, nothing is known to be unique. */
const NEIGHBOUR_LIMIT = 200;

/** The causes whose call may be continued in another trace (see `stitchableCall`). */
const OPEN_CAUSES = new Set(['uninstrumented_upstream', 'upstream_timeout']);

/**
 * The verdict, followed into the callee's trace when its call lost the trace context on the way and
 * exactly one stored root span matches it; otherwise the verdict as it is.
 */
export async function followBrokenCall(
  store: Store,
  spans: readonly Span[],
  diagnosis: Diagnosis,
): Promise<Diagnosis> {
  const call = stitchableCall(diagnosis, spans);
  if (!call) return diagnosis;
  const method = readString(call.attributes, HTTP_REQUEST_METHOD);
  if (method === undefined) return diagnosis;
  const fromNs = call.startTimeUnixNano - DEFAULT_MAX_SKEW_NS;
  const toNs = call.endTimeUnixNano + DEFAULT_MAX_SKEW_NS;
  // Rivals: other failed calls of the same method in flight while a candidate root started.
  const neighbours = await store.stitchNeighbours(
    { fromNs, toNs },
    { tracesFromNs: fromNs - CALLER_LOOKBACK_NS, overlapsFromNs: fromNs, overlapsToNs: toNs, method },
    NEIGHBOUR_LIMIT,
  );
  // Too busy a window to know a match is the only one.
  if (neighbours.full) return diagnosis;
  const rivals = neighbours.calls.map((c) => c.span);
  const match = matchStitch(call, neighbours.roots, rivals);
  if (!match) return diagnosis;
  const callee = await store.getTrace(match.root.traceId);
  const calleeDiagnosis = callee ? diagnoseTrace(callee.spans, callee.logs) : null;
  // The callee's entry is this root (a root that failed has a verdict); anything else is no stitch.
  if (!calleeDiagnosis || calleeDiagnosis.path[0] !== match.root.spanId) return diagnosis;
  return stitchedDiagnosis(diagnosis, call, calleeDiagnosis, match);
}

/**
 * Traces whose verdict stopped at a call this trace's root may have answered: stored before this
 * trace arrived, they are finalized again so their verdict can follow into it.
 */
export async function callersToReopen(store: Store, spans: readonly Span[]): Promise<string[]> {
  const root = spans.find((s) => s.parentSpanId === null && s.kind === 'SERVER');
  const method = root ? readString(root.attributes, HTTP_REQUEST_METHOD) : undefined;
  if (!root || method === undefined || !isFailingEntry(root)) return [];
  // A call this root answered was in flight when the root started (give or take the clocks' skew).
  const fromNs = root.startTimeUnixNano - DEFAULT_MAX_SKEW_NS;
  const toNs = root.startTimeUnixNano + DEFAULT_MAX_SKEW_NS;
  const neighbours = await store.stitchNeighbours(
    null,
    { tracesFromNs: fromNs - CALLER_LOOKBACK_NS, overlapsFromNs: fromNs, overlapsToNs: toNs, method },
    NEIGHBOUR_LIMIT,
  );
  return neighbours.calls
    .filter((c) => OPEN_CAUSES.has(c.cause) && c.span.traceId !== root.traceId)
    .filter((c) => stitchFit(c.span, root) !== null)
    .map((c) => c.span.traceId);
}
