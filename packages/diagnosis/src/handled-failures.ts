import { httpStatusCodeOf } from '@faultline/model';
import { exceptionOf } from './exception-event.js';
import type { Candidate, CandidateSet } from './failing-candidates.js';
import type { TraceNode } from './trace-tree.js';

/** A failing call the request recovered from: a later call succeeded, so the code went on past it. */
export interface HandledFailure {
  node: TraceNode;
  /** The first successful call that started after it failed: the evidence the request went on. */
  continuedBy: TraceNode;
}

/** The explaining candidates split into those the request surfaced and those it handled and went past. */
export interface HandledSplit {
  surfaced: Candidate[];
  handled: HandledFailure[];
}

/**
 * Splits `set.explaining` into failures the parent surfaced and failures it handled. A failing call is
 * handled when a successful call below the same parent started after it had failed (the handler
 * caught the Redis error and went on to the database, which answered) and the parent's own exception,
 * if any, does not carry it on. Only calls count, both ways: a span of the service's own code that
 * recorded an exception threw it (its framework's error middleware, which may itself call out,
 * runs after it), and a call that overlapped the failure proves nothing about what came after.
 *
 * parent   |....................503|
 * redis      |..X|                       <- handled: the request went on
 * pg               |....OK|              <- the continuation
 */
export function splitHandled(parent: TraceNode, set: CandidateSet): HandledSplit {
  const split: HandledSplit = { surfaced: [], handled: [] };
  // Sorted once: an N+1 loop can leave thousands of failing and thousands of working calls below one span.
  const succeeded = set.explaining.length > 0 ? [...set.succeeded].sort(byStart) : [];
  for (const candidate of set.explaining) {
    const continuedBy = isCall(candidate.node, parent)
      ? continuationOf(candidate.node, succeeded)
      : undefined;
    if (continuedBy && !carriedOnBy(parent, candidate.node)) {
      split.handled.push({ node: candidate.node, continuedBy });
    } else split.surfaced.push(candidate);
  }
  return split;
}

/**
 * True when the span failed in a way of its own, which the verdict can name without its handled
 * children: it answered or received a 5xx, recorded an exception, or set an error message. A span
 * that is ERROR and nothing more has only its handled children to show for it.
 */
export function hasOwnFailure(node: TraceNode): boolean {
  const status = httpStatusCodeOf(node.span.attributes);
  if (status !== undefined && status >= 500) return true;
  return exceptionOf(node.span) !== undefined || Boolean(node.span.status.message);
}

function isCall(node: TraceNode, parent: TraceNode): boolean {
  const kind = node.span.kind;
  return kind === 'CLIENT' || kind === 'PRODUCER' || node.span.service !== parent.span.service;
}

/**
 * The earliest successful call (of `succeeded`, sorted by start) that started at or after `node` ended.
 * None of them is inside `node`: the walk never looks below a failing span for them.
 */
function continuationOf(node: TraceNode, succeeded: readonly TraceNode[]): TraceNode | undefined {
  // Its end, not the time it recorded the error: a call still running when the next one started ran
  // alongside it (Promise.all), and that says nothing about the request going on past it.
  const failedAt = node.endNs;
  let low = 0;
  let high = succeeded.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (succeeded[mid]!.startNs < failedAt) low = mid + 1;
    else high = mid;
  }
  return succeeded[low];
}

function byStart(a: TraceNode, b: TraceNode): number {
  return a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0;
}

/**
 * True when the parent passes the child's failure on: it answered the HTTP status the child received, or
 * its own exception repeats the child's message, one of its codes, or that status ("orders answered 500"). A parent that wraps what
 * it caught did not recover from it, whatever it called in between.
 */
function carriedOnBy(parent: TraceNode, child: TraceNode): boolean {
  // A gateway answering the very 5xx its call received passed it on, whatever it called in between.
  const received = httpStatusCodeOf(child.span.attributes);
  if (received !== undefined && received === httpStatusCodeOf(parent.span.attributes)) return true;
  const exception = exceptionOf(parent.span);
  const thrown = [exception?.message, parent.span.status.message].filter((m): m is string => Boolean(m));
  if (thrown.length === 0) return false;
  const traces = tracesOf(child);
  return thrown.some((text) => traces.some((t) => text.includes(t)));
}

/** Texts by which a failure is recognisable when re-thrown: message, codes and received status. */
function tracesOf(node: TraceNode): string[] {
  const exception = exceptionOf(node.span);
  const traces = [exception?.message, node.span.status.message, exception?.type].filter(
    (t): t is string => t !== undefined && t.length >= 3,
  );
  const status = httpStatusCodeOf(node.span.attributes);
  if (status !== undefined) traces.push(String(status));
  return traces;
}
