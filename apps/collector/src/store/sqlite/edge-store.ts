import type Database from 'better-sqlite3';
import { ADJUSTED_COUNT, type EdgeSpanRow, type TraceEdge, traceEdges } from '../shared/trace-edges.js';

const minuteOf = (ns: bigint): number => Math.floor(Number(ns / 1_000_000n) / 60_000) * 60_000;

/**
 * Service-map edges per minute, maintained as traces are finalized. Each trace remembers what it
 * contributed, so when a late span changes it, the old contribution is taken back and the new one
 * added: the counts stay exact whatever order spans arrive in.
 */
export class EdgeStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      spans: db.prepare(
        `SELECT span_id, parent_span_id, service, kind,
           (status_code = 2 OR IFNULL(http_status, 0) >= 500) AS failed, db_system, http_method,
           CASE WHEN kind = 3 THEN fl_peer(attributes) END AS peer,
           CASE WHEN kind IN (2, 3) THEN CAST(fl_attr(attributes, '${ADJUSTED_COUNT}') AS INTEGER) END AS weight
         FROM spans WHERE trace_key = (SELECT trace_key FROM traces WHERE trace_id = ?)`,
      ),
      previous: db.prepare('SELECT edges, start_ns FROM traces WHERE trace_id = ?').safeIntegers(),
      save: db.prepare('UPDATE traces SET edges = ? WHERE trace_id = ?'),
      add: db.prepare(
        `INSERT INTO service_edges VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (minute_ms, source, target)
         DO UPDATE SET calls = calls + excluded.calls, errors = errors + excluded.errors`,
      ),
      sum: db.prepare(
        `SELECT source, target, target_kind AS targetKind, SUM(calls) AS calls, SUM(errors) AS errors
         FROM service_edges WHERE minute_ms >= ? GROUP BY source, target HAVING SUM(calls) > 0`,
      ),
      prune: db.prepare('DELETE FROM service_edges WHERE minute_ms < ?'),
    };
  }

  /** Recomputes one trace's edges from its stored spans and moves the counts (call in a transaction). */
  update(traceId: Buffer): void {
    const previous = this.stmt.previous.get(traceId) as
      | { edges: string | null; start_ns: bigint }
      | undefined;
    if (!previous) return;
    const minute = minuteOf(previous.start_ns);
    if (previous.edges) {
      for (const e of decodeTraceEdges(previous.edges)) {
        this.stmt.add.run(minute, e.source, e.target, e.targetKind, -e.calls, -e.errors);
      }
    }
    const edges = traceEdges(this.stmt.spans.all(traceId) as EdgeSpanRow[]);
    for (const e of edges) this.stmt.add.run(minute, e.source, e.target, e.targetKind, e.calls, e.errors);
    this.stmt.save.run(edges.length ? encodeTraceEdges(edges) : null, traceId);
  }

  /** Edges of traces that started at or after `sinceMs`, summed. */
  edgesSince(sinceMs: number): TraceEdge[] {
    return this.stmt.sum.all(Math.floor(sinceMs / 60_000) * 60_000) as TraceEdge[];
  }

  /** Drops minutes older than `cutoffNs`. */
  prune(cutoffNs: bigint): void {
    this.stmt.prune.run(minuteOf(cutoffNs));
  }
}

type EdgeTuple = [TraceEdge['source'], TraceEdge['target'], TraceEdge['targetKind'], number, number];

/**
 * What a trace contributed to the map, as `traces.edges` keeps it: tuples, not objects, because every
 * finalized trace stores one (about half the bytes of the objects' JSON).
 */
export function encodeTraceEdges(edges: readonly TraceEdge[]): string {
  return JSON.stringify(edges.map((e): EdgeTuple => [e.source, e.target, e.targetKind, e.calls, e.errors]));
}

/** Reads `encodeTraceEdges`' tuples, or the objects that rows written before it hold. */
export function decodeTraceEdges(stored: string): TraceEdge[] {
  return (JSON.parse(stored) as Array<EdgeTuple | TraceEdge>).map((e) =>
    Array.isArray(e) ? { source: e[0], target: e[1], targetKind: e[2], calls: e[3], errors: e[4] } : e,
  );
}
