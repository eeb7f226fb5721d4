import type Database from 'better-sqlite3';
import { decodeCursor, encodeCursor, type SearchPosition } from '../shared/cursor.js';
import type { TracePage, TraceQuery } from '../types.js';
import { type BoundSql, buildSearchParts, type TraceSummaryRow, toTraceSummary } from './trace-search-sql.js';

/** How much one search may examine before it answers with what it found and where it stopped. */
export interface SearchBudget {
  /** Trace rows plus span rows read. */
  maxRows: number;
  /** Wall time, event-loop turns between statements included. */
  maxMs: number;
}

/**
 * 200,000 rows or one second: a search that matches nothing would otherwise read every span of the
 * database, which grows without bound (bench/RESULTS.md: `attr=foo=bar` over 350,000 spans).
 */
export const DEFAULT_SEARCH_BUDGET: SearchBudget = { maxRows: 200_000, maxMs: 1000 };

/** Traces read per window statement, at most. */
const WINDOW_TRACES = 512;
/** Spans read per probe statement: small traces are probed together up to this, a big one in chunks. */
const PROBE_SPANS = 4000;
/** The event loop gets a turn once a slice of statements has taken this long. */
const SLICE_MS = 10;

type Row = TraceSummaryRow & { hit: bigint };

const positionOf = (row: Row, inside?: SearchPosition['inside']): SearchPosition =>
  inside
    ? { startNs: row.start_ns, traceId: row.trace_id, inside }
    : { startNs: row.start_ns, traceId: row.trace_id };

/**
 * The trace search, bounded: the range is read a window of traces at a time, and a trace's spans (when
 * the query filters on them) a few thousand at a time, each one short statement with the event loop
 * turning between slices. Past the budget the search answers with what it found, `cutShort`, and a
 * cursor that goes on from where it stopped, inside a trace if need be, so no trace is too big to get
 * past.
 */
export class SqliteTraceSearch {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly budget: SearchBudget,
  ) {}

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql).safeIntegers();
      // Queries differ only in which filters they have: a few dozen shapes at most.
      if (this.statements.size > 200) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Runs a search (see the class comment); `prepare` readies the connection for its statements (the
   * attribute keys' ids), at the start and after every turn of the event loop.
   */
  async search(query: TraceQuery, prepare: () => void = () => {}): Promise<TracePage> {
    prepare();
    const { window, spanFilters } = buildSearchParts(query);
    const full = (1 << spanFilters.length) - 1;
    const started = performance.now();
    let sliceStarted = started;
    let examined = 0;
    const found: Row[] = [];
    let position: SearchPosition | null = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const pageFull = () => found.length > query.limit;
    const overBudget = () =>
      examined >= this.budget.maxRows || performance.now() - started >= this.budget.maxMs;
    const breathe = async () => {
      if (performance.now() - sliceStarted < SLICE_MS) return;
      await new Promise((resolve) => setImmediate(resolve));
      prepare();
      sliceStarted = performance.now();
    };

    /** Probes one trace's spans from a point, chunk by chunk; its position when cut short inside it. */
    const probeBig = async (row: Row, from: SearchPosition['inside']) => {
      let inside = from ?? { spanAfter: Buffer.alloc(0), met: 0 };
      const probe = chunkProbe(spanFilters);
      for (;;) {
        const result = this.statement(probe.sql).get(
          ...probe.params(row.trace_key, inside.spanAfter),
        ) as Record<string, bigint | Buffer | null> & { n: bigint; last: Buffer | null };
        examined += Number(result.n);
        let met = inside.met;
        for (let i = 0; i < spanFilters.length; i++) if (result[`m${i}`]) met |= 1 << i;
        if (met === full) return { matched: true };
        if (Number(result.n) < PROBE_SPANS || result.last === null) return { matched: false };
        inside = { spanAfter: result.last, met };
        if (overBudget()) return { matched: false, stoppedAt: positionOf(row, inside) };
        await breathe();
      }
    };

    let small: Row[] = [];
    let smallSpans = 0;
    /** Probes the gathered small traces in one statement; false once the page is full. */
    const flushSmall = () => {
      if (small.length === 0) return true;
      const probe = groupProbe(spanFilters);
      const keys = JSON.stringify(small.filter((r) => r.hit).map((r) => Number(r.trace_key)));
      const matched = new Set(
        (
          this.statement(probe.sql)
            .pluck()
            .all(keys, ...probe.params) as bigint[]
        ).map(Number),
      );
      const rows = small;
      small = [];
      smallSpans = 0;
      for (const row of rows) {
        position = positionOf(row);
        if (!row.hit) continue;
        examined += Number(row.span_count);
        if (matched.has(Number(row.trace_key))) found.push(row);
        if (pageFull()) return false;
      }
      return true;
    };

    let cutShort = false;
    // A page's worth first (a listing without filters needs no more), growing while matches are rare.
    let size = Math.min(WINDOW_TRACES, query.limit + 1);
    search: for (;;) {
      const { sql, params } = window(position, size);
      const rows = this.statement(sql).all(...params) as Row[];
      const resumeAt = position?.inside ? position : null;
      for (const row of rows) {
        examined++;
        const resumeHere =
          resumeAt !== null && row.trace_id.equals(resumeAt.traceId) && row.start_ns === resumeAt.startNs;
        if (!row.hit) {
          // Behind traces still to probe, it waits its turn so the position only ever moves forward.
          if (small.length === 0) position = positionOf(row);
          else small.push(row);
          continue;
        }
        if (spanFilters.length === 0) {
          found.push(row);
          position = positionOf(row);
        } else if (!resumeHere && Number(row.span_count) <= PROBE_SPANS) {
          small.push(row);
          smallSpans += Number(row.span_count);
          if (smallSpans < PROBE_SPANS) continue;
          if (!flushSmall()) break search;
        } else {
          if (!flushSmall()) break search;
          const outcome = await probeBig(row, resumeHere ? resumeAt.inside : undefined);
          if (outcome.matched) found.push(row);
          if (outcome.stoppedAt) {
            position = outcome.stoppedAt;
            cutShort = true;
            break search;
          }
          position = positionOf(row);
        }
        if (pageFull()) break search;
        // After each probe statement: the rest of the window waits for the next answer if need be.
        if (spanFilters.length > 0 && small.length === 0) {
          if (overBudget()) {
            cutShort = true;
            break search;
          }
          await breathe();
        }
      }
      if (!flushSmall()) break;
      if (rows.length < size) break;
      size = Math.min(WINDOW_TRACES, size * 4);
      if (overBudget()) {
        cutShort = true;
        break;
      }
      await breathe();
    }
    const page = found.slice(0, query.limit);
    const last = page.at(-1);
    let nextCursor: string | null = null;
    if (found.length > query.limit && last) nextCursor = encodeCursor(last.start_ns, last.trace_id);
    else if (cutShort && position)
      nextCursor = encodeCursor(position.startNs, position.traceId, position.inside);
    return { traces: page.map(toTraceSummary), nextCursor, ...(cutShort ? { cutShort: true } : {}) };
  }
}

/** Which of the span filters some span of each listed trace meets, in one statement. */
function groupProbe(filters: BoundSql[]): { sql: string; params: unknown[] } {
  return {
    sql: `SELECT s.trace_key FROM spans s WHERE s.trace_key IN (SELECT value FROM json_each(?))
      GROUP BY s.trace_key HAVING ${filters.map((f) => `max(${f.sql})`).join(' AND ')}`,
    params: filters.flatMap((f) => f.params),
  };
}

/** Which span filters the next PROBE_SPANS spans of one trace (by span id) meet, and the last id read. */
function chunkProbe(filters: BoundSql[]): {
  sql: string;
  params: (traceKey: bigint, after: Buffer) => unknown[];
} {
  const columns = filters.map((f, i) => `(${f.sql}) AS c${i}`).join(', ');
  const maxima = filters.map((_, i) => `max(c${i}) AS m${i}`).join(', ');
  return {
    sql: `SELECT count(*) AS n, max(span_id) AS last, ${maxima} FROM (
      SELECT s.span_id, ${columns} FROM spans s WHERE s.trace_key = ? AND s.span_id > ?
      ORDER BY s.span_id LIMIT ${PROBE_SPANS})`,
    params: (traceKey, after) => [...filters.flatMap((f) => f.params), traceKey, after],
  };
}
