import type Database from 'better-sqlite3';
import type { DiagnosisRecord, FailureGroup, KeptVerdict, PendingTrace, RecordOutcome } from '../types.js';
import { addToSet, type GroupRow, groupFromRow } from './failure-group-row.js';
import { type NodeContribution, NodeMinutes } from './node-minutes.js';
import { blobToId, idToBlob } from './span-rows.js';
import { encodeVerdict } from './verdict-codec.js';

const SAMPLES_KEPT = 5;

const minuteOf = (ns: bigint): number => Math.floor(Number(ns / 1_000_000n) / 60_000) * 60_000;

/**
 * Failure groups, maintained incrementally: each diagnosed trace is counted in exactly one group, and
 * moves to another when a late span changes its verdict. Nothing here scans all spans.
 */
export class FailureStore {
  private readonly db: Database.Database;
  private readonly stmt;
  private readonly nodes: NodeMinutes;

  constructor(db: Database.Database) {
    this.db = db;
    this.nodes = new NodeMinutes(db);
    this.stmt = {
      pending: db
        .prepare(
          `SELECT trace_id, updated_at_ms, error_count FROM traces
           WHERE diagnosed_update_ms IS NOT updated_at_ms AND updated_at_ms <= ?
           ORDER BY updated_at_ms LIMIT ?`,
        )
        .safeIntegers(),
      fingerprintOf: db.prepare('SELECT fingerprint FROM traces WHERE trace_id = ?').pluck(),
      traceState: db
        .prepare(
          'SELECT fingerprint, start_ns, services, node_counts, saturated FROM traces WHERE trace_id = ?',
        )
        .safeIntegers(),
      saveNodeCounts: db.prepare('UPDATE traces SET node_counts = ? WHERE trace_id = ?'),
      markTrace: db.prepare(
        `UPDATE traces SET fingerprint = ?, cause = ?, origin_service = ?, origin_node = ?, origin_span_id = ?,
         diagnosed_update_ms = ?, verdict = ?, saturated = ? WHERE trace_id = ?`,
      ),
      group: db.prepare('SELECT * FROM failure_groups WHERE fingerprint = ?').safeIntegers(),
      putGroup: db.prepare(
        `INSERT OR REPLACE INTO failure_groups (fingerprint, origin_service, origin_operation, cause,
          exception_type, message, summary, count, first_seen_ns, last_seen_ns, first_version, versions,
          endpoints, latest_trace_id, sample_trace_ids, origin_endpoints, saturated_count) VALUES
         (@fingerprint, @origin_service, @origin_operation, @cause, @exception_type, @message, @summary, @count,
          @first_seen_ns, @last_seen_ns, @first_version, @versions, @endpoints, @latest_trace_id, @sample_trace_ids,
          @origin_endpoints, @saturated_count)`,
      ),
      decrementGroup: db.prepare(
        'UPDATE failure_groups SET count = count - 1, saturated_count = saturated_count - ? WHERE fingerprint = ?',
      ),
      deleteEmptyGroup: db.prepare('DELETE FROM failure_groups WHERE fingerprint = ? AND count <= 0'),
      addMinute: db.prepare(
        `INSERT INTO failure_minutes VALUES (?, ?, ?)
         ON CONFLICT (fingerprint, minute_ms) DO UPDATE SET count = count + excluded.count`,
      ),
      groupsSince: db
        .prepare('SELECT * FROM failure_groups WHERE last_seen_ns >= ? ORDER BY last_seen_ns DESC LIMIT ?')
        .safeIntegers(),
      minutesOf: db.prepare(
        'SELECT minute_ms, count FROM failure_minutes WHERE fingerprint = ? AND minute_ms >= ? AND count > 0 ORDER BY minute_ms',
      ),
      newerVersions: db
        .prepare(
          `SELECT version, first_seen_ns FROM service_versions WHERE service = ? AND first_seen_ns > ?
         ORDER BY first_seen_ns LIMIT 50`,
        )
        .safeIntegers(),
      pruneGroups: db.prepare('DELETE FROM failure_groups WHERE last_seen_ns < ?'),
      pruneMinutes: db.prepare('DELETE FROM failure_minutes WHERE minute_ms < ?'),
    };
  }

  /** Traces whose spans changed since they were last finalized and have been quiet since `quietSinceMs`. */
  pending(quietSinceMs: number, limit: number): PendingTrace[] {
    const rows = this.stmt.pending.all(quietSinceMs, limit) as {
      trace_id: Buffer;
      updated_at_ms: bigint;
      error_count: bigint;
    }[];
    return rows.map((r) => ({
      traceId: blobToId(r.trace_id),
      stamp: Number(r.updated_at_ms),
      hasErrors: r.error_count > 0n,
    }));
  }

  /** Records a verdict (null: did not fail), keeps its group's counts right, and stores `kept` whole. */
  record(traceId: string, stamp: number, record: DiagnosisRecord | null, kept?: KeptVerdict): RecordOutcome {
    const id = idToBlob(traceId);
    return this.db.transaction((): RecordOutcome => {
      const state = this.stmt.traceState.get(id) as
        | {
            fingerprint: string | null;
            start_ns: bigint;
            services: string;
            node_counts: string | null;
            saturated: bigint | null;
          }
        | undefined;
      if (!state) return 'unchanged';
      const previous = state.fingerprint;
      this.updateNodeCounts(id, state, record);
      if (previous !== null && previous !== record?.fingerprint) {
        this.stmt.decrementGroup.run(state.saturated === 1n ? 1 : 0, previous);
        this.stmt.addMinute.run(previous, minuteOf(state.start_ns), -1);
        this.stmt.deleteEmptyGroup.run(previous);
      }
      const alreadyCounted = previous === record?.fingerprint;
      const isNewGroup =
        record !== null && !alreadyCounted && this.stmt.group.get(record.fingerprint) === undefined;
      const wasSaturated = alreadyCounted && state.saturated === 1n;
      if (record !== null) this.addToGroup(id, record, alreadyCounted, wasSaturated);
      this.stmt.markTrace.run(
        record?.fingerprint ?? null,
        record?.cause ?? null,
        record?.originService ?? null,
        record?.originNode ?? null,
        record ? idToBlob(record.originSpanId) : null,
        stamp,
        kept ? encodeVerdict(kept) : null,
        record === null ? null : record.saturated ? 1 : 0,
        id,
      );
      if (record === null) return 'not_failing';
      return isNewGroup ? 'new_group' : alreadyCounted ? 'unchanged' : 'counted';
    })();
  }

  private updateNodeCounts(
    id: Buffer,
    state: { start_ns: bigint; services: string; node_counts: string | null },
    record: DiagnosisRecord | null,
  ): void {
    const minute = minuteOf(state.start_ns);
    if (state.node_counts) this.nodes.apply(minute, JSON.parse(state.node_counts) as NodeContribution, -1);
    const now: NodeContribution | null = record && {
      originated: record.originNode,
      passedThrough: (JSON.parse(state.services) as string[]).filter((s) => s !== record.originNode),
    };
    if (now) this.nodes.apply(minute, now, 1);
    this.stmt.saveNodeCounts.run(now ? JSON.stringify(now) : null, id);
  }

  /** Failures per service-map node since `sinceMs`: originated there, or passed through. */
  nodeCounts(sinceMs: number) {
    return this.nodes.since(sinceMs);
  }

  private addToGroup(
    traceId: Buffer,
    record: DiagnosisRecord,
    alreadyCounted: boolean,
    wasSaturated: boolean,
  ): void {
    const row = this.stmt.group.get(record.fingerprint) as GroupRow | undefined;
    const start = record.startTimeUnixNano;
    const hex = blobToId(traceId);
    const samples = row ? (JSON.parse(row.sample_trace_ids) as string[]).filter((t) => t !== hex) : [];
    const isLatest = !row || start >= row.last_seen_ns;
    this.stmt.putGroup.run({
      fingerprint: record.fingerprint,
      origin_service: record.originService,
      origin_operation: record.originOperation,
      cause: record.cause,
      exception_type: record.exceptionType,
      message: record.message,
      summary: isLatest ? record.summary : row!.summary,
      count: (row ? Number(row.count) : 0) + (alreadyCounted ? 0 : 1),
      // A trace counted here already may gain or lose its saturation with a late span.
      saturated_count:
        (row ? Number(row.saturated_count) : 0) + (record.saturated ? 1 : 0) - (wasSaturated ? 1 : 0),
      first_seen_ns: row && row.first_seen_ns < start ? row.first_seen_ns : start,
      last_seen_ns: row && row.last_seen_ns > start ? row.last_seen_ns : start,
      first_version: row && row.first_seen_ns <= start ? row.first_version : record.version,
      versions: addToSet(row?.versions ?? '[]', record.version),
      endpoints: addToSet(row?.endpoints ?? '[]', record.entryEndpoint),
      latest_trace_id: isLatest ? traceId : row!.latest_trace_id,
      sample_trace_ids: JSON.stringify([hex, ...samples].slice(0, SAMPLES_KEPT)),
      origin_endpoints: addToSet(row?.origin_endpoints ?? '[]', record.originEndpoint),
    });
    if (!alreadyCounted) this.stmt.addMinute.run(record.fingerprint, minuteOf(start), 1);
  }

  /** Groups seen since `sinceNs`, most recent activity first, with per-minute counts since `minutesSinceMs`. */
  groups(sinceNs: bigint, limit: number, minutesSinceMs: number): FailureGroup[] {
    const rows = this.stmt.groupsSince.all(sinceNs, limit) as GroupRow[];
    return rows.map((row) => this.toGroup(row, minutesSinceMs));
  }

  private toGroup(row: GroupRow, minutesSinceMs: number): FailureGroup {
    const minutes = this.stmt.minutesOf.all(row.fingerprint, minutesSinceMs) as {
      minute_ms: number;
      count: number;
    }[];
    return groupFromRow(
      row,
      minutes.map((m) => ({ minuteUnixMs: m.minute_ms, count: m.count })),
    );
  }

  /**
   * The first version of `service` that started serving after `afterNs` and is not one of
   * `failingVersions`, if any: how a fix is verified. The failing versions are excluded because a
   * version's first span can start after the entry span of its own first failure.
   */
  versionStartedAfter(
    service: string,
    afterNs: bigint,
    failingVersions: readonly string[],
  ): { version: string; firstSeenUnixNano: bigint } | null {
    const rows = this.stmt.newerVersions.all(service, afterNs) as {
      version: string;
      first_seen_ns: bigint;
    }[];
    const row = rows.find((r) => !failingVersions.includes(r.version));
    return row ? { version: row.version, firstSeenUnixNano: row.first_seen_ns } : null;
  }

  /** The failure group a diagnosed trace was counted in, if any. */
  groupOfTrace(traceId: string): FailureGroup | null {
    const fingerprint = this.stmt.fingerprintOf.get(idToBlob(traceId)) as string | null | undefined;
    if (!fingerprint) return null;
    const row = this.stmt.group.get(fingerprint) as GroupRow | undefined;
    return row ? this.toGroup(row, 0) : null;
  }

  /** Drops groups not seen since `cutoffNs` and their minute counts. */
  prune(cutoffNs: bigint): void {
    this.stmt.pruneGroups.run(cutoffNs);
    this.stmt.pruneMinutes.run(minuteOf(cutoffNs));
    this.nodes.prune(minuteOf(cutoffNs));
  }
}
