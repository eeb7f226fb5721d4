import { badQuery } from '../../errors.js';
import type { TraceQuery } from '../types.js';
import { since, traceSummarySql } from './exporter-sql.js';
import { ns, type QueryParams } from './query-rows.js';

/** How far before a search's start time spans are read, so a trace that began earlier is whole. */
const SPAN_MARGIN_NS = 3_600_000_000_000n;

function decodeCursor(cursor: string): { startNs: bigint; traceId: string } {
  const match = /^(\d+):([0-9a-f]{32})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw badQuery('cursor is not one this API returned');
  return { startNs: BigInt(match[1]!), traceId: match[2]! };
}

/**
 * The trace search over the exporter's spans, newest first, with the same keyset cursor as the
 * SQLite store. Spans of the searched window are summarized per trace (traceSummarySql); span-level
 * filters (service, operation, attributes) are counts over the trace's spans, so a trace matches when
 * any of its spans does. Every value is a bound parameter.
 */
export function buildClickHouseSearch(
  query: TraceQuery,
  nowNs: bigint,
  windowNs: bigint,
): { sql: string; params: QueryParams } {
  const params: QueryParams = {};
  const from = query.startTimeUnixNano ?? nowNs - windowNs;
  params.spansFrom = ns(from - SPAN_MARGIN_NS);
  const spanWhere = [since('spansFrom')];
  const having: string[] = [];
  const where = ['t.start_ns >= {from:Int64}'];
  params.from = ns(from);
  if (query.endTimeUnixNano !== undefined) {
    spanWhere.push('Timestamp <= fromUnixTimestamp64Nano({spansTo:Int64})');
    params.spansTo = ns(query.endTimeUnixNano + SPAN_MARGIN_NS);
    where.push('t.start_ns <= {to:Int64}');
    params.to = ns(query.endTimeUnixNano);
  }
  if (query.service !== undefined || query.operation !== undefined) {
    const parts: string[] = [];
    if (query.service !== undefined) {
      parts.push('ServiceName = {service:String}');
      params.service = query.service;
    }
    if (query.operation !== undefined) {
      parts.push('SpanName = {operation:String}');
      params.operation = query.operation;
    }
    having.push(`countIf(${parts.join(' AND ')}) > 0`);
  }
  Object.entries(query.attributes ?? {}).forEach(([key, value], i) => {
    // A key matches a span attribute or an attribute of the span's resource (service.version=1.4.2).
    having.push(
      `countIf(SpanAttributes[{ak${i}:String}] = {av${i}:String} OR ResourceAttributes[{ak${i}:String}] = {av${i}:String}) > 0`,
    );
    params[`ak${i}`] = key;
    params[`av${i}`] = value;
  });
  if (query.errorsOnly) where.push('t.error_count > 0');
  if (query.httpStatusCode !== undefined) {
    where.push('t.root.5 = {status:Int32}');
    params.status = query.httpStatusCode;
  }
  if (query.minDurationMs !== undefined) {
    where.push('t.end_ns - t.start_ns >= {minNs:Int64}');
    params.minNs = ns(BigInt(Math.round(query.minDurationMs * 1e6)));
  }
  if (query.maxDurationMs !== undefined) {
    where.push('t.end_ns - t.start_ns <= {maxNs:Int64}');
    params.maxNs = ns(BigInt(Math.round(query.maxDurationMs * 1e6)));
  }
  if (query.group !== undefined) {
    where.push('v.Fingerprint = {group:String}');
    params.group = query.group;
  }
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor);
    where.push(
      '(t.start_ns < {cursorNs:Int64} OR (t.start_ns = {cursorNs:Int64} AND t.trace_id < {cursorId:String}))',
    );
    params.cursorNs = ns(cursor.startNs);
    params.cursorId = cursor.traceId;
  }
  params.limit = query.limit + 1;
  const summary = traceSummarySql(spanWhere.join(' AND '));
  const sql = `SELECT t.trace_id AS trace_id, toString(t.start_ns) AS start_ns, toString(t.end_ns) AS end_ns,
      t.span_count AS span_count, t.error_count AS error_count, t.root AS root, t.services AS services,
      v.Fingerprint AS fingerprint, v.Cause AS cause, v.OriginService AS origin_service
    FROM (${summary}${having.length ? ` HAVING ${having.join(' AND ')}` : ''}) AS t
    LEFT JOIN (SELECT TraceId, Fingerprint, Cause, OriginService FROM faultline_verdicts FINAL
      WHERE Failing = 1 AND StartNs >= {spansFrom:Int64}) AS v
      ON v.TraceId = t.trace_id
    WHERE ${where.join(' AND ')}
    ORDER BY t.start_ns DESC, t.trace_id DESC LIMIT {limit:UInt32}`;
  return { sql, params };
}
