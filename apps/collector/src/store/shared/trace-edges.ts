/** Set by @faultline/instrument on the spans of a sampled successful trace: the requests each stands for. */
export const ADJUSTED_COUNT = 'faultline.sampling.adjusted_count';

/** The few columns of a span that decide which calls it stands for on the service map. */
export interface EdgeSpanRow {
  span_id: Buffer;
  parent_span_id: Buffer | null;
  service: string;
  kind: number;
  failed: number;
  db_system: string | null;
  http_method: string | null;
  peer: string | null;
  /** How many requests the span stands for when its trace was sampled (faultline.sampling.adjusted_count); null is 1. */
  weight: number | null;
}

/** Calls from one node to another within one trace. */
export interface TraceEdge {
  source: string;
  target: string;
  targetKind: 'service' | 'database' | 'uninstrumented';
  calls: number;
  errors: number;
}

const SERVER = 2;
const CLIENT = 3;

/**
 * The calls one trace makes between services, databases and uninstrumented peers:
 * - service -> service: a SERVER span whose parent (the caller's CLIENT span) is in another service;
 * - service -> database: a CLIENT span that carries a database system;
 * - service -> uninstrumented peer: an HTTP CLIENT span with no span below it (the peer sent none),
 *   named by its address.
 * A span of a sampled successful trace counts as the requests it stands for (`weight`), so the map's
 * call counts estimate the traffic, not the number of traces kept.
 */
export function traceEdges(rows: readonly EdgeSpanRow[]): TraceEdge[] {
  const byId = new Map<string, EdgeSpanRow>();
  const hasChild = new Set<string>();
  for (const row of rows) byId.set(row.span_id.toString('hex'), row);
  for (const row of rows) if (row.parent_span_id) hasChild.add(row.parent_span_id.toString('hex'));
  const edges = new Map<string, TraceEdge>();
  const add = (source: string, target: string, targetKind: TraceEdge['targetKind'], row: EdgeSpanRow) => {
    const key = `${source}\u0000${target}`;
    const edge = edges.get(key) ?? { source, target, targetKind, calls: 0, errors: 0 };
    const weight = row.weight !== null && row.weight >= 1 ? Math.round(row.weight) : 1;
    edge.calls += weight;
    if (row.failed === 1) edge.errors += weight;
    edges.set(key, edge);
  };
  for (const row of rows) {
    if (row.kind === SERVER && row.parent_span_id) {
      const parent = byId.get(row.parent_span_id.toString('hex'));
      if (parent && parent.service !== row.service) add(parent.service, row.service, 'service', row);
    } else if (row.kind === CLIENT && row.db_system) {
      add(row.service, row.db_system, 'database', row);
    } else if (row.kind === CLIENT && row.http_method && !hasChild.has(row.span_id.toString('hex'))) {
      add(row.service, row.peer ?? 'unknown peer', 'uninstrumented', row);
    }
  }
  return [...edges.values()];
}
