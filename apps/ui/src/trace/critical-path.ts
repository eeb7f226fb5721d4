import type { TraceNode, TraceTree, TreeSpan } from '@faultline/diagnosis';

/** A stretch of the request's time, and the span whose own work filled it. */
export interface CriticalSegment {
  spanId: string;
  startNs: bigint;
  endNs: bigint;
}

/** The chain of spans that determined the request's end-to-end latency. */
export interface CriticalPath {
  /** Every span on the chain (a span whose whole time is covered by its children is on it too). */
  spanIds: Set<string>;
  /** Who was working when, in time order, covering the entry span from start to end without overlap. */
  segments: CriticalSegment[];
}

/**
 * The critical path: the spans the request was waiting on, moment by moment. Starting at the entry's
 * end and walking back in time, each span hands over to the child that finished last (within the
 * span); that child's own critical path is followed, then the walk continues from where the child
 * started, skipping siblings that overlap it (they ran in parallel and finished earlier, so nobody
 * waited for them):
 *
 *   entry |................................|
 *   a        |.......|                          <- on the path: nothing else ran then
 *   b                   |...........|           <- on the path: it finished last
 *   c                      |....|               <- off the path: it ran inside b's time
 *   path  |e.|a......|e.|b..........|e.....|    (e: the entry's own work)
 *
 * A child that ends well after its parent (fire-and-forget work) did not hold the parent up and is left
 * out; so are spans whose parent never arrived, since nothing says where they belong. Times are the
 * tree's skew-corrected ones.
 */
export function findCriticalPath<S extends TreeSpan>(tree: TraceTree<S>): CriticalPath {
  const spanIds = new Set<string>();
  const segments: CriticalSegment[] = [];
  const root = tree.entry;
  if (!root) return { spanIds, segments };
  const segment = (node: TraceNode<S>, startNs: bigint, endNs: bigint) => {
    if (endNs > startNs) segments.push({ spanId: node.span.spanId, startNs, endNs });
  };
  // Iterative, with an explicit stack: a 10,000-deep chain of spans must not overflow the call stack.
  type Frame = { node: TraceNode<S>; cursorNs: bigint; candidates: TraceNode<S>[]; next: number };
  const enter = (node: TraceNode<S>, endNs: bigint): Frame => {
    spanIds.add(node.span.spanId);
    return { node, cursorNs: endNs, candidates: candidatesOf(node), next: 0 };
  };
  const stack: Frame[] = [enter(root, root.endNs)];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const { node } = frame;
    // Candidates are sorted by end, latest first, and the cursor only moves back: the first one that
    // ends by the cursor is the last to finish in the time left; any skipped one overlapped a chosen one.
    let child: TraceNode<S> | undefined;
    while (frame.cursorNs > node.startNs && frame.next < frame.candidates.length) {
      const candidate = frame.candidates[frame.next++]!;
      if (endWithin(candidate, node) <= frame.cursorNs) {
        child = candidate;
        break;
      }
    }
    if (!child) {
      segment(node, node.startNs, frame.cursorNs);
      stack.pop();
      continue;
    }
    // The parent's own work after the child returned, then the child, then whatever ran before it.
    const childEndNs = endWithin(child, node);
    segment(node, childEndNs, frame.cursorNs);
    frame.cursorNs = child.startNs;
    stack.push(enter(child, childEndNs));
  }
  segments.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
  return { spanIds, segments };
}

/**
 * How late a child may end after its parent and still count as ending with it. The case that motivated
 * it: @fastify/otel ends its `request` span 0.1 to 4 ms before the handler span inside it, and a
 * server span may end a few ms after its caller's client span (recorded demo traces). Real
 * fire-and-forget work outlives its parent by far more.
 */
const END_TOLERANCE_NS = 5_000_000n;

/** A child's end as its parent sees it: an overrun within the tolerance is cut to the parent's end. */
function endWithin(child: TraceNode<TreeSpan>, parent: TraceNode<TreeSpan>): bigint {
  // biome-ignore lint/complexity/useMathMinMax: nanoseconds are bigint, which Math.min does not take
  return child.endNs > parent.endNs ? parent.endNs : child.endNs;
}

/**
 * The children that can have held `node` up: they took time, ended within it (or within the tolerance
 * after it), and ended after it started. Latest end first; on a tie the one that started first, which
 * explains more of the wait.
 */
function candidatesOf<S extends TreeSpan>(node: TraceNode<S>): TraceNode<S>[] {
  return node.children
    .filter(
      (c) =>
        c.endNs > c.startNs &&
        c.endNs <= node.endNs + END_TOLERANCE_NS &&
        c.endNs > node.startNs &&
        c.startNs < node.endNs,
    )
    .sort((a, b) => {
      const [aEnd, bEnd] = [endWithin(a, node), endWithin(b, node)];
      if (aEnd !== bEnd) return aEnd > bEnd ? -1 : 1;
      if (a.startNs !== b.startNs) return a.startNs < b.startNs ? -1 : 1;
      return a.span.spanId < b.span.spanId ? -1 : 1;
    });
}

/**
 * The segments of each span on the path, for drawing them on its bar; every span on the path has an
 * entry (empty when its children covered all of its time), so `has` answers "is it on the path".
 */
export function segmentsBySpan(path: CriticalPath): Map<string, CriticalSegment[]> {
  const bySpan = new Map<string, CriticalSegment[]>([...path.spanIds].map((id) => [id, []]));
  for (const segment of path.segments) bySpan.get(segment.spanId)!.push(segment);
  return bySpan;
}
