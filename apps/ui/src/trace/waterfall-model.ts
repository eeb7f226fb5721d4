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
  // Iterative preorder: a 10,000-deep chain must not overflow the call stack.
  type Frame = { tree: TraceTree<SpanOutline>['roots'][number]; depth: number; parentIndex: number };
  const stack: Frame[] = [];
  for (let i = tree.roots.length - 1; i >= 0; i--)
    stack.push({ tree: tree.roots[i]!, depth: 0, parentIndex: -1 });
  const open: number[] = [];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    // Close every subtree the next preorder node is not inside of.
    while (open.length > frame.depth) nodes[open.pop()!]!.subtreeEnd = nodes.length;
    const { span } = frame.tree;
    const index = nodes.length;
    nodes.push({
      span,
      depth: frame.depth,
      parentIndex: frame.parentIndex,
      offsetMs: nsToMs(frame.tree.startNs - traceStart),
      durationMs: nsToMs(frame.tree.endNs - frame.tree.startNs),
      childCount: frame.tree.children.length,
      subtreeEnd: index + 1,
      descendantCount: 0,
      orphan: frame.tree.orphan,
    });
    indexBySpanId.set(span.spanId, index);
    open.push(index);
    const children = frame.tree.children;
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push({ tree: children[i]!, depth: frame.depth + 1, parentIndex: index });
    }
  }
  while (open.length > 0) nodes[open.pop()!]!.subtreeEnd = nodes.length;
  nodes.forEach((node, index) => {
    node.descendantCount = node.subtreeEnd - index - 1;
  });
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
