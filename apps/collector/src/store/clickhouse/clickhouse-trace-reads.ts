import type { ClickHouseClient } from '@clickhouse/client';
import type { LogRecord, Span } from '@faultline/model';
import type { TraceStamp } from '../types.js';
import type { ExporterSchema } from './clickhouse-schema.js';
import {
  type ExporterLogRow,
  type ExporterSpanRow,
  LOG_IDENTITY,
  logColumnsSql,
  rowToLog,
  rowToSpan,
  spanColumnsSql,
} from './exporter-rows.js';
import { ns, queryRows } from './query-rows.js';

/** How far around a trace's lookup bounds its logs are read. */
const LOG_MARGIN_NS = 3_600_000_000_000n;
const SECOND_NS = 1_000_000_000n;

/**
 * Reading one trace from the exporter's tables: its spans and logs, and how many there are. Every
 * per-trace answer of the ClickHouse store (the trace, its parts, outline, span, logs) is cut from it.
 */
export class ClickHouseTraceReads {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly schema: ExporterSchema,
  ) {}

  /**
   * Where a trace's spans lie in time, from the exporter's trace-id lookup table (its Start/End may
   * be whole seconds, so the end is widened by one), or null when the table has no row for it.
   */
  private async bounds(traceId: string): Promise<{ fromNs: bigint; toNs: bigint } | null> {
    if (!this.schema.traceIdLookup) return null;
    const [row] = await queryRows<{ n: string; start_ns: string; end_ns: string }>(
      this.client,
      `SELECT count() AS n, toString(toUnixTimestamp64Nano(toDateTime64(min(Start), 9))) AS start_ns,
        toString(toUnixTimestamp64Nano(toDateTime64(max(End), 9))) AS end_ns
      FROM otel_traces_trace_id_ts WHERE TraceId = {traceId:String}`,
      { traceId },
    );
    if (!row || row.n === '0') return null;
    return { fromNs: BigInt(row.start_ns), toNs: BigInt(row.end_ns) + SECOND_NS };
  }

  private async spansOf(
    traceId: string,
    bounds: { fromNs: bigint; toNs: bigint } | null,
  ): Promise<ExporterSpanRow[]> {
    const window = bounds
      ? ' AND Timestamp >= fromUnixTimestamp64Nano({from:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({to:Int64})'
      : '';
    return queryRows<ExporterSpanRow>(
      this.client,
      `SELECT ${spanColumnsSql(this.schema)} FROM otel_traces WHERE TraceId = {traceId:String}${window}
      ORDER BY Timestamp LIMIT 1 BY SpanId`,
      bounds ? { traceId, from: ns(bounds.fromNs), to: ns(bounds.toNs) } : { traceId },
    );
  }

  /**
   * The trace's spans and logs: within the lookup table's bounds when it has a row for the trace,
   * else by the plain TraceId filter; null when no span is stored.
   */
  async whole(traceId: string): Promise<{ spans: Span[]; logs: LogRecord[] } | null> {
    const bounds = await this.bounds(traceId);
    let rows = await this.spansOf(traceId, bounds);
    // A lookup row that is missing or stale (another writer, a table created later) falls back to
    // the plain TraceId filter, which the bloom-filter index keeps affordable.
    if (rows.length === 0 && bounds) rows = await this.spansOf(traceId, null);
    if (rows.length === 0) return null;
    const resources = new Map<string, Span['resource']>();
    const spans = rows.map((row) => rowToSpan(row, resources));
    if (this.schema.logColumns.size === 0) return { spans, logs: [] };
    const window = bounds
      ? ' AND Timestamp >= fromUnixTimestamp64Nano({from:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({to:Int64})'
      : '';
    const logRows = await queryRows<ExporterLogRow>(
      this.client,
      `SELECT ${logColumnsSql(this.schema)} FROM otel_logs WHERE TraceId = {traceId:String}${window}
      ORDER BY Timestamp LIMIT 1 BY ${LOG_IDENTITY}`,
      bounds
        ? { traceId, from: ns(bounds.fromNs - LOG_MARGIN_NS), to: ns(bounds.toNs + LOG_MARGIN_NS) }
        : { traceId },
    );
    return { spans, logs: logRows.map((row) => rowToLog(row, resources)) };
  }

  /** Distinct spans and logs over all of the trace's rows, where `whole` reads a window: never less than a read saw. */
  async stamp(traceId: string): Promise<TraceStamp | null> {
    const logs =
      this.schema.logColumns.size > 0
        ? `uniqExact(${LOG_IDENTITY}) FROM otel_logs WHERE TraceId = {traceId:String}`
        : '0';
    const sql = `SELECT (SELECT uniqExact(SpanId) FROM otel_traces WHERE TraceId = {traceId:String}) AS spans, (SELECT ${logs}) AS logs`;
    const [row] = await queryRows<Record<'spans' | 'logs', string>>(this.client, sql, { traceId });
    const spanCount = Number(row?.spans ?? 0);
    return spanCount === 0 ? null : { spanCount, logCount: Number(row?.logs ?? 0) };
  }
}
