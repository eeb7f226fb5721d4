import type { ClickHouseClient } from '@clickhouse/client';
import { ADJUSTED_COUNT, type EdgeSpanRow, traceEdges } from '../shared/trace-edges.js';
import type { DiagnosisRecord, PendingTrace, RecordOutcome } from '../types.js';
import {
  CALL_FAILED,
  COUNTS_AS_ERROR,
  DB_SYSTEM,
  END_NS,
  HTTP_METHOD,
  KIND,
  PEER,
  START_NS,
  since,
} from './exporter-sql.js';
import { ns, queryRows } from './query-rows.js';

/** How far back unfinalized traces are looked for (a collector down for longer leaves older ones). */
const LOOKBACK_NS = 3_600_000_000_000n;
/** Finalized rows are written in batches: ClickHouse wants few large inserts, not one per trace. */
const FLUSH_ROWS = 1000;
const FLUSH_AFTER_MS = 200;
/** A background flush that keeps failing is reported at most this often (with how many failed). */
const REPORT_EVERY_MS = 60_000;

interface SpanFacts {
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  ServiceName: string;
  SpanName: string;
  kind: number;
  start_ns: string;
  failed: number;
  db_system: string | null;
  http_method: string | null;
  peer: string | null;
  weight: number | null;
}

/** What a trace's finalization needs: its spans' service-map facts and its previous verdict. */
interface TraceFacts {
  spans: SpanFacts[];
  previousFingerprint: string | null;
}

const SPAN_FACTS_SQL = `SELECT TraceId, SpanId, ParentSpanId, ServiceName, SpanName, ${KIND} AS kind,
    toString(${START_NS}) AS start_ns, ${CALL_FAILED} AS failed, ${DB_SYSTEM} AS db_system,
    ${HTTP_METHOD} AS http_method, ${PEER} AS peer,
    toUInt32OrNull(SpanAttributes['${ADJUSTED_COUNT}']) AS weight
  FROM otel_traces WHERE ${since('from')} AND TraceId IN {ids:Array(String)} LIMIT 1 BY TraceId, SpanId`;

/**
 * Finalization on ClickHouse. A trace is pending when its latest span ended before the quiet time
 * and its distinct span count (its stamp) differs from the one it was last finalized with: a late
 * span, or a first finalization. Each round reads the facts of all its traces in two queries and
 * writes the results in batches; reads that depend on them flush first.
 */
export class ClickHouseFinalizer {
  private readonly client: ClickHouseClient;
  private facts = new Map<string, TraceFacts>();
  private readonly knownGroups = new Set<string>();
  private finalized: Record<string, unknown>[] = [];
  private verdicts: Record<string, unknown>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private sequence = 0;
  private readonly onError: (error: unknown, failedFlushes: number) => void;
  private failedFlushes = 0;
  private lastReportMs = Number.NEGATIVE_INFINITY;

  /**
   * `onError` hears of background flushes that failed (the collector's log): at most once a minute,
   * with how many failed since the last report; a read that flushes gets its own failure instead.
   */
  constructor(client: ClickHouseClient, onError: (error: unknown, failedFlushes: number) => void = () => {}) {
    this.client = client;
    this.onError = onError;
  }

  async pending(quietSinceMs: number, limit: number): Promise<PendingTrace[]> {
    await this.flush();
    const now = BigInt(Date.now()) * 1_000_000n;
    const rows = await queryRows<{ trace_id: string; span_count: string; has_errors: number }>(
      this.client,
      `SELECT s.TraceId AS trace_id, s.span_count AS span_count, s.has_errors AS has_errors
      FROM (SELECT TraceId, uniqExact(SpanId) AS span_count, max(${COUNTS_AS_ERROR}) AS has_errors,
          max(${END_NS}) AS last_end_ns
        FROM otel_traces WHERE ${since('from')} GROUP BY TraceId HAVING last_end_ns <= {quietNs:Int64}) AS s
      LEFT JOIN (SELECT TraceId, Stamp FROM faultline_finalized FINAL WHERE StartNs >= {finalizedFrom:Int64}) AS f
        ON f.TraceId = s.TraceId
      WHERE f.Stamp != s.span_count ORDER BY s.last_end_ns LIMIT {limit:UInt32}`,
      {
        from: ns(now - LOOKBACK_NS),
        // A trace's finalized row is keyed by its start, which may precede the window's first span.
        finalizedFrom: ns(now - 2n * LOOKBACK_NS),
        quietNs: ns(BigInt(quietSinceMs) * 1_000_000n),
        limit,
      },
    );
    this.facts = await this.loadFacts(
      rows.map((r) => r.trace_id),
      now - 2n * LOOKBACK_NS,
    );
    return rows.map((r) => ({
      traceId: r.trace_id,
      stamp: Number(r.span_count),
      hasErrors: r.has_errors === 1,
    }));
  }

  private async loadFacts(traceIds: string[], fromNs: bigint): Promise<Map<string, TraceFacts>> {
    const facts = new Map<string, TraceFacts>();
    if (traceIds.length === 0) return facts;
    const spans = await queryRows<SpanFacts>(this.client, SPAN_FACTS_SQL, {
      from: ns(fromNs),
      ids: traceIds,
    });
    const previous = await queryRows<{ TraceId: string; Fingerprint: string }>(
      this.client,
      'SELECT TraceId, Fingerprint FROM faultline_verdicts FINAL WHERE TraceId IN {ids:Array(String)} AND Failing = 1',
      { ids: traceIds },
    );
    for (const id of traceIds) facts.set(id, { spans: [], previousFingerprint: null });
    for (const span of spans) facts.get(span.TraceId)?.spans.push(span);
    for (const row of previous) {
      const entry = facts.get(row.TraceId);
      if (entry) entry.previousFingerprint = row.Fingerprint;
    }
    return facts;
  }

  async finalize(traceId: string, stamp: number, record: DiagnosisRecord | null): Promise<RecordOutcome> {
    let facts = this.facts.get(traceId);
    this.facts.delete(traceId);
    if (!facts) {
      await this.flush();
      facts = (await this.loadFacts([traceId], 0n)).get(traceId)!;
    }
    if (facts.spans.length === 0) return 'unchanged';
    const version = Date.now() * 1000 + (this.sequence++ % 1000);
    const { spans, previousFingerprint } = facts;
    const root = [...spans].sort(
      (a, b) =>
        Number(a.ParentSpanId !== '') - Number(b.ParentSpanId !== '') || compareNs(a.start_ns, b.start_ns),
    )[0]!;
    const traceStart = spans.reduce(
      (min, s) => (BigInt(s.start_ns) < min ? BigInt(s.start_ns) : min),
      BigInt(root.start_ns),
    );
    const edges = traceEdges(spans.map(toEdgeRow));
    const alreadyCounted = previousFingerprint !== null && previousFingerprint === record?.fingerprint;
    let isNewGroup = false;
    if (record !== null && !alreadyCounted)
      isNewGroup = !(await this.groupExists(record.fingerprint, traceId));
    if (record !== null) {
      this.knownGroups.add(record.fingerprint);
      if (this.knownGroups.size > 10_000) this.knownGroups.clear();
      const services = [...new Set(spans.map((s) => s.ServiceName))];
      this.verdicts.push({
        TraceId: traceId,
        Failing: 1,
        Fingerprint: record.fingerprint,
        Cause: record.cause,
        OriginService: record.originService,
        OriginOperation: record.originOperation,
        OriginNode: record.originNode,
        OriginSpanId: record.originSpanId,
        ExceptionType: record.exceptionType,
        Message: record.message,
        Summary: record.summary,
        ServiceVersion: record.version,
        EntryEndpoint: record.entryEndpoint,
        OriginEndpoint: record.originEndpoint,
        StartNs: record.startTimeUnixNano.toString(),
        TraceStartNs: traceStart.toString(),
        RootService: root.ServiceName,
        RootName: root.SpanName,
        PassedThrough: services.filter((s) => s !== record.originNode),
        Saturated: record.saturated ? 1 : 0,
        Version: version,
      });
    } else if (previousFingerprint !== null) {
      // No longer failing: a tombstone replaces the old verdict.
      this.verdicts.push({ TraceId: traceId, Failing: 0, StartNs: traceStart.toString(), Version: version });
    }
    // After the verdict (and after groupExists, which flushes): a finalized row never reaches
    // ClickHouse ahead of its verdict, so a failed flush leaves the trace pending, not uncounted.
    this.finalized.push({
      TraceId: traceId,
      Stamp: stamp,
      StartNs: traceStart.toString(),
      Edges: edges.map((e) => ({
        source: e.source,
        target: e.target,
        kind: e.targetKind,
        calls: e.calls,
        errors: e.errors,
      })),
      Version: version,
    });
    this.scheduleFlush();
    if (record === null) return 'not_failing';
    return isNewGroup ? 'new_group' : alreadyCounted ? 'unchanged' : 'counted';
  }

  private async groupExists(fingerprint: string, exceptTraceId: string): Promise<boolean> {
    if (this.knownGroups.has(fingerprint)) return true;
    await this.flush();
    const [row] = await queryRows<{ n: string }>(
      this.client,
      `SELECT count() AS n FROM faultline_verdicts FINAL
      WHERE Failing = 1 AND Fingerprint = {fingerprint:String} AND TraceId != {traceId:String}`,
      { fingerprint, traceId: exceptTraceId },
    );
    return Number(row?.n ?? 0) > 0;
  }

  private scheduleFlush(): void {
    if (this.finalized.length + this.verdicts.length >= FLUSH_ROWS) {
      this.flushInBackground();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => this.flushInBackground(), FLUSH_AFTER_MS);
    this.timer.unref();
  }

  /**
   * A flush nobody waits on. Its rows are not lost for good when it fails: a trace without its
   * `faultline_finalized` row is pending again and finalized anew next round (see `flush`).
   */
  private flushInBackground(): void {
    this.flush().catch((error: unknown) => {
      this.failedFlushes++;
      const now = Date.now();
      if (now - this.lastReportMs < REPORT_EVERY_MS) return;
      this.lastReportMs = now;
      const failed = this.failedFlushes;
      this.failedFlushes = 0;
      this.onError(error, failed);
    });
  }

  /** Writes the buffered rows; reads of Faultline's tables call this first, so they see every verdict. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const finalized = this.finalized;
    const verdicts = this.verdicts;
    this.finalized = [];
    this.verdicts = [];
    // A failed flush fails the read waiting on it, not every later one. Verdicts go first: when the
    // second insert fails, the trace has no new finalized row, so it is pending again and its
    // verdict is written anew (a newer Version of the same TraceId, which replaces the first).
    this.flushing = this.flushing
      .catch(() => {})
      .then(async () => {
        if (verdicts.length > 0) {
          await this.client.insert({ table: 'faultline_verdicts', values: verdicts, format: 'JSONEachRow' });
        }
        if (finalized.length > 0) {
          await this.client.insert({
            table: 'faultline_finalized',
            values: finalized,
            format: 'JSONEachRow',
          });
        }
      });
    return this.flushing;
  }
}

function compareNs(a: string, b: string): number {
  const [x, y] = [BigInt(a), BigInt(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function toEdgeRow(span: SpanFacts): EdgeSpanRow {
  return {
    span_id: Buffer.from(span.SpanId, 'hex'),
    parent_span_id: span.ParentSpanId === '' ? null : Buffer.from(span.ParentSpanId, 'hex'),
    service: span.ServiceName,
    kind: Number(span.kind),
    failed: Number(span.failed),
    db_system: span.db_system,
    http_method: span.http_method,
    peer: span.peer,
    weight: span.weight === null ? null : Number(span.weight),
  };
}
