import type { LogRecord, Span } from '@faultline/model';
import Database from 'better-sqlite3';
import type { FinalizeItem, PruneResult, RecordOutcome } from '../types.js';
import { Dictionary, registerAttributeFunctions } from './dictionary.js';
import { EdgeStore } from './edge-store.js';
import { FailureStore } from './failure-store.js';
import { isStoreFull, SqliteSizeCap, type Victim } from './size-cap.js';
import { idToBlob } from './span-rows.js';
import { SpanWriter } from './span-writer.js';

/** How the write side opens the database (already migrated by the store that starts it). */
export interface WriteSideOptions {
  path: string;
  retentionMs: number;
  maxDbBytes: number;
  /** The newest this many traces are never pruned for size (default 1,000). */
  keepNewestTraces?: number;
  /** Checkpoints run on their own worker: the writer only checkpoints in-line past this many pages. */
  walAutocheckpointPages: number;
  busyTimeoutMs: number;
}

/**
 * Everything that writes to the SQLite file, on one connection: span and log batches, finalized
 * traces (service-map edges, failure groups) and retention. Reads go through the store's other
 * connection, so the write side's page cache holds only what writing needs.
 */
export class SqliteWriteSide {
  readonly db: Database.Database;
  private readonly writer: SpanWriter;
  private readonly failures: FailureStore;
  private readonly edges: EdgeStore;
  private readonly options: WriteSideOptions;
  private readonly stmt;
  private readonly cap: SqliteSizeCap;

  constructor(options: WriteSideOptions) {
    this.options = options;
    this.db = new Database(options.path);
    // WAL + synchronous=NORMAL: a commit is in the WAL file before it returns, so it survives the
    // process being killed; only an OS crash or power loss can take the last transactions.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    this.db.pragma(`wal_autocheckpoint = ${options.walAutocheckpointPages}`);
    this.db.pragma('journal_size_limit = 67108864');
    // The pages a batch touches are the newest ones plus index leaves at random (the OS page cache
    // holds the rest). 2 MiB writes as fast as 8 did (store writes into a 1M-span database, three
    // interleaved runs: 30–37k spans/s at 2 MiB, 25–34k at 8) and is 6 MiB less RSS under load.
    this.db.pragma('cache_size = -2048');
    this.db.pragma('temp_store = MEMORY');
    const db = this.db;
    this.stmt = {
      oldTraces: db.prepare(
        'SELECT trace_key AS key, trace_id AS id FROM traces WHERE start_ns < ? ORDER BY start_ns LIMIT ?',
      ),
      deleteSpans: db.prepare('DELETE FROM spans WHERE trace_key = ?'),
      deleteTraceLogs: db.prepare('DELETE FROM logs WHERE trace_id = ?'),
      deleteTrace: db.prepare('DELETE FROM traces WHERE trace_key = ?'),
      // A new write time makes the trace pending again (see FailureStore.pending); max() keeps it moving
      // forward even when the clock did not.
      reopen: db.prepare('UPDATE traces SET updated_at_ms = max(updated_at_ms + 1, ?) WHERE trace_id = ?'),
      deleteOldLogs: db.prepare(
        'DELETE FROM logs WHERE log_id IN (SELECT log_id FROM logs WHERE time_ns < ? ORDER BY time_ns LIMIT ?)',
      ),
    };
    const dictionaries = { keys: new Dictionary(db, 'attribute_keys'), scopes: new Dictionary(db, 'scopes') };
    registerAttributeFunctions(db, dictionaries.keys);
    this.writer = new SpanWriter(db, dictionaries);
    this.cap = new SqliteSizeCap(db, {
      maxDbBytes: options.maxDbBytes,
      keepNewestTraces: options.keepNewestTraces ?? 1000,
    });
    this.failures = new FailureStore(db);
    this.edges = new EdgeStore(db);
  }

  /**
   * Writes one batch, then prunes for size if it took the database past the cap, so the cap holds as
   * writes commit rather than at the next retention round. A batch refused at the hard limit
   * (SQLITE_FULL, answered 503) makes room for its retry first.
   */
  write(spans: readonly Span[], logs: readonly LogRecord[]): void {
    try {
      this.writer.write(spans, logs);
    } catch (error) {
      if (isStoreFull(error)) this.pruneForSize();
      throw error;
    }
    this.pruneForSize();
  }

  /** A few short steps of pruning while over the cap: enough to keep up with the batch just written. */
  private pruneForSize(): void {
    for (let step = 0; step < 4 && this.cap.overCap(); step++) {
      const victims = this.cap.victims(50);
      if (victims.length === 0) return;
      this.db.transaction(() => this.deleteTraces(victims))();
    }
  }

  /** Deletes whole traces (spans, logs, summary row); the logs deleted. */
  private deleteTraces(victims: readonly Victim[]): number {
    let logsDeleted = 0;
    for (const { key, id } of victims) {
      this.stmt.deleteSpans.run(key);
      logsDeleted += this.stmt.deleteTraceLogs.run(id).changes;
      this.stmt.deleteTrace.run(key);
    }
    return logsDeleted;
  }

  finalizeTraces(items: readonly FinalizeItem[]): RecordOutcome[] {
    // One commit for the lot: a commit per trace cost more than the finalizing itself.
    return this.db.transaction(() =>
      items.map(({ traceId, stamp, record, verdict }) => {
        this.edges.update(idToBlob(traceId));
        return this.failures.record(traceId, stamp, record, verdict);
      }),
    )();
  }

  /** Makes traces pending again, to be finalized once quiet (see `Store.reopenTraces`). */
  reopenTraces(traceIds: readonly string[]): void {
    const nowMs = Date.now();
    this.db.transaction(() => {
      for (const traceId of traceIds) this.stmt.reopen.run(nowMs, idToBlob(traceId));
    })();
  }

  prune(nowUnixNano: bigint, maxTraces: number): PruneResult {
    const cutoff = nowUnixNano - BigInt(this.options.retentionMs) * 1_000_000n;
    let victims = this.stmt.oldTraces.all(cutoff, maxTraces) as Victim[];
    if (victims.length === 0 && this.cap.overCap()) victims = this.cap.victims(maxTraces);
    let logsDeleted = 0;
    this.db.transaction(() => {
      logsDeleted += this.deleteTraces(victims);
      logsDeleted += this.stmt.deleteOldLogs.run(cutoff, maxTraces * 10).changes;
      this.failures.prune(cutoff);
      this.edges.prune(cutoff);
    })();
    return { tracesDeleted: victims.length, logsDeleted };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
