import type { ClickHouseClient } from '@clickhouse/client';
import type { LogRecord, Span } from '@faultline/model';
import { encodeCursor } from '../shared/cursor.js';
import { CLICKHOUSE_FINALIZE_TUNING } from '../shared/finalize-tuning.js';
import { groupOperations } from '../shared/operations.js';
import {
  logsPartOfWholeTrace as logsPart,
  outlineOfWholeTrace,
  partOfWholeTrace as part,
  spanOfWholeTrace,
} from '../shared/whole-trace-parts.js';
import type { Store } from '../store.js';
import type {
  ComparisonSamples,
  Diagnose,
  DiagnosisRecord,
  FailureGroup,
  FinalizeItem,
  PendingTrace,
  PruneResult,
  RecordOutcome,
  ServiceMap,
  ServiceOperations,
  SpanWithLogs,
  StitchNeighbours,
  StoredTraceOutline,
  TracePage,
  TraceQuery,
  TraceStamp,
} from '../types.js';
import { ClickHouseComparisons } from './clickhouse-comparisons.js';
import { ClickHouseFailures } from './clickhouse-failures.js';
import { ClickHouseFinalizer } from './clickhouse-finalizer.js';
import { type ExporterSchema, prepareSchema } from './clickhouse-schema.js';
import { buildClickHouseSearch } from './clickhouse-search.js';
import { ClickHouseStitchReads } from './clickhouse-stitch.js';
import { ClickHouseTraceReads } from './clickhouse-trace-reads.js';
import { writeBatch } from './clickhouse-write.js';
import { KIND, START_NS, since } from './exporter-sql.js';
import { ns, queryRows } from './query-rows.js';

/** How the ClickHouse store is opened. */
export interface ClickHouseStoreOptions {
  /** A client for the database holding (or to hold) the exporter's tables. */
  client: ClickHouseClient;
  /** How far back searches, the service list and the services on the map look; TTL of created tables. */
  retentionMs: number;
  /**
   * Hears of writes nobody waits on that failed (the finalizer's batched verdicts), for the
   * collector's log; rate-limited by the caller of it, with how many failed since the last call.
   */
  onBackgroundError?: (error: unknown, failures: number) => void;
}

interface SummaryRow {
  trace_id: string;
  start_ns: string;
  end_ns: string;
  span_count: string;
  error_count: string;
  root: [string, string, string | null, string | null, number | null];
  services: string[];
  fingerprint: string;
  cause: string;
  origin_service: string;
}

/**
 * The shared store: reads and writes the tables of the OpenTelemetry Collector's clickhouseexporter
 * (`otel_traces`, `otel_traces_trace_id_ts`, `otel_logs`), so every sidecar and an existing
 * OTel Collector pipeline feed one store, and keeps Faultline's own state in `faultline_*` tables.
 */
export class ClickHouseStore implements Store {
  readonly finalizeTuning = CLICKHOUSE_FINALIZE_TUNING;
  readonly client: ClickHouseClient;
  readonly schema: ExporterSchema;
  private readonly retentionNs: bigint;
  private readonly finalizer: ClickHouseFinalizer;
  private readonly failures: ClickHouseFailures;
  private readonly comparisons: ClickHouseComparisons;
  private readonly stitching = new ClickHouseStitchReads();
  private readonly traces: ClickHouseTraceReads;

  private constructor(options: ClickHouseStoreOptions, schema: ExporterSchema) {
    this.client = options.client;
    this.schema = schema;
    this.retentionNs = BigInt(options.retentionMs) * 1_000_000n;
    this.finalizer = new ClickHouseFinalizer(this.client, options.onBackgroundError);
    this.failures = new ClickHouseFailures(this.client);
    this.comparisons = new ClickHouseComparisons(this.client);
    this.traces = new ClickHouseTraceReads(this.client, schema);
  }

  /** Opens the store: reads the exporter's schema as it is, creating only what is missing. */
  static async open(options: ClickHouseStoreOptions): Promise<ClickHouseStore> {
    return new ClickHouseStore(options, await prepareSchema(options.client, options.retentionMs));
  }

  private nowNs(): bigint {
    return BigInt(Date.now()) * 1_000_000n;
  }

  /** Inserts the batch as the exporter would; see `writeBatch` for what a failure leaves. */
  write(spans: readonly Span[], logs: readonly LogRecord[]): Promise<void> {
    return writeBatch(this.client, this.schema, spans, logs);
  }

  /** The trace's spans and logs, as the exporter stored them (ClickHouseTraceReads). */
  getTrace(traceId: string): Promise<{ spans: Span[]; logs: LogRecord[] } | null> {
    return this.traces.whole(traceId);
  }

  // Cut from the whole trace (bounds the answer, not the read, as for the outline below).
  readTracePart: Store['readTracePart'] = async (id, from, limits) =>
    part(await this.getTrace(id), from, limits);

  // The trace page's parts come from the whole trace: the exporter's rows carry no outline columns.
  async getTraceOutline(traceId: string, diagnose: Diagnose): Promise<StoredTraceOutline | null> {
    const trace = await this.getTrace(traceId);
    return trace && outlineOfWholeTrace(trace, diagnose);
  }

  // Over all of the trace's rows where getTrace reads a window: never less than a read saw (TraceStamp).
  traceStamp(traceId: string): Promise<TraceStamp | null> {
    return this.traces.stamp(traceId);
  }

  async getSpan(traceId: string, spanId: string): Promise<SpanWithLogs | null> {
    const trace = await this.getTrace(traceId);
    return trace && spanOfWholeTrace(trace, spanId);
  }

  async getTraceLogs(traceId: string): Promise<LogRecord[] | null> {
    return (await this.getTrace(traceId))?.logs ?? null;
  }

  readTraceLogs: Store['readTraceLogs'] = async (id, limits) => logsPart(await this.getTrace(id), limits);

  async searchTraces(query: TraceQuery): Promise<TracePage> {
    await this.finalizer.flush();
    const { sql, params } = buildClickHouseSearch(query, this.nowNs(), this.retentionNs);
    const rows = await queryRows<SummaryRow>(this.client, sql, params);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > query.limit && last
        ? encodeCursor(BigInt(last.start_ns), Buffer.from(last.trace_id, 'hex'))
        : null;
    return {
      traces: page.map((row) => ({
        traceId: row.trace_id,
        rootService: row.root[0],
        rootName: row.root[1],
        startTimeUnixNano: BigInt(row.start_ns),
        endTimeUnixNano: BigInt(row.end_ns),
        spanCount: Number(row.span_count),
        errorCount: Number(row.error_count),
        httpMethod: row.root[2],
        httpRoute: row.root[3],
        httpStatusCode: row.root[4] === null ? null : Number(row.root[4]),
        services: row.services,
        cause: row.cause || null,
        originService: row.origin_service || null,
        fingerprint: row.fingerprint || null,
      })),
      nextCursor,
    };
  }

  async listServices(): Promise<ServiceOperations[]> {
    const rows = await queryRows<{ service: string; name: string; kind: number; last_seen_ns: string }>(
      this.client,
      `SELECT ServiceName AS service, SpanName AS name, ${KIND} AS kind, toString(max(${START_NS})) AS last_seen_ns
      FROM otel_traces WHERE ${since('from')} GROUP BY service, name, kind ORDER BY service, name`,
      { from: ns(this.nowNs() - this.retentionNs) },
    );
    return groupOperations(
      rows.map((row) => ({
        service: row.service,
        name: row.name,
        kind: Number(row.kind),
        lastSeenUnixNano: BigInt(row.last_seen_ns),
      })),
    );
  }

  pendingTraces(quietSinceMs: number, limit: number): Promise<PendingTrace[]> {
    return this.finalizer.pending(quietSinceMs, limit);
  }

  finalizeTrace(traceId: string, stamp: number, record: DiagnosisRecord | null): Promise<RecordOutcome> {
    return this.finalizer.finalize(traceId, stamp, record);
  }

  async finalizeTraces(items: readonly FinalizeItem[]): Promise<RecordOutcome[]> {
    // The finalizer batches its own inserts; each verdict still needs its group's current state.
    const outcomes: RecordOutcome[] = [];
    for (const { traceId, stamp, record } of items)
      outcomes.push(await this.finalizer.finalize(traceId, stamp, record));
    return outcomes;
  }

  async failureGroups(sinceNs: bigint, limit: number, minutesSinceMs: number): Promise<FailureGroup[]> {
    await this.finalizer.flush();
    return this.failures.groups(sinceNs, limit, minutesSinceMs);
  }

  versionStartedAfter(service: string, afterNs: bigint, failingVersions: readonly string[]) {
    return this.failures.versionStartedAfter(service, afterNs, failingVersions);
  }

  async groupOfTrace(traceId: string): Promise<FailureGroup | null> {
    await this.finalizer.flush();
    return this.failures.groupOfTrace(traceId);
  }

  async nearestSuccessfulTrace(traceId: string): Promise<string | null> {
    await this.finalizer.flush();
    const trace = await this.getTrace(traceId);
    if (!trace) return null;
    let start = trace.spans[0]!.startTimeUnixNano;
    for (const span of trace.spans) if (span.startTimeUnixNano < start) start = span.startTimeUnixNano;
    return this.comparisons.nearestSuccessfulTrace(traceId, start);
  }

  async groupSamples(fingerprint: string): Promise<ComparisonSamples | null> {
    await this.finalizer.flush();
    return this.comparisons.groupSamples(fingerprint);
  }

  stitchNeighbours = async (): Promise<StitchNeighbours> => this.stitching.neighbours();

  /** Nothing to reopen: no verdict here is ever stitched (see stitchNeighbours). */
  async reopenTraces(): Promise<void> {}

  async serviceMap(sinceNs: bigint): Promise<ServiceMap> {
    await this.finalizer.flush();
    return this.failures.serviceMap(sinceNs, this.nowNs() - this.retentionNs);
  }

  /** Retention is ClickHouse's: the tables' TTL drops old parts, so there is nothing to delete here. */
  async prune(): Promise<PruneResult> {
    return { tracesDeleted: 0, logsDeleted: 0 };
  }

  async close(): Promise<void> {
    await this.finalizer.flush();
    await this.client.close();
  }
}
