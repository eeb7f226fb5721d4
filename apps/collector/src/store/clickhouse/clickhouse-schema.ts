import type { ClickHouseClient } from '@clickhouse/client';

/** What the collector found of the exporter's tables at start: versions differ in a few columns. */
export interface ExporterSchema {
  /** `ScopeName`/`ScopeVersion` columns (newer exporters); older ones put the scope in SpanAttributes. */
  traceScopeColumns: boolean;
  /** `otel_traces_trace_id_ts` exists: trace lookups are bounded by its Start/End. */
  traceIdLookup: boolean;
  /** Columns of `otel_logs` that an insert may name (none when the table is absent). */
  logColumns: ReadonlySet<string>;
}

interface ColumnRow {
  table: string;
  name: string;
  default_kind: string;
}

/*
 * When no OTel Collector created the tables yet (sidecars feeding ClickHouse directly), the collector
 * creates tables with the exporter's names and columns, so an exporter pointed at the same database
 * later writes into them unchanged. Written from the exporter's documented columns; layout (sort key,
 * indexes) is Faultline's own: time first, then the trace id a lookup probes.
 */
const EXPORTER_COMPATIBLE_TABLES = (ttlSeconds: number): string[] => [
  `CREATE TABLE IF NOT EXISTS otel_traces (
    Timestamp DateTime64(9), TraceId String, SpanId String, ParentSpanId String, TraceState String,
    SpanName LowCardinality(String), SpanKind LowCardinality(String), ServiceName LowCardinality(String),
    ResourceAttributes Map(LowCardinality(String), String), ScopeName String, ScopeVersion String,
    SpanAttributes Map(LowCardinality(String), String), Duration UInt64,
    StatusCode LowCardinality(String), StatusMessage String,
    Events Nested (Timestamp DateTime64(9), Name LowCardinality(String), Attributes Map(LowCardinality(String), String)),
    Links Nested (TraceId String, SpanId String, TraceState String, Attributes Map(LowCardinality(String), String)),
    INDEX trace_id_bloom TraceId TYPE bloom_filter(0.001) GRANULARITY 1
  ) ENGINE = MergeTree PARTITION BY toDate(Timestamp)
  ORDER BY (ServiceName, SpanName, toDateTime(Timestamp), Timestamp)
  TTL toDateTime(Timestamp) + toIntervalSecond(${ttlSeconds})`,
  `CREATE TABLE IF NOT EXISTS otel_traces_trace_id_ts (TraceId String, Start DateTime64(9), End DateTime64(9))
  ENGINE = MergeTree ORDER BY (TraceId, Start) TTL toDateTime(Start) + toIntervalSecond(${ttlSeconds})`,
  `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_trace_id_ts_mv TO otel_traces_trace_id_ts AS
  SELECT TraceId, min(Timestamp) AS Start, max(Timestamp) AS End FROM otel_traces WHERE TraceId != '' GROUP BY TraceId`,
  `CREATE TABLE IF NOT EXISTS otel_logs (
    Timestamp DateTime64(9), TimestampTime DateTime DEFAULT toDateTime(Timestamp), TraceId String, SpanId String,
    TraceFlags UInt8, SeverityText LowCardinality(String), SeverityNumber UInt8, ServiceName LowCardinality(String),
    Body String, ResourceSchemaUrl LowCardinality(String), ResourceAttributes Map(LowCardinality(String), String),
    ScopeSchemaUrl LowCardinality(String), ScopeName String, ScopeVersion LowCardinality(String),
    ScopeAttributes Map(LowCardinality(String), String), LogAttributes Map(LowCardinality(String), String),
    INDEX trace_id_bloom TraceId TYPE bloom_filter(0.001) GRANULARITY 1
  ) ENGINE = MergeTree PARTITION BY toDate(TimestampTime) ORDER BY (ServiceName, TimestampTime, Timestamp)
  TTL TimestampTime + toIntervalSecond(${ttlSeconds})`,
];

/*
 * Faultline's own state, beside the exporter's tables and never in them. One row per finalized trace
 * (its stamp and service-map edges) and one per failing verdict; a newer row for the same trace
 * replaces the older one (ReplacingMergeTree on Version, read with FINAL), so a late span that changes
 * a trace simply writes its new row. Failure groups and the service map are queries over these.
 */
const FAULTLINE_TABLES = (ttlSeconds: number): string[] => [
  `CREATE TABLE IF NOT EXISTS faultline_finalized (
    TraceId String, Stamp UInt64, StartNs Int64,
    Edges Array(Tuple(source String, target String, kind LowCardinality(String), calls UInt32, errors UInt32)),
    Version UInt64
  ) ENGINE = ReplacingMergeTree(Version) ORDER BY TraceId
  TTL toDateTime(intDiv(StartNs, 1000000000)) + toIntervalSecond(${ttlSeconds})`,
  `CREATE TABLE IF NOT EXISTS faultline_verdicts (
    TraceId String, Failing UInt8, Fingerprint String, Cause LowCardinality(String), OriginService String,
    OriginOperation String, OriginNode String, OriginSpanId String, ExceptionType Nullable(String),
    Message Nullable(String), Summary String, ServiceVersion Nullable(String), EntryEndpoint Nullable(String),
    StartNs Int64, TraceStartNs Int64, RootService String, RootName String, PassedThrough Array(String),
    Version UInt64
  ) ENGINE = ReplacingMergeTree(Version) ORDER BY TraceId
  TTL toDateTime(intDiv(StartNs, 1000000000)) + toIntervalSecond(${ttlSeconds})`,
  // Added after the table first shipped: tables created by an older collector get it here.
  'ALTER TABLE faultline_verdicts ADD COLUMN IF NOT EXISTS OriginEndpoint Nullable(String)',
];

/**
 * Creates what is missing (exporter-compatible tables when none exist, Faultline's own always) and
 * reads `system.columns`, so exporter versions that differ (Duration Int64 or UInt64, with or without
 * scope columns, a DateTime or DateTime64 lookup table) are all read and written correctly.
 * The TTL is a whole number of seconds from the collector's own configuration, not user input.
 */
export async function prepareSchema(client: ClickHouseClient, retentionMs: number): Promise<ExporterSchema> {
  const ttlSeconds = Math.max(1, Math.floor(retentionMs / 1000));
  let columns = await readColumns(client);
  if (!columns.some((c) => c.table === 'otel_traces')) {
    for (const query of EXPORTER_COMPATIBLE_TABLES(ttlSeconds)) await client.command({ query });
    columns = await readColumns(client);
  }
  for (const query of FAULTLINE_TABLES(ttlSeconds)) await client.command({ query });
  const of = (table: string) => columns.filter((c) => c.table === table);
  return {
    traceScopeColumns: of('otel_traces').some((c) => c.name === 'ScopeName'),
    traceIdLookup: of('otel_traces_trace_id_ts').some((c) => c.name === 'Start'),
    logColumns: new Set(
      of('otel_logs')
        .filter((c) => c.default_kind === '')
        .map((c) => c.name),
    ),
  };
}

async function readColumns(client: ClickHouseClient): Promise<ColumnRow[]> {
  const result = await client.query({
    query: `SELECT table, name, default_kind FROM system.columns
      WHERE database = currentDatabase() AND table IN ('otel_traces', 'otel_traces_trace_id_ts', 'otel_logs')`,
    format: 'JSONEachRow',
  });
  return result.json<ColumnRow>();
}
