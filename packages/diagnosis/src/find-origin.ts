import { TIMEOUT_CODES, TIMEOUT_WORDS } from './error-codes.js';
import { exceptionOf } from './exception-event.js';
import type { Candidate } from './failing-candidates.js';
import { chainBelow, endToleranceNs, failingCandidates } from './failing-candidates.js';
import type { HandledFailure } from './handled-failures.js';
import { hasOwnFailure, splitHandled } from './handled-failures.js';
import type { TraceNode, TraceTree } from './trace-tree.js';

/** Where a failure started, how it got to the entry, and what else failed on the way. */
export interface OriginSearch {
  origin: TraceNode;
  /** From the entry root to the origin. */
  path: TraceNode[];
  /** Failures that were not the one surfaced: other retries, other fan-out branches, handled errors. */
  others: { node: TraceNode; why: string }[];
  /** True when the origin was reached through a span whose parent is missing from the trace. */
  pathHasGap: boolean;
  /** True when the origin is a call that got no answer because its caller gave up on it (aborted fetch). */
  abandoned: boolean;
  /** Failing calls the request recovered from on its way to the origin (also in `others`), earliest first. */
  handled: HandledFailure[];
  /** Set when the path went through a handled failure because nothing else was on record. */
  followedHandled?: HandledFailure;
}

/**
 * Walks from the entry root along failing spans to the deepest one whose failure no failing child
 * explains. At each step it follows the failure the parent actually surfaced: of several failing
 * children (retries, fan-out), the last to end before the parent ended.
 */
export function findOrigin(tree: TraceTree): OriginSearch | null {
  const entry = tree.entry;
  if (!entry) return null;
  const path: TraceNode[] = [entry];
  const others: OriginSearch['others'] = [];
  const onPath = new Set<TraceNode>([entry]);
  let current = entry;
  let pathHasGap = false;
  let abandoned = false;
  const handled: HandledFailure[] = [];
  let followedHandled: HandledFailure | undefined;

  for (;;) {
    const candidates = failingCandidates(current);
    const split = splitHandled(current, candidates);
    // Handled failures are passed over only when the span has a failure of its own to name; when they
    // are all there is on record, the last of them stays the origin (and the summary says it was handled).
    const explaining =
      split.surfaced.length > 0 || hasOwnFailure(current)
        ? split.surfaced
        : split.handled.map((h) => ({ node: h.node }));
    const chosen = pickSurfaced(explaining);
    for (const u of candidates.unrelated) others.push(u);
    for (const h of split.handled) {
      if (h.node === chosen?.node) {
        followedHandled = h;
        continue;
      }
      handled.push(h);
      others.push({ node: h.node, why: `handled: ${h.continuedBy.span.name} succeeded after it` });
    }
    if (chosen) {
      for (const c of explaining) {
        if (c !== chosen && !isRepass(c, chosen)) others.push({ node: c.node, why: 'also failed' });
      }
      for (const node of chainBelow(current, chosen.node)) {
        path.push(node);
        onPath.add(node);
      }
      current = chosen.node;
      continue;
    }
    const unanswered = gaveUpOn(current) ? latestEnding(candidates.unanswered) : undefined;
    if (unanswered) {
      for (const node of chainBelow(current, unanswered.node)) path.push(node);
      current = unanswered.node;
      abandoned = true;
      break;
    }
    const orphan = failingOrphanWithin(tree, current, onPath);
    if (!orphan) break;
    path.push(orphan);
    onPath.add(orphan);
    current = orphan;
    pathHasGap = true;
  }
  return { origin: current, path, others, pathHasGap, abandoned, handled, followedHandled };
}

/**
 * The failure the parent surfaced: the latest-ending failing candidate.
 *
 * parent  |...................X|
 * try 1     |..X|                    <- other failure
 * try 2          |..X|               <- other failure
 * try 3               |....X|        <- surfaced: the last to end before the parent failed
 */
function pickSurfaced(explaining: readonly Candidate[]): Candidate | undefined {
  const latest = latestEnding(explaining);
  if (latest?.node.span.kind !== 'INTERNAL') return latest;
  // Express runs error middleware after the handler; one that calls next(err) records the same error on
  // its own span, which ends last. The failure started where that error was first recorded.
  let first = latest;
  for (const c of explaining) if (isRepass(c, latest) && c.node.endNs < first.node.endNs) first = c;
  return first;
}

function isRepass(candidate: Candidate, chosen: Candidate): boolean {
  const a = candidate.node.span;
  const b = chosen.node.span;
  if (a.kind !== 'INTERNAL' || b.kind !== 'INTERNAL' || a.service !== b.service) return false;
  const message = failureMessage(a);
  return message !== undefined && message === failureMessage(b);
}

function failureMessage(span: TraceNode['span']): string | undefined {
  return exceptionOf(span)?.message ?? (span.status.message || undefined);
}

function latestEnding(candidates: readonly Candidate[]): Candidate | undefined {
  let latest: Candidate | undefined;
  for (const c of candidates) if (!latest || c.node.endNs >= latest.node.endNs) latest = c;
  return latest;
}

/**
 * True when the span failed because it stopped waiting: its exception is an abort or timeout. undici
 * ends an aborted fetch's span with status UNSET and no event (per the HTTP semconv), so the only trace
 * of the abandoned call is the caller's AbortError.
 */
function gaveUpOn(node: TraceNode): boolean {
  const exception = exceptionOf(node.span);
  if (!exception) return false;
  if (
    (exception.name && TIMEOUT_CODES.has(exception.name)) ||
    (exception.type && TIMEOUT_CODES.has(exception.type))
  )
    return true;
  return exception.message !== undefined && TIMEOUT_WORDS.test(exception.message);
}

/**
 * A failing span whose parent never arrived and that ran while `node` did. When an intermediate span
 * is lost (or still in flight), its failing descendants hang loose as orphan roots; the one that
 * overlaps the deepest failing span on the path is the likeliest continuation.
 */
function failingOrphanWithin(
  tree: TraceTree,
  node: TraceNode,
  onPath: ReadonlySet<TraceNode>,
): TraceNode | undefined {
  const slack = endToleranceNs(node);
  let best: TraceNode | undefined;
  for (const root of tree.roots) {
    if (!root.orphan || onPath.has(root) || !root.failed) continue;
    if (root.startNs > node.endNs + slack || root.endNs < node.startNs - slack) continue;
    if (!best || root.endNs > best.endNs) best = root;
  }
  return best;
}
