import type Database from 'better-sqlite3';
import type { EdgeStore } from '../sqlite/edge-store.js';
import type { FailureStore } from '../sqlite/failure-store.js';

/** A node of the service map. */
export interface ServiceMapNode {
  id: string;
  kind: 'service' | 'database' | 'uninstrumented';
  /** Failing traces whose failure originated here. */
  originated: number;
  /** Failing traces that crossed this node without originating here. */
  passedThrough: number;
}

/** A directed edge: calls from `source` to `target`, and how many of them failed. */
export interface ServiceMapEdge {
  source: string;
  target: string;
  calls: number;
  errors: number;
}

/** The service map of traces started since a time. */
export interface ServiceMap {
  nodes: ServiceMapNode[];
  edges: ServiceMapEdge[];
}

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

/** Computes the service map of traces started at or after `sinceNs` from the per-minute edge counts. */
export function computeServiceMap(
  db: Database.Database,
  edgeStore: EdgeStore,
  failures: FailureStore,
  sinceNs: bigint,
): ServiceMap {
  const sinceMs = Number(sinceNs / 1_000_000n);
  const services = db.prepare('SELECT DISTINCT service FROM operations').pluck().all() as string[];
  return assembleServiceMap({
    services,
    edges: edgeStore.edgesSince(sinceMs),
    nodeCounts: failures.nodeCounts(sinceMs),
  });
}
