import { type Attributes, type LogRecord, SPAN_KIND_NAMES, type Span } from '@faultline/model';
import Database from 'better-sqlite3';
import { type Checkpointer, startCheckpointer } from './checkpointer.js';
import { type ComparisonSamples, ComparisonStore } from './comparison-store.js';
import { EdgeStore } from './edge-store.js';
import {
  type DiagnosisRecord,
  type FailureGroup,
  FailureStore,
  type PendingTrace,
  type RecordOutcome,
} from './failure-store.js';
import { migrate } from './schema.js';
import { computeServiceMap, type ServiceMap } from './service-map.js';
import {
  blobToId,
  idToBlob,
  rowToLog,
  rowToSpan,
  type StoredLogRow,
  type StoredSpanRow,
} from './span-rows.js';
import { SpanWriter } from './span-writer.js';
import type { PruneResult, ServiceOperations, Store, TracePage, TraceQuery, TraceSummary } from './store.js';
import { buildTraceSearch, encodeCursor } from './trace-search-sql.js';

/** How the SQLite store is opened. */
export interface SqliteStoreOptions {
  path: string;
  retentionMs: number;
  maxDbBytes: number;
  /** Checkpoint the WAL on a worker thread instead of inside commits (default true). */
  backgroundCheckpoints?: boolean;
  /** How long a write waits for a lock held by another process before failing (ms). */
  busyTimeoutMs?: number;
}

interface TraceRow {
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

function toSummary(row: TraceRow): TraceSummary {
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

/** The single-node store: one SQLite file in WAL mode, one writer, statements prepared once. */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly options: SqliteStoreOptions;
  private readonly resourceAttributes = new Map<number, Attributes>();
  private readonly stmt;
  private readonly failures: FailureStore;
  private readonly comparisons: ComparisonStore;
  private readonly edges: EdgeStore;
  private checkpointer: Checkpointer | undefined;
  private readonly writer: SpanWriter;

  constructor(options: SqliteStoreOptions) {
    this.options = options;
    this.db = new Database(options.path);
    // WAL + synchronous=NORMAL: a commit is in the WAL file before it returns, so it survives the
    // process being killed; only an OS crash or power loss can take the last transactions.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 100}`);
    if (options.backgroundCheckpoints !== false) {
      // The writer still checkpoints in-line past 16k WAL pages (64 MiB): if the worker falls behind,
      // ingest slows down to SQLite's own pace instead of growing the WAL without bound.
      this.db.pragma('wal_autocheckpoint = 16384');
      this.db.pragma('journal_size_limit = 67108864');
      let lastLogMs = 0;
      this.checkpointer = startCheckpointer(options.path, {
        intervalMs: 200,
        onError: (message) => {
          // A full disk fails every checkpoint until space is freed: say so once a minute, not twice a second.
          if (Date.now() - lastLogMs < 60_000) return;
          lastLogMs = Date.now();
          process.stderr.write(`faultline: background checkpoint failed: ${message}\n`);
        },
      });
    }
    this.db.pragma('cache_size = -32768');
    this.db.pragma('temp_store = MEMORY');
    migrate(this.db);
    const db = this.db;
    this.stmt = {
      resourceById: db.prepare('SELECT attributes FROM resources WHERE resource_id = ?').pluck(),
      spansOfTrace: db.prepare('SELECT * FROM spans WHERE trace_id = ? ORDER BY start_ns').safeIntegers(),
      logsOfTrace: db.prepare('SELECT * FROM logs WHERE trace_id = ? ORDER BY time_ns').safeIntegers(),
      operations: db.prepare('SELECT * FROM operations ORDER BY service, name').safeIntegers(),
      oldTraces: db
        .prepare('SELECT trace_id FROM traces WHERE start_ns < ? ORDER BY start_ns LIMIT ?')
        .pluck(),
      oldestTraces: db.prepare('SELECT trace_id FROM traces ORDER BY start_ns LIMIT ?').pluck(),
      deleteSpans: db.prepare('DELETE FROM spans WHERE trace_id = ?'),
      deleteTraceLogs: db.prepare('DELETE FROM logs WHERE trace_id = ?'),
      deleteTrace: db.prepare('DELETE FROM traces WHERE trace_id = ?'),
      deleteOldLogs: db.prepare(
        'DELETE FROM logs WHERE log_id IN (SELECT log_id FROM logs WHERE time_ns < ? ORDER BY time_ns LIMIT ?)',
      ),
    };
    this.writer = new SpanWriter(this.db);
    this.failures = new FailureStore(this.db);
    this.comparisons = new ComparisonStore(this.db);
    this.edges = new EdgeStore(this.db);
  }

  private resourceOf(id: number): Attributes {
    let attributes = this.resourceAttributes.get(id);
    if (attributes === undefined) {
      attributes = JSON.parse(this.stmt.resourceById.get(id) as string) as Attributes;
      if (this.resourceAttributes.size > 10_000) this.resourceAttributes.clear();
      this.resourceAttributes.set(id, attributes);
    }
    return attributes;
  }

  /** Writes spans and logs in one transaction; resolves after the commit. */
  async write(spans: readonly Span[], logs: readonly LogRecord[]): Promise<void> {
    this.writer.write(spans, logs);
  }

  async getTrace(traceId: string): Promise<{ spans: Span[]; logs: LogRecord[] } | null> {
    const id = idToBlob(traceId);
    const spanRows = this.stmt.spansOfTrace.all(id) as StoredSpanRow[];
    if (spanRows.length === 0) return null;
    const spans = spanRows.map((row) => rowToSpan(row, this.resourceOf(Number(row.resource_id))));
    const logRows = this.stmt.logsOfTrace.all(id) as StoredLogRow[];
    const logs = logRows.map((row) => rowToLog(row, this.resourceOf(Number(row.resource_id))));
    return { spans, logs };
  }

  async searchTraces(query: TraceQuery): Promise<TracePage> {
    const { sql, params } = buildTraceSearch(query);
    const rows = this.db
      .prepare(sql)
      .safeIntegers()
      .all(...params) as TraceRow[];
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const nextCursor = rows.length > query.limit && last ? encodeCursor(last.start_ns, last.trace_id) : null;
    return { traces: page.map(toSummary), nextCursor };
  }

  async listServices(): Promise<ServiceOperations[]> {
    const rows = this.stmt.operations.all() as {
      service: string;
      name: string;
      kind: bigint;
      last_seen_ns: bigint;
    }[];
    const services = new Map<string, ServiceOperations>();
    for (const row of rows) {
      let entry = services.get(row.service);
      if (!entry) {
        entry = { service: row.service, operations: [], lastSeenUnixNano: 0n };
        services.set(row.service, entry);
      }
      entry.operations.push({
        name: row.name,
        kind: SPAN_KIND_NAMES[Number(row.kind)] ?? 'UNSPECIFIED',
        lastSeenUnixNano: row.last_seen_ns,
      });
      if (row.last_seen_ns > entry.lastSeenUnixNano) entry.lastSeenUnixNano = row.last_seen_ns;
    }
    return [...services.values()];
  }

  async pendingTraces(quietSinceMs: number, limit: number): Promise<PendingTrace[]> {
    return this.failures.pending(quietSinceMs, limit);
  }

  async finalizeTrace(
    traceId: string,
    stamp: number,
    record: DiagnosisRecord | null,
  ): Promise<RecordOutcome> {
    return this.db.transaction(() => {
      this.edges.update(idToBlob(traceId));
      return this.failures.record(traceId, stamp, record);
    })();
  }

  async failureGroups(sinceNs: bigint, limit: number, minutesSinceMs: number): Promise<FailureGroup[]> {
    return this.failures.groups(sinceNs, limit, minutesSinceMs);
  }

  async versionStartedAfter(service: string, afterNs: bigint, failingVersions: readonly string[]) {
    return this.failures.versionStartedAfter(service, afterNs, failingVersions);
  }

  async nearestSuccessfulTrace(traceId: string): Promise<string | null> {
    return this.comparisons.nearestSuccessfulTrace(traceId);
  }

  async groupSamples(fingerprint: string): Promise<ComparisonSamples | null> {
    return this.comparisons.groupSamples(fingerprint);
  }

  async groupOfTrace(traceId: string): Promise<FailureGroup | null> {
    return this.failures.groupOfTrace(traceId);
  }

  async serviceMap(sinceNs: bigint): Promise<ServiceMap> {
    return computeServiceMap(this.db, this.edges, this.failures, sinceNs);
  }

  /** Bytes the database really uses: pages in use, not counting free pages awaiting reuse. */
  usedBytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  async prune(nowUnixNano: bigint, maxTraces: number): Promise<PruneResult> {
    const cutoff = nowUnixNano - BigInt(this.options.retentionMs) * 1_000_000n;
    let victims = this.stmt.oldTraces.all(cutoff, maxTraces) as Buffer[];
    if (victims.length === 0 && this.usedBytes() > this.options.maxDbBytes) {
      victims = this.stmt.oldestTraces.all(maxTraces) as Buffer[];
    }
    let logsDeleted = 0;
    this.db.transaction(() => {
      for (const traceId of victims) {
        this.stmt.deleteSpans.run(traceId);
        logsDeleted += this.stmt.deleteTraceLogs.run(traceId).changes;
        this.stmt.deleteTrace.run(traceId);
      }
      logsDeleted += this.stmt.deleteOldLogs.run(cutoff, maxTraces * 10).changes;
      this.failures.prune(cutoff);
      this.edges.prune(cutoff);
    })();
    return { tracesDeleted: victims.length, logsDeleted };
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    this.checkpointer = undefined;
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}
