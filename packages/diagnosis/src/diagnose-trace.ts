import type { LogRecord, Span } from '@faultline/model';
import { withCallerDriverCode } from './caller-code.js';
import { classifyCause } from './classify-cause.js';
import { gatherEvidence } from './evidence.js';
import { isFailingRequest } from './failing-trace.js';
import { failureSignalsOf } from './failure-signals.js';
import type { OriginSearch } from './find-origin.js';
import { findOrigin } from './find-origin.js';
import type { HandledFailure } from './handled-failures.js';
import { withLoggedExceptions } from './logged-exceptions.js';
import { nextStepsFor } from './next-steps.js';
import { propagationSteps } from './propagation.js';
import { withSaturation } from './saturation.js';
import { operationOf } from './span-roles.js';
import type { HandledNote } from './summary.js';
import { summarise } from './summary.js';
import type { TraceNode } from './trace-tree.js';
import { buildTraceTree } from './trace-tree.js';
import type { Cause, Diagnosis, OtherFailure } from './types.js';

const MAX_OTHER_FAILURES = 20;

/**
 * The verdict for one trace: the span where the failure started, its cause, the evidence and what to
 * do. Exceptions in the trace's logs count as their spans' (see withLoggedExceptions). Null when the
 * request did not fail (no 5xx, no ERROR at its root or on a span of its own handling: see
 * isFailingRequest), even if a retried call inside it failed.
 */
export function diagnoseTrace(spans: readonly Span[], logs: readonly LogRecord[] = []): Diagnosis | null {
  // An exception reads the same whether the SDK recorded it as a span event or as a log record.
  const tree = buildTraceTree(withLoggedExceptions(spans, logs));
  if (!tree.entry || !isFailingRequest(tree)) return null;
  const search = findOrigin(tree);
  if (!search) return null;

  const origin = search.origin;
  const signals = withCallerDriverCode(failureSignalsOf(origin.span), origin);
  const { cause, matchedRule } = classifyCause({ origin, signals, abandoned: search.abandoned });
  const evidence = gatherEvidence({
    origin,
    entry: tree.entry,
    signals,
    cause,
    matchedRule,
    logs,
    pathHasGap: search.pathHasGap,
  });
  const propagatedBy = propagationSteps(search.path);
  const summary = summarise({
    cause,
    evidence,
    originService: origin.span.service,
    operation: operationOf(origin.span),
    propagatedBy,
    handled: handledNoteOf(search),
  });

  const diagnosis: Diagnosis = {
    originSpanId: origin.span.spanId,
    originService: origin.span.service,
    cause,
    summary,
    path: search.path.map((n) => n.span.spanId),
    evidence,
    nextSteps: nextStepsFor(cause, evidence),
  };
  if (propagatedBy.length > 0) diagnosis.propagatedBy = propagatedBy;
  const others = otherFailuresOf(search.others, search.handled);
  if (others.length > 0) diagnosis.otherFailures = others;
  return withSaturation(diagnosis, search);
}

function otherFailuresOf(
  others: readonly { node: TraceNode; why: string }[],
  handled: readonly HandledFailure[],
): OtherFailure[] {
  const handledNodes = new Set(handled.map((h) => h.node));
  const seen = new Set<string>();
  const result: OtherFailure[] = [];
  for (const { node, why } of others) {
    if (seen.has(node.span.spanId) || result.length >= MAX_OTHER_FAILURES) continue;
    seen.add(node.span.spanId);
    result.push({
      spanId: node.span.spanId,
      service: node.span.service,
      name: node.span.name,
      reason: reasonOf(node.span, why),
      ...(handledNodes.has(node) ? { handled: true, cause: causeOf(node) } : {}),
    });
  }
  return result;
}

/** The cause a handled failure would have had as the origin, to say what it was ("redis unreachable"). */
function causeOf(node: TraceNode): Cause {
  return classifyCause({ origin: node, signals: failureSignalsOf(node.span), abandoned: false }).cause;
}

/** What the summary says about handled failures: the latest one passed over, or the one followed. */
function handledNoteOf(search: OriginSearch): HandledNote | undefined {
  const followed = search.followedHandled;
  const latest = followed ?? search.handled[search.handled.length - 1];
  if (!latest) return undefined;
  return {
    service: latest.node.span.service,
    operation: operationOf(latest.node.span),
    what: failureWords(latest.node.span),
    continuedBy: operationOf(latest.continuedBy.span),
    count: search.handled.length,
    followed: followed !== undefined,
  };
}

function reasonOf(span: Span, why: string): string {
  return `${failureWords(span)} (${why})`;
}

function failureWords(span: Span): string {
  const signals = failureSignalsOf(span);
  return (
    signals.statusMessage ??
    signals.exception?.message ??
    (signals.httpStatusCode !== undefined ? `HTTP ${signals.httpStatusCode}` : 'failed')
  );
}
