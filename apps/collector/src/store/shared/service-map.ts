import type { ServiceMap, ServiceMapEdge, ServiceMapNode } from '../types.js';

/** What a store found for the map: services seen, summed edges, and per-node failure counts. */
export interface ServiceMapParts {
  services: Iterable<string>;
  edges: Iterable<ServiceMapEdge & { targetKind: ServiceMapNode['kind'] }>;
  nodeCounts: Iterable<{ node: string; originated: number; passedThrough: number }>;
}

/** Puts the map together the same way for every store: each node once, with its kind and counts. */
export function assembleServiceMap(parts: ServiceMapParts): ServiceMap {
  const nodes = new Map<string, ServiceMapNode>();
  const node = (id: string, kind: ServiceMapNode['kind']) => {
    let entry = nodes.get(id);
    if (!entry) {
      entry = { id, kind, originated: 0, passedThrough: 0 };
      nodes.set(id, entry);
    }
    return entry;
  };
  for (const service of parts.services) node(service, 'service');
  const edges: ServiceMapEdge[] = [];
  for (const e of parts.edges) {
    node(e.source, 'service');
    node(e.target, e.targetKind);
    edges.push({ source: e.source, target: e.target, calls: e.calls, errors: e.errors });
  }
  for (const row of parts.nodeCounts) {
    const entry = node(row.node, 'service');
    entry.originated += row.originated;
    entry.passedThrough += row.passedThrough;
  }
  return { nodes: [...nodes.values()], edges };
}
