import type { TraceTree } from '@faultline/diagnosis';
import type { SpanOutline } from '@faultline/model';

/** One span placed in the waterfall: its depth, where its bar sits, and the extent of its subtree. */
export interface WaterfallNode {
  span: SpanOutline;
  depth: number;
  /** Preorder index of the parent, -1 for a root. */
  parentIndex: number;
  /** Milliseconds from the trace's start to this span's (skew-corrected) start. */
  offsetMs: number;
  durationMs: number;
  childCount: number;
  /** Preorder index just past this span's last descendant, so a collapsed subtree is skipped in O(1). */
  subtreeEnd: number;
  /** How many spans sit below this one (all generations). */
  descendantCount: number;
  /** The span names a parent that never arrived. */
  orphan: boolean;
}

/** Every span of a trace in display (preorder) order, with the trace's time extent. */
export interface WaterfallModel {
  nodes: WaterfallNode[];
  indexBySpanId: Map<string, number>;
  traceStartUnixNano: bigint;
  traceDurationMs: number;
}

/** Flattens a trace tree into preorder rows (children by start time, as the tree sorts them). */
export function buildWaterfall(tree: TraceTree<SpanOutline>): WaterfallModel {
  let startNs: bigint | undefined;
  let endNs: bigint | undefined;
  for (const node of tree.nodesById.values()) {
    if (startNs === undefined || node.startNs < startNs) startNs = node.startNs;
    if (endNs === undefined || node.endNs > endNs) endNs = node.endNs;
  }
  const traceStart = startNs ?? 0n;
  const nodes: WaterfallNode[] = [];
  const indexBySpanId = new Map<string, number>();
  // Iterative preorder: a 10,000-deep chain must not overflow the call stack. The stack is three
  // parallel arrays, not an object per frame: this runs before a big trace's first paint, where every
  // allocation brings the next garbage collection (which copies all the model built so far) closer.
  type TreeNode = TraceTree<SpanOutline>['roots'][number];
  const stackNodes: TreeNode[] = [];
  const stackDepths: number[] = [];
  const stackParents: number[] = [];
  for (let i = tree.roots.length - 1; i >= 0; i--) {
    stackNodes.push(tree.roots[i]!);
    stackDepths.push(0);
    stackParents.push(-1);
  }
  const open: number[] = [];
  while (stackNodes.length > 0) {
    const treeNode = stackNodes.pop()!;
    const depth = stackDepths.pop()!;
    const parentIndex = stackParents.pop()!;
    // Close every subtree the next preorder node is not inside of.
    while (open.length > depth) nodes[open.pop()!]!.subtreeEnd = nodes.length;
    const { span, children } = treeNode;
    const index = nodes.length;
    nodes.push({
      span,
      depth,
      parentIndex,
      offsetMs: nsToMs(treeNode.startNs - traceStart),
      durationMs: nsToMs(treeNode.endNs - treeNode.startNs),
      childCount: children.length,
      subtreeEnd: index + 1,
      descendantCount: 0,
      orphan: treeNode.orphan,
    });
    indexBySpanId.set(span.spanId, index);
    open.push(index);
    for (let i = children.length - 1; i >= 0; i--) {
      stackNodes.push(children[i]!);
      stackDepths.push(depth + 1);
      stackParents.push(index);
    }
  }
  while (open.length > 0) nodes[open.pop()!]!.subtreeEnd = nodes.length;
  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index]!;
    node.descendantCount = node.subtreeEnd - index - 1;
  }
  return {
    nodes,
    indexBySpanId,
    traceStartUnixNano: traceStart,
    traceDurationMs: nsToMs((endNs ?? 0n) - traceStart),
  };
}

/** Preorder indices of the rows shown when the spans in `collapsed` hide their descendants. */
export function visibleRows(model: WaterfallModel, collapsed: ReadonlySet<string>): number[] {
  const rows: number[] = [];
  const { nodes } = model;
  let i = 0;
  while (i < nodes.length) {
    rows.push(i);
    const node = nodes[i]!;
    i = collapsed.has(node.span.spanId) ? node.subtreeEnd : i + 1;
  }
  return rows;
}

/** The span ids of every ancestor of node `index`, nearest first. */
export function ancestorSpanIds(model: WaterfallModel, index: number): string[] {
  const ids: string[] = [];
  let parent = model.nodes[index]?.parentIndex ?? -1;
  while (parent >= 0) {
    const node = model.nodes[parent]!;
    ids.push(node.span.spanId);
    parent = node.parentIndex;
  }
  return ids;
}

function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6;
}
