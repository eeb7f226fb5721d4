import type { Span } from '@faultline/model';
import { skewOffsetNs } from './clock-skew.js';
import { isErrorSpan } from './error-span.js';

/** A span in its trace: its parent, its children sorted by start time, and skew-corrected times. */
export interface TraceNode {
  span: Span;
  parent: TraceNode | null;
  /** Sorted by (skew-corrected) start time. */
  children: TraceNode[];
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
export interface TraceTree {
  /** Roots sorted by start time, with the entry root moved first. */
  roots: TraceNode[];
  /** The root the request entered through, or null for an empty trace. */
  entry: TraceNode | null;
  nodesById: Map<string, TraceNode>;
}

/**
 * Builds the span tree of one trace. Tolerant of what arrives in practice: spans whose parent is
 * missing become roots, duplicates of a span id collapse into the richest copy, parent cycles are
 * broken, and clock skew between services never reorders causality (a child stays a child).
 */
export function buildTraceTree(spans: readonly Span[]): TraceTree {
  const nodesById = new Map<string, TraceNode>();
  for (const span of spans) {
    const existing = nodesById.get(span.spanId);
    if (existing && richness(existing.span) >= richness(span)) continue;
    nodesById.set(span.spanId, {
      span,
      parent: null,
      children: [],
      startNs: span.startTimeUnixNano,
      endNs: span.endTimeUnixNano,
      orphan: false,
      failed: isErrorSpan(span),
    });
  }

  const roots: TraceNode[] = [];
  for (const node of nodesById.values()) {
    const parentId = node.span.parentSpanId;
    const parent = parentId && parentId !== node.span.spanId ? nodesById.get(parentId) : undefined;
    if (parent) {
      node.parent = parent;
      parent.children.push(node);
    } else {
      node.orphan = parentId !== null && parentId !== '';
      roots.push(node);
    }
  }

  const visited = new Set<TraceNode>();
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
function placeSubtree(root: TraceNode, visited: Set<TraceNode>): void {
  const queue: TraceNode[] = [root];
  visited.add(root);
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const child of node.children) {
      const ownStart = child.span.startTimeUnixNano;
      const ownEnd = child.span.endTimeUnixNano;
      // Same service, same clock: inherit the parent's correction. Another service: measure it.
      const offset =
        child.span.service === node.span.service
          ? node.startNs - node.span.startTimeUnixNano
          : skewOffsetNs(node.startNs, node.endNs, ownStart, ownEnd);
      child.startNs = ownStart + offset;
      child.endNs = ownEnd + offset;
    }
    node.children.sort(byStart);
    for (const child of node.children) {
      if (visited.has(child)) continue;
      visited.add(child);
      queue.push(child);
    }
  }
}

/** Spans whose parent chain loops (corrupt ids) are unreachable from any root: cut each loop open. */
function breakCycles(nodesById: Map<string, TraceNode>, roots: TraceNode[], visited: Set<TraceNode>): void {
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
function chooseEntry(roots: readonly TraceNode[]): TraceNode | null {
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

function byStart(a: TraceNode, b: TraceNode): number {
  if (a.startNs !== b.startNs) return a.startNs < b.startNs ? -1 : 1;
  return a.span.spanId < b.span.spanId ? -1 : a.span.spanId > b.span.spanId ? 1 : 0;
}
