import type { Attributes, LogRecord, Span } from '@faultline/model';
import Database from 'better-sqlite3';
import { SQLITE_FINALIZE_TUNING } from '../shared/finalize-tuning.js';
import { groupOperations } from '../shared/operations.js';
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
  StitchCallWindow,
  StitchNeighbours,
  StoredTraceOutline,
  TracePage,
  TraceQuery,
  TraceStamp,
} from '../types.js';
import { type Checkpointer, startCheckpointer } from './checkpointer.js';
import { ComparisonStore } from './comparison-store.js';
import { Dictionary, registerAttributeFunctions } from './dictionary.js';
import { EdgeStore } from './edge-store.js';
import { FailureStore } from './failure-store.js';
import { migrate, SCHEMA_VERSION } from './schema.js';
import {
  type Dictionaries,
  idToBlob,
  rowToLog,
  rowToSpan,
  SPAN_COLUMNS,
  type StoredLogRow,
  type StoredSpanRow,
} from './span-rows.js';
import { SqliteOutlines } from './sqlite-outline.js';
import { computeServiceMap } from './sqlite-service-map.js';
import { SqliteStitchReads } from './sqlite-stitch.js';
import { SqliteTraceParts } from './sqlite-trace-parts.js';
import { DEFAULT_SEARCH_BUDGET, type SearchBudget, SqliteTraceSearch } from './sqlite-trace-search.js';
import { SqliteWriteSide } from './sqlite-write-side.js';

/** How the SQLite store is opened. */
export interface SqliteStoreOptions {
  path: string;
  retentionMs: number;
  maxDbBytes: number;
  /** Checkpoint the WAL on a worker thread instead of inside commits (default true). */
  backgroundCheckpoints?: boolean;
  /** How long a write waits for a lock held by another process before failing (ms). */
  busyTimeoutMs?: number;
  /** The newest this many traces are never pruned for size (default 1,000). */
  keepNewestTraces?: number;
  /** What one search may examine before it answers cut short (default DEFAULT_SEARCH_BUDGET). */
  searchBudget?: SearchBudget;
}

/** The single-node store: one SQLite file in WAL mode, one writer, statements prepared once. */
export class SqliteStore implements Store {
  readonly finalizeTuning = SQLITE_FINALIZE_TUNING;
  readonly db: Database.Database;
  private readonly resourceAttributes = new Map<number, Attributes>();
  private readonly stmt;
  private readonly outlines: SqliteOutlines;
  private readonly parts: SqliteTraceParts;
  private readonly searcher: SqliteTraceSearch;
  private readonly failures: FailureStore;
  private readonly comparisons: ComparisonStore;
  private readonly edges: EdgeStore;
  private readonly stitching: SqliteStitchReads;
  private checkpointer: Checkpointer | undefined;
  private readonly writer: SqliteWriteSide;
  private readonly dictionaries: Dictionaries;

  constructor(options: SqliteStoreOptions) {
    // This connection migrates the schema, then only reads (queries, the finalizer's trace loads);
    // every write goes through the write side's own connection. (Not a worker thread: on two cores
    // shared with the clients, cloning each batch across threads cost more than the parallelism
    // gained; see bench/RESULTS.md.)
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 100}`);
    // Queries read a trace's pages and index ranges; the OS page cache holds the rest. (Every MiB of
    // cache here is a MiB of RSS at sustained load, and the sidecar's budget is 150 MiB.)
    this.db.pragma('cache_size = -8192');
    this.db.pragma('temp_store = MEMORY');
    const from = this.db.pragma('user_version', { simple: true }) as number;
    if (from > 0 && from < SCHEMA_VERSION) {
      // Some upgrades rewrite every span (version 9: ~4 s per million spans here); say why start waits.
      process.stderr.write(
        `faultline: upgrading the database from schema version ${from} to ${SCHEMA_VERSION}; a large database takes a while\n`,
      );
    }
    migrate(this.db);
    const background = options.backgroundCheckpoints !== false;
    this.writer = new SqliteWriteSide({
      path: options.path,
      retentionMs: options.retentionMs,
      maxDbBytes: options.maxDbBytes,
      ...(options.keepNewestTraces !== undefined ? { keepNewestTraces: options.keepNewestTraces } : {}),
      // With the checkpoint worker, the writer still checkpoints in-line past 16k WAL pages (64 MiB):
      // if the worker falls behind, ingest slows to SQLite's own pace instead of growing the WAL
      // without bound.
      walAutocheckpointPages: background ? 16384 : 1000,
      busyTimeoutMs: options.busyTimeoutMs ?? 100,
    });
    if (background) {
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
    const db = this.db;
    this.stmt = {
      resourceById: db.prepare('SELECT attributes FROM resources WHERE resource_id = ?').pluck(),
      spansOfTrace: db
        .prepare(
          `SELECT ${SPAN_COLUMNS} FROM traces t JOIN spans s ON s.trace_key = t.trace_key
           WHERE t.trace_id = ? ORDER BY s.start_ns`,
        )
        .safeIntegers(),
      // A trace's row is written with its first span and deleted with its last.
      hasTrace: db.prepare('SELECT 1 FROM traces WHERE trace_id = ?').pluck(),
      logsOfTrace: db.prepare('SELECT * FROM logs WHERE trace_id = ? ORDER BY time_ns').safeIntegers(),
      operations: db.prepare('SELECT * FROM operations ORDER BY service, name').safeIntegers(),
    };
    this.dictionaries = { keys: new Dictionary(db, 'attribute_keys'), scopes: new Dictionary(db, 'scopes') };
    registerAttributeFunctions(db, this.dictionaries.keys);
    this.outlines = new SqliteOutlines(this.db);
    this.searcher = new SqliteTraceSearch(this.db, options.searchBudget ?? DEFAULT_SEARCH_BUDGET);
    this.parts = new SqliteTraceParts(this.db, this.dictionaries, (id) => this.resourceOf(id));
    this.failures = new FailureStore(this.db);
    this.comparisons = new ComparisonStore(this.db, this.dictionaries.keys);
    this.edges = new EdgeStore(this.db);
    this.stitching = new SqliteStitchReads(this.db, (row) =>
      rowToSpan(row, this.resourceOf(Number(row.resource_id)), this.dictionaries),
    );
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
    const spans = spanRows.map((row) =>
      rowToSpan(row, this.resourceOf(Number(row.resource_id)), this.dictionaries),
    );
    const logRows = this.stmt.logsOfTrace.all(id) as StoredLogRow[];
    const logs = logRows.map((row) => rowToLog(row, this.resourceOf(Number(row.resource_id))));
    return { spans, logs };
  }

  readTracePart: Store['readTracePart'] = (traceId, from, limits) => this.parts.read(traceId, from, limits);

  async getTraceOutline(traceId: string, diagnose: Diagnose): Promise<StoredTraceOutline | null> {
    const read = this.outlines.read(traceId);
    if (!read) return null;
    const { spans, logCount } = read;
    let diagnosis = read.diagnosis;
    if (diagnosis === undefined) {
      // No current verdict (the trace is still arriving, or was stored before verdicts were kept).
      const trace = await this.getTrace(traceId);
      diagnosis = trace ? diagnose(trace.spans, trace.logs) : null;
    }
    const origin = diagnosis ? await this.getSpan(traceId, diagnosis.originSpanId) : null;
    return { spans, logCount, diagnosis, origin };
  }

  async traceStamp(traceId: string): Promise<TraceStamp | null> {
    return this.outlines.stamp(traceId);
  }

  async getSpan(traceId: string, spanId: string): Promise<SpanWithLogs | null> {
    return this.parts.span(traceId, spanId);
  }

  async getTraceLogs(traceId: string): Promise<LogRecord[] | null> {
    const id = idToBlob(traceId);
    if (this.stmt.hasTrace.get(id) === undefined) return null;
    const rows = this.stmt.logsOfTrace.all(id) as StoredLogRow[];
    return rows.map((row) => rowToLog(row, this.resourceOf(Number(row.resource_id))));
  }

  readTraceLogs: Store['readTraceLogs'] = (traceId, limits) => this.parts.logs(traceId, limits);

  async searchTraces(query: TraceQuery): Promise<TracePage> {
    // Found again after every turn of the event loop: another search may have made room for its own.
    const keys = Object.keys(query.attributes ?? {});
    return this.searcher.search(query, () => this.dictionaries.keys.resolve(keys));
  }

  async listServices(): Promise<ServiceOperations[]> {
    const rows = this.stmt.operations.all() as {
      service: string;
      name: string;
      kind: bigint;
      last_seen_ns: bigint;
    }[];
    return groupOperations(
      rows.map((row) => ({
        service: row.service,
        name: row.name,
        kind: Number(row.kind),
        lastSeenUnixNano: row.last_seen_ns,
      })),
    );
  }

  async pendingTraces(quietSinceMs: number, limit: number): Promise<PendingTrace[]> {
    return this.failures.pending(quietSinceMs, limit);
  }

  async finalizeTrace(
    traceId: string,
    stamp: number,
    record: DiagnosisRecord | null,
  ): Promise<RecordOutcome> {
    const [outcome] = await this.finalizeTraces([{ traceId, stamp, record }]);
    return outcome!;
  }

  async finalizeTraces(items: readonly FinalizeItem[]): Promise<RecordOutcome[]> {
    return this.writer.finalizeTraces(items);
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
    this.dictionaries.keys.refresh();
    return this.comparisons.groupSamples(fingerprint);
  }

  async groupOfTrace(traceId: string): Promise<FailureGroup | null> {
    return this.failures.groupOfTrace(traceId);
  }

  async stitchNeighbours(
    roots: { fromNs: bigint; toNs: bigint } | null,
    calls: StitchCallWindow,
    limit: number,
  ): Promise<StitchNeighbours> {
    return this.stitching.neighbours(roots, calls, limit);
  }

  async reopenTraces(traceIds: readonly string[]): Promise<void> {
    this.writer.reopenTraces(traceIds);
  }

  async serviceMap(sinceNs: bigint): Promise<ServiceMap> {
    return computeServiceMap(this.db, this.edges, this.failures, sinceNs);
  }

  async prune(nowUnixNano: bigint, maxTraces: number): Promise<PruneResult> {
    return this.writer.prune(nowUnixNano, maxTraces);
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    this.writer.close();
    this.checkpointer = undefined;
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}
