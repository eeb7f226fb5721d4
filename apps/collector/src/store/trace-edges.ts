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
 */
export function traceEdges(rows: readonly EdgeSpanRow[]): TraceEdge[] {
  const byId = new Map<string, EdgeSpanRow>();
  const hasChild = new Set<string>();
  for (const row of rows) byId.set(row.span_id.toString('hex'), row);
  for (const row of rows) if (row.parent_span_id) hasChild.add(row.parent_span_id.toString('hex'));
  const edges = new Map<string, TraceEdge>();
  const add = (source: string, target: string, targetKind: TraceEdge['targetKind'], failed: boolean) => {
    const key = `${source}\u0000${target}`;
    const edge = edges.get(key) ?? { source, target, targetKind, calls: 0, errors: 0 };
    edge.calls++;
    if (failed) edge.errors++;
    edges.set(key, edge);
  };
  for (const row of rows) {
    const failed = row.failed === 1;
    if (row.kind === SERVER && row.parent_span_id) {
      const parent = byId.get(row.parent_span_id.toString('hex'));
      if (parent && parent.service !== row.service) add(parent.service, row.service, 'service', failed);
    } else if (row.kind === CLIENT && row.db_system) {
      add(row.service, row.db_system, 'database', failed);
    } else if (row.kind === CLIENT && row.http_method && !hasChild.has(row.span_id.toString('hex'))) {
      add(row.service, row.peer ?? 'unknown peer', 'uninstrumented', failed);
    }
  }
  return [...edges.values()];
}
