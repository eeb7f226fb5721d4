import type { WireMapEdge, WireMapNode, WireServiceMap } from '../api/wire-types.js';
import { edgeKey, type TraceOnMap } from './trace-on-map.js';

/** A node as drawn: the collector's counts, and whether the map's window saw it at all. */
export interface MapNode extends WireMapNode {
  /** True when only the highlighted trace names it (an imported or older trace). */
  traceOnly: boolean;
}

/** An edge as drawn. */
export interface MapEdge extends WireMapEdge {
  /** True when only the highlighted trace makes this call (its counts are that trace's). */
  traceOnly: boolean;
}

/**
 * The map to draw: the collector's nodes and edges, plus whatever the highlighted trace crosses that the
 * last 24 hours do not hold (an imported trace, or one older than the window), so its path is always
 * drawn whole.
 */
export function mapWithTrace(
  map: WireServiceMap,
  lit: TraceOnMap | undefined,
): {
  nodes: MapNode[];
  edges: MapEdge[];
} {
  const nodes = map.nodes.map((n) => ({ ...n, traceOnly: false }));
  const edges = map.edges.map((e) => ({ ...e, traceOnly: false }));
  if (!lit) return { nodes, edges };
  const known = new Set(nodes.map((n) => n.id));
  const kinds = new Map<string, WireMapNode['kind']>();
  for (const call of lit.calls.values()) kinds.set(call.target, call.targetKind);
  for (const id of lit.nodes) {
    if (known.has(id)) continue;
    // The origin of an uninstrumented failure is named by the peer's address, as its call target is.
    nodes.push({ id, kind: kinds.get(id) ?? 'service', originated: 0, passedThrough: 0, traceOnly: true });
    known.add(id);
  }
  const drawn = new Set(edges.map((e) => edgeKey(e.source, e.target)));
  for (const [key, call] of lit.calls) {
    if (drawn.has(key)) continue;
    edges.push({
      source: call.source,
      target: call.target,
      calls: call.calls,
      errors: call.errors,
      traceOnly: true,
    });
  }
  return { nodes, edges };
}
