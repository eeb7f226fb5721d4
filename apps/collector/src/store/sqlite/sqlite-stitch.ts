import type { Span } from '@faultline/model';
import type Database from 'better-sqlite3';
import type { StitchCallWindow, StitchNeighbours } from '../types.js';
import { SPAN_COLUMNS, type StoredSpanRow } from './span-rows.js';

// Kinds and status codes as stored (SPAN_KIND_NAMES, STATUS_CODE_NAMES).
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

/**
 * The stitcher's reads (docs/diagnosis.md, "Stitched traces"): both walk `traces_by_start` over a
 * window of trace start times and join the one span each trace row names (its root, or its verdict's
 * origin) by the `spans_by_trace` key, so a lookup costs the traces in the window, never their spans.
 */
export class SqliteStitchReads {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly toSpan: (row: StoredSpanRow) => Span,
  ) {
    this.stmt = {
      // A failing callee's root: no parent (the proxy dropped it), a SERVER span, 5xx or ERROR.
      roots: db
        .prepare(
          `SELECT ${SPAN_COLUMNS} FROM traces t
             JOIN spans s ON s.trace_key = t.trace_key AND s.span_id = t.root_span_id
           WHERE t.start_ns BETWEEN ? AND ? AND t.root_has_parent = 0 AND s.parent_span_id IS NULL
             AND s.kind = ${SERVER} AND (s.http_status >= 500 OR s.status_code = ${ERROR})
             AND s.http_method = ?
           LIMIT ?`,
        )
        .safeIntegers(),
      // Only calls of the same method overlapping the window are decoded; the rest are told apart by
      // the promoted columns.
      calls: db
        .prepare(
          `SELECT ${SPAN_COLUMNS}, t.cause FROM traces t
             JOIN spans s ON s.trace_key = t.trace_key AND s.span_id = t.origin_span_id
           WHERE t.start_ns BETWEEN @tracesFrom AND @overlapsTo AND t.origin_span_id IS NOT NULL
             AND s.kind = ${CLIENT} AND s.http_method = @method
             AND s.start_ns <= @overlapsTo AND s.start_ns + s.duration_ns >= @overlapsFrom
           LIMIT @limit`,
        )
        .safeIntegers(),
    };
  }

  /** See `Store.stitchNeighbours`. */
  neighbours(
    roots: { fromNs: bigint; toNs: bigint } | null,
    calls: StitchCallWindow,
    limit: number,
  ): StitchNeighbours {
    // One more than the limit is read, to tell "exactly the limit" from "more than it".
    const rootRows = roots
      ? (this.stmt.roots.all(roots.fromNs, roots.toNs, calls.method, limit + 1) as StoredSpanRow[])
      : [];
    const callRows = this.stmt.calls.all({
      tracesFrom: calls.tracesFromNs,
      overlapsFrom: calls.overlapsFromNs,
      overlapsTo: calls.overlapsToNs,
      method: calls.method,
      limit: limit + 1,
    }) as (StoredSpanRow & { cause: string | null })[];
    return {
      roots: rootRows.slice(0, limit).map(this.toSpan),
      calls: callRows.slice(0, limit).map((row) => ({ span: this.toSpan(row), cause: row.cause ?? '' })),
      full: rootRows.length > limit || callRows.length > limit,
    };
  }
}
