import { badQuery } from '../errors.js';
import { blobToId } from './span-rows.js';
import type { TraceQuery, TraceSummary } from './store.js';

/** A statement with its values, every one bound as a parameter. */
export interface BoundSql {
  sql: string;
  params: unknown[];
}

/** Encodes the position after the last row of a page: start time and trace id, base64url. */
export function encodeCursor(startNs: bigint, traceId: Buffer): string {
  return Buffer.from(`${startNs}:${traceId.toString('hex')}`).toString('base64url');
}

function decodeCursor(cursor: string): { startNs: bigint; traceId: Buffer } {
  const match = /^(\d+):([0-9a-f]{32})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw badQuery('cursor is not one this API returned');
  return { startNs: BigInt(match[1]!), traceId: Buffer.from(match[2]!, 'hex') };
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

/**
 * Builds the search over the per-trace summary table, newest first, with keyset pagination.
 * Span-level filters (service, operation, attributes) are EXISTS probes into the trace's own spans,
 * found by the trace's key, so each probe is one short range read.
 */
export function buildTraceSearch(query: TraceQuery): BoundSql {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.service !== undefined || query.operation !== undefined) {
    const parts = ['s.trace_key = t.trace_key'];
    if (query.service !== undefined) {
      parts.push('s.service = ?');
      params.push(query.service);
    }
    if (query.operation !== undefined) {
      parts.push('s.name = ?');
      params.push(query.operation);
    }
    where.push(`EXISTS (SELECT 1 FROM spans s WHERE ${parts.join(' AND ')})`);
  }
  if (query.errorsOnly) where.push('t.error_count > 0');
  if (query.group !== undefined) {
    where.push('t.fingerprint = ?');
    params.push(query.group);
  }
  if (query.httpStatusCode !== undefined) {
    where.push('t.http_status = ?');
    params.push(query.httpStatusCode);
  }
  if (query.minDurationMs !== undefined) {
    where.push('t.end_ns - t.start_ns >= ?');
    params.push(BigInt(Math.round(query.minDurationMs * 1e6)));
  }
  if (query.maxDurationMs !== undefined) {
    where.push('t.end_ns - t.start_ns <= ?');
    params.push(BigInt(Math.round(query.maxDurationMs * 1e6)));
  }
  if (query.startTimeUnixNano !== undefined) {
    where.push('t.start_ns >= ?');
    params.push(query.startTimeUnixNano);
  }
  if (query.endTimeUnixNano !== undefined) {
    where.push('t.start_ns <= ?');
    params.push(query.endTimeUnixNano);
  }
  for (const [key, value] of Object.entries(query.attributes ?? {})) {
    const path = jsonPath(key);
    // A key matches a span attribute or an attribute of the span's resource (service.version=1.4.2).
    where.push(
      `EXISTS (SELECT 1 FROM spans s WHERE s.trace_key = t.trace_key AND (
         fl_attr(s.attributes, ?) = ?
         OR EXISTS (SELECT 1 FROM resources r WHERE r.resource_id = s.resource_id
                    AND CAST(json_extract(r.attributes, ?) AS TEXT) = ?)))`,
    );
    params.push(key, value, path, value);
  }
  if (query.cursor !== undefined) {
    const { startNs, traceId } = decodeCursor(query.cursor);
    where.push('(t.start_ns < ? OR (t.start_ns = ? AND t.trace_id < ?))');
    params.push(startNs, startNs, traceId);
  }
  const sql = `SELECT t.* FROM traces t${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
    ORDER BY t.start_ns DESC, t.trace_id DESC LIMIT ?`;
  params.push(query.limit + 1);
  return { sql, params };
}

/** A row of the trace search, as read with safe integers. */
export interface TraceSummaryRow {
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
