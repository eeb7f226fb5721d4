import type { Span } from '@faultline/model';
import { httpStatusCodeOf } from '@faultline/model';
import { operationOf } from './span-roles.js';
import type { StitchMatch } from './stitch-match.js';
import type { Diagnosis, PropagationStep } from './types.js';

/**
 * The caller's verdict once its broken call is followed into the callee's trace: origin, cause,
 * evidence and next steps come from the callee's own verdict (the caller only saw a 5xx or silence),
 * the entry status stays the caller's, and `continuedIn` keeps the link.
 */
export function stitchedDiagnosis(
  caller: Diagnosis,
  call: Span,
  callee: Diagnosis,
  match: StitchMatch,
): Diagnosis {
  const status = httpStatusCodeOf(call.attributes);
  const callStep: PropagationStep = {
    spanId: call.spanId,
    service: call.service,
    name: call.name,
    ...(status !== undefined ? { httpStatusCode: status } : {}),
    transformed: false,
  };
  const entryStatus = caller.evidence.entryStatusCode;
  const evidence = { ...callee.evidence };
  if (entryStatus !== undefined) evidence.entryStatusCode = entryStatus;
  else delete evidence.entryStatusCode;
  const diagnosis: Diagnosis = {
    originSpanId: callee.originSpanId,
    originService: callee.originService,
    cause: callee.cause,
    summary: stitchedSummary(caller, call, callee, match),
    path: [...caller.path, ...callee.path],
    evidence,
    nextSteps: callee.nextSteps,
    propagatedBy: [...(caller.propagatedBy ?? []), callStep, ...(callee.propagatedBy ?? [])],
    continuedIn: {
      fromSpanId: call.spanId,
      traceId: match.root.traceId,
      spanId: match.root.spanId,
      matchedOn: match.matchedOn,
    },
  };
  if (caller.otherFailures) diagnosis.otherFailures = caller.otherFailures;
  return diagnosis;
}

/**
 * "500 originated in orders › GET /orders/:id: unhandled Error: …; gateway › GET reached it in trace
 * 4bf9…, its trace context lost on the way." The callee's sentence, under the caller's entry status.
 */
function stitchedSummary(caller: Diagnosis, call: Span, callee: Diagnosis, match: StitchMatch): string {
  const status = caller.evidence.entryStatusCode ?? 'Failure';
  const rest = callee.summary.replace(/^\S+ originated in /, '').replace(/\.$/, '');
  return (
    `${status} originated in ${rest}; ${call.service} › ${operationOf(call)} reached it in trace ` +
    `${match.root.traceId}, its trace context lost on the way (stitched: ${match.matchedOn}).`
  );
}
