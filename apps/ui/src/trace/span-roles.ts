import type { Diagnosis } from '@faultline/diagnosis';

/** How a span took part in the failure: where it began, or a caller that passed it on. */
export type SpanRole = 'origin' | 'propagated';

/** The failure's marks on the waterfall: each span's role and the failing path from entry to origin. */
export interface FailureMarks {
  roles: Map<string, SpanRole>;
  path: Set<string>;
  originSpanId: string | undefined;
  /** The call that left this trace and the callee's trace it continues in, for a stitched verdict. */
  continuedIn?: { fromSpanId: string; traceId: string };
}

/**
 * Marks the origin and the spans that propagated its failure. Spans on the path above the origin are
 * "propagated" (they failed because the origin did); the diagnosis's `propagatedBy`, when present, names
 * them exactly, otherwise the path does.
 */
export function failureMarks(diagnosis: Diagnosis | null): FailureMarks {
  const roles = new Map<string, SpanRole>();
  if (!diagnosis) return { roles, path: new Set(), originSpanId: undefined };
  const propagators = diagnosis.propagatedBy?.map((p) => p.spanId) ?? diagnosis.path.slice(0, -1);
  for (const spanId of propagators) roles.set(spanId, 'propagated');
  roles.set(diagnosis.originSpanId, 'origin');
  const stitch = diagnosis.continuedIn;
  if (stitch) {
    // The origin is in the callee's trace: here the failure is last seen at the call that left.
    const continuedIn = { fromSpanId: stitch.fromSpanId, traceId: stitch.traceId };
    return { roles, path: new Set(diagnosis.path), originSpanId: stitch.fromSpanId, continuedIn };
  }
  return { roles, path: new Set(diagnosis.path), originSpanId: diagnosis.originSpanId };
}
