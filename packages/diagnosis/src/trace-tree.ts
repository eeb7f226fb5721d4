import type { Span } from '@faultline/model';
import { skewOffsetNs } from './clock-skew.js';
import { isErrorSpan } from './error-span.js';

/** What building a tree reads of a span: ids, service (clock skew), kind (the entry) and times. */
export type TreeSpan = Pick<
  Span,
  'spanId' | 'parentSpanId' | 'service' | 'kind' | 'startTimeUnixNano' | 'endTimeUnixNano'
>;

/** How the tree judges spans of a shape other than Span (the UI's span outlines). */
export interface TreeSpanTraits<S> {
  /** Whether the span failed. */
  failed(span: S): boolean;
  /** Of two copies of one span id, the tree keeps the one that scores higher. */
  richness(span: S): number;
}

/** A span in its trace: its parent, its children sorted by start time, and skew-corrected times. */
export interface TraceNode<S extends TreeSpan = Span> {
  span: S;
  parent: TraceNode<S> | null;
  /** Sorted by (skew-corrected) start time. */
  children: TraceNode<S>[];
  /** Start in nanoseconds, corrected for clock skew against the root's service. */
  startNs: bigint;
  /** End in nanoseconds, corrected for clock skew against the root's service. */
  endNs: bigint;
  /** True when the span names a parent that is not in the trace (lost, or still arriving). */
  orphan: boolean;
  /** `isErrorSpan(span)`, computed once: the walk asks it of every span many times. */
  failed: boolean;
}

/** A trace as a forest: the entry root first, then any other roots. */
export interface TraceTree<S extends TreeSpan = Span> {
  /** Roots sorted by start time, with the entry root moved first. */
  roots: TraceNode<S>[];
  /** The root the request entered through, or null for an empty trace. */
  entry: TraceNode<S> | null;
  nodesById: Map<string, TraceNode<S>>;
}

const SPAN_TRAITS: TreeSpanTraits<Span> = { failed: isErrorSpan, richness };

// Leaves (most spans) share one empty list until a child arrives: a 10,000-span trace page builds this
// tree before its first paint, and every array that outlives the build is copied by the garbage
// collector. Frozen, so a push on it would throw instead of giving every leaf a child.
const NO_CHILDREN: never[] = Object.freeze([]) as unknown as never[];

/**
 * Builds the span tree of one trace. Tolerant of what arrives in practice: spans whose parent is
 * missing become roots, duplicates of a span id collapse into the richest copy, parent cycles are
 * broken, and clock skew between services never reorders causality (a child stays a child).
 */
export function buildTraceTree(spans: readonly Span[]): TraceTree;
/** The same tree for spans of another shape, judged by `traits`. */
export function buildTraceTree<S extends TreeSpan>(
  spans: readonly S[],
  traits: TreeSpanTraits<S>,
): TraceTree<S>;
export function buildTraceTree<S extends TreeSpan>(
  spans: readonly S[],
  traits = SPAN_TRAITS as unknown as TreeSpanTraits<S>,
): TraceTree<S> {
  const nodesById = new Map<string, TraceNode<S>>();
  for (const span of spans) {
    const existing = nodesById.get(span.spanId);
    if (existing && traits.richness(existing.span) >= traits.richness(span)) continue;
    nodesById.set(span.spanId, {
      span,
      parent: null,
      children: NO_CHILDREN,
      startNs: span.startTimeUnixNano,
      endNs: span.endTimeUnixNano,
      orphan: false,
      failed: traits.failed(span),
    });
  }

  const roots: TraceNode<S>[] = [];
  for (const node of nodesById.values()) {
    const parentId = node.span.parentSpanId;
    const parent = parentId && parentId !== node.span.spanId ? nodesById.get(parentId) : undefined;
    if (parent) {
      node.parent = parent;
      if (parent.children === NO_CHILDREN) parent.children = [node];
      else parent.children.push(node);
    } else {
      node.orphan = parentId !== null && parentId !== '';
      roots.push(node);
    }
  }

  const visited = new Set<TraceNode<S>>();
  roots.sort(byStart);
  for (const root of roots) placeSubtree(root, visited);
  breakCycles(nodesById, roots, visited);

  const entry = chooseEntry(roots);
  if (entry) {
    roots.splice(roots.indexOf(entry), 1);
    roots.unshift(entry);
  }
  return { roots, entry, nodesById };
}

/** Walks a subtree breadth-first, correcting skew and sorting children; iterative for deep traces. */
function placeSubtree<S extends TreeSpan>(root: TraceNode<S>, visited: Set<TraceNode<S>>): void {
  const queue: TraceNode<S>[] = [root];
  visited.add(root);
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    // Nearly always none, so not worked out unless there is one: every bigint difference or sum is an
    // allocation, and a 10,000-span trace would make tens of thousands (its page builds this tree).
    const corrected = node.startNs !== node.span.startTimeUnixNano;
    const { children } = node;
    // Indexed loops: this runs once per page load, before the JIT has compiled it, where for-of over an
    // array costs an iterator per loop and several calls per element.
    for (let c = 0; c < children.length; c++) {
      const child = children[c]!;
      const ownStart = child.span.startTimeUnixNano;
      const ownEnd = child.span.endTimeUnixNano;
      // Same service, same clock: inherit the parent's correction. Another service: measure it.
      let offset = 0n;
      if (child.span.service !== node.span.service) {
        offset = skewOffsetNs(node.startNs, node.endNs, ownStart, ownEnd);
      } else if (corrected) offset = node.startNs - node.span.startTimeUnixNano;
      if (offset === 0n) continue;
      child.startNs = ownStart + offset;
      child.endNs = ownEnd + offset;
    }
    if (children.length > 1) children.sort(byStart);
    for (let c = 0; c < children.length; c++) {
      const child = children[c]!;
      if (visited.has(child)) continue;
      visited.add(child);
      queue.push(child);
    }
  }
}

/** Spans whose parent chain loops (corrupt ids) are unreachable from any root: cut each loop open. */
function breakCycles<S extends TreeSpan>(
  nodesById: Map<string, TraceNode<S>>,
  roots: TraceNode<S>[],
  visited: Set<TraceNode<S>>,
): void {
  if (visited.size === nodesById.size) return;
  const stranded = [...nodesById.values()].filter((n) => !visited.has(n)).sort(byStart);
  for (const node of stranded) {
    if (visited.has(node)) continue;
    const siblings = node.parent?.children;
    if (siblings) siblings.splice(siblings.indexOf(node), 1);
    node.parent = null;
    node.orphan = true;
    roots.push(node);
    placeSubtree(node, visited);
  }
  roots.sort(byStart);
}

/** The earliest SERVER span among true roots (no parent id at all), else the earliest root. */
function chooseEntry<S extends TreeSpan>(roots: readonly TraceNode<S>[]): TraceNode<S> | null {
  const server = roots.find((r) => !r.orphan && r.span.kind === 'SERVER');
  return server ?? roots[0] ?? null;
}

// Two copies of one span id come from exporter retries or partial re-sends; keep the one that says most.
function richness(span: Span): number {
  return (
    (span.status.code === 'UNSET' ? 0 : 1_000_000) +
    span.events.length * 1_000 +
    Object.keys(span.attributes).length
  );
}

function byStart(a: TraceNode<TreeSpan>, b: TraceNode<TreeSpan>): number {
  if (a.startNs !== b.startNs) return a.startNs < b.startNs ? -1 : 1;
  return a.span.spanId < b.span.spanId ? -1 : a.span.spanId > b.span.spanId ? 1 : 0;
}
