import { badQuery } from '../../errors.js';
import type { SearchPosition } from '../shared/cursor.js';
import type { TraceQuery, TraceSummary } from '../types.js';
import { blobToId } from './span-rows.js';

/** A statement with its values, every one bound as a parameter. */
export interface BoundSql {
  sql: string;
  params: unknown[];
}

/**
 * SQLite JSON paths quote a key in double quotes and read a backslash inside them as an escape
 * (`\"` is a quote, a trailing `\` is "bad JSON path", a SQLITE_ERROR), and a NUL ends the path. A key
 * holding any of these cannot be addressed as written: refuse it rather than build a path that fails
 * or means another key.
 */
function jsonPath(key: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/["\\\u0000-\u001f]/.test(key))
    throw badQuery(
      `attr key ${JSON.stringify(key)} may not contain a double quote, a backslash or a control character`,
    );
  return `$."${key}"`;
}

/** The columns of a search row: the summary, and the key its spans are found by. */
const SUMMARY_COLUMNS = `t.trace_key, t.trace_id, t.root_service, t.root_name, t.start_ns, t.end_ns,
  t.span_count, t.error_count, t.http_method, t.http_route, t.http_status, t.services, t.cause,
  t.origin_service, t.fingerprint`;

/**
 * The search in two parts, so that no one statement reads without bound (sqlite-trace-search.ts
 * drives them): `window` reads the next traces of the range after a position, newest first, each
 * with `hit` (its own columns match); `spanFilters` are what a span of the trace must meet (service
 * and operation; each attribute), each tested on a span `s`. Every value is bound as a parameter.
 */
export interface SearchParts {
  window: (position: SearchPosition | null, size: number) => BoundSql;
  spanFilters: BoundSql[];
}

/** Builds the parts of the search over the per-trace summary table, newest first, keyset-paged. */
export function buildSearchParts(query: TraceQuery): SearchParts {
  const range: string[] = [];
  const rangeParams: unknown[] = [];
  const own: string[] = [];
  const ownParams: unknown[] = [];
  const spanFilters: BoundSql[] = [];
  if (query.service !== undefined || query.operation !== undefined) {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (query.service !== undefined) {
      parts.push('s.service = ?');
      params.push(query.service);
    }
    if (query.operation !== undefined) {
      parts.push('s.name = ?');
      params.push(query.operation);
    }
    spanFilters.push({ sql: parts.join(' AND '), params });
  }
  if (query.errorsOnly) own.push('t.error_count > 0');
  if (query.group !== undefined) {
    range.push('t.fingerprint = ?');
    rangeParams.push(query.group);
  }
  if (query.httpStatusCode !== undefined) {
    own.push('t.http_status = ?');
    ownParams.push(query.httpStatusCode);
  }
  if (query.minDurationMs !== undefined) {
    own.push('t.end_ns - t.start_ns >= ?');
    ownParams.push(BigInt(Math.round(query.minDurationMs * 1e6)));
  }
  if (query.maxDurationMs !== undefined) {
    own.push('t.end_ns - t.start_ns <= ?');
    ownParams.push(BigInt(Math.round(query.maxDurationMs * 1e6)));
  }
  if (query.startTimeUnixNano !== undefined) {
    range.push('t.start_ns >= ?');
    rangeParams.push(query.startTimeUnixNano);
  }
  if (query.endTimeUnixNano !== undefined) {
    range.push('t.start_ns <= ?');
    rangeParams.push(query.endTimeUnixNano);
  }
  for (const [key, value] of Object.entries(query.attributes ?? {})) {
    // A key matches a span attribute or an attribute of the span's resource (service.version=1.4.2).
    spanFilters.push({
      sql: `(fl_attr(s.attributes, ?) = ? OR EXISTS (SELECT 1 FROM resources r
              WHERE r.resource_id = s.resource_id AND CAST(json_extract(r.attributes, ?) AS TEXT) = ?))`,
      params: [key, value, jsonPath(key), value],
    });
  }
  const window = (position: SearchPosition | null, size: number): BoundSql => {
    const where = [...range];
    const params = [...ownParams, ...rangeParams];
    if (position) {
      // Resuming inside a trace reads that trace again (from the span where it stopped).
      where.push(`(t.start_ns < ? OR (t.start_ns = ? AND t.trace_id ${position.inside ? '<=' : '<'} ?))`);
      params.push(position.startNs, position.startNs, position.traceId);
    }
    params.push(size);
    return {
      sql: `SELECT ${SUMMARY_COLUMNS}, ${own.length ? own.join(' AND ') : '1'} AS hit
        FROM traces t${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
        ORDER BY t.start_ns DESC, t.trace_id DESC LIMIT ?`,
      params,
    };
  };
  return { window, spanFilters };
}

/** A row of the trace search, as read with safe integers. */
export interface TraceSummaryRow {
  trace_key: bigint;
  trace_id: Buffer;
  root_service: string | null;
  root_name: string | null;
  start_ns: bigint;
  end_ns: bigint;
  span_count: bigint;
  error_count: bigint;
  http_method: string | null;
  http_route: string | null;
  http_status: bigint | null;
  services: string;
  cause: string | null;
  origin_service: string | null;
  fingerprint: string | null;
}

/** A search row as a trace summary. */
export function toTraceSummary(row: TraceSummaryRow): TraceSummary {
  return {
    traceId: blobToId(row.trace_id),
    rootService: row.root_service,
    rootName: row.root_name,
    startTimeUnixNano: row.start_ns,
    endTimeUnixNano: row.end_ns,
    spanCount: Number(row.span_count),
    errorCount: Number(row.error_count),
    httpMethod: row.http_method,
    httpRoute: row.http_route,
    httpStatusCode: row.http_status === null ? null : Number(row.http_status),
    services: JSON.parse(row.services) as string[],
    cause: row.cause,
    originService: row.origin_service,
    fingerprint: row.fingerprint,
  };
}
