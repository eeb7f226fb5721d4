import { type Attributes, type LogRecord, SERVICE_VERSION, type Span } from '@faultline/model';
import type Database from 'better-sqlite3';
import { type Dictionaries, idToBlob, logToRow, type SpanRow, spanToRow } from './span-rows.js';
import { MERGE_TRACE_SUMMARY_SQL, UPSERT_OPERATION_SQL } from './trace-summary-sql.js';

/** What one batch adds to a trace's summary (see MERGE_TRACE_SUMMARY_SQL). */
interface BatchSummary {
  traceKey: number;
  traceId: Buffer;
  rootSpanId: Buffer;
  rootService: string;
  rootName: string;
  rootHasParent: 0 | 1;
  rootStartNs: bigint;
  httpMethod: string | null;
  httpRoute: string | null;
  httpStatus: number | null;
  startNs: bigint;
  endNs: bigint;
  spanCount: number;
  errorCount: number;
  services: Set<string>;
}

const KIND_SERVER = 2;
const KIND_CLIENT = 3;
const STATUS_ERROR = 2;

/** A span counts as an error when its status is ERROR or it is an HTTP call answered 5xx. */
function isErrorRow(row: SpanRow): boolean {
  const kind = row[6];
  return row[9] === STATUS_ERROR || ((row[13] ?? 0) >= 500 && (kind === KIND_SERVER || kind === KIND_CLIENT));
}

function addToSummary(added: Map<string, BatchSummary>, span: Span, row: SpanRow, traceId: Buffer): void {
  const hasParent = span.parentSpanId === null ? 0 : 1;
  const error = isErrorRow(row) ? 1 : 0;
  const summary = added.get(span.traceId);
  if (summary === undefined) {
    added.set(span.traceId, {
      traceKey: row[0],
      traceId,
      rootSpanId: row[1],
      rootService: span.service,
      rootName: span.name,
      rootHasParent: hasParent,
      rootStartNs: span.startTimeUnixNano,
      httpMethod: row[11],
      httpRoute: row[12],
      httpStatus: row[13],
      startNs: span.startTimeUnixNano,
      endNs: span.endTimeUnixNano,
      spanCount: 1,
      errorCount: error,
      services: new Set([span.service]),
    });
    return;
  }
  summary.spanCount++;
  summary.errorCount += error;
  summary.services.add(span.service);
  if (span.startTimeUnixNano < summary.startNs) summary.startNs = span.startTimeUnixNano;
  if (span.endTimeUnixNano > summary.endNs) summary.endNs = span.endTimeUnixNano;
  if (
    hasParent < summary.rootHasParent ||
    (hasParent === summary.rootHasParent && span.startTimeUnixNano < summary.rootStartNs)
  ) {
    summary.rootSpanId = row[1];
    summary.rootService = span.service;
    summary.rootName = span.name;
    summary.rootHasParent = hasParent;
    summary.rootStartNs = span.startTimeUnixNano;
    summary.httpMethod = row[11];
    summary.httpRoute = row[12];
    summary.httpStatus = row[13];
  }
}

/**
 * The write path: one batch of spans and logs in one transaction, with resources deduplicated, the
 * per-trace summaries of every touched trace recomputed, and the operation and version indexes kept.
 */
export class SpanWriter {
  private readonly resourceIds = new Map<string, number>();
  private readonly stmt;
  /** Writes one batch in one transaction. */
  readonly write: (spans: readonly Span[], logs: readonly LogRecord[]) => void;

  constructor(
    db: Database.Database,
    private readonly dictionaries: Dictionaries,
  ) {
    this.stmt = {
      insertSpan: db.prepare(`INSERT OR IGNORE INTO spans VALUES (${new Array(22).fill('?').join(', ')})`),
      insertLog: db.prepare(
        `INSERT INTO logs (trace_id, span_id, resource_id, service, time_ns, observed_ns, severity_number,
          severity_text, body, attributes, scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertResource: db.prepare(
        'INSERT INTO resources (fingerprint, service, attributes) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      resourceByFingerprint: db.prepare('SELECT resource_id FROM resources WHERE fingerprint = ?').pluck(),
      traceKeyOf: db.prepare('SELECT trace_key FROM traces WHERE trace_id = ?').pluck(),
      lastTraceKey: db.prepare('SELECT IFNULL(max(trace_key), 0) FROM traces').pluck(),
      mergeSummary: db.prepare(MERGE_TRACE_SUMMARY_SQL),
      upsertOperation: db.prepare(UPSERT_OPERATION_SQL),
      upsertVersion: db.prepare(
        `INSERT INTO service_versions VALUES (?, ?, ?)
         ON CONFLICT (service, version) DO UPDATE SET first_seen_ns = min(first_seen_ns, excluded.first_seen_ns)`,
      ),
    };
    const transaction = db.transaction((spans: readonly Span[], logs: readonly LogRecord[]) =>
      this.writeBatch(spans, logs),
    );
    this.write = (spans, logs) => {
      try {
        transaction(spans, logs);
      } catch (error) {
        // The rollback took back dictionary entries and resource rows this batch added; forget them
        // here too, or later batches would point at rows that were never committed.
        this.dictionaries.keys.reload();
        this.dictionaries.scopes.reload();
        this.resourceIds.clear();
        throw error;
      }
    };
  }

  private resourceId(resource: Attributes, service: string): number {
    const fingerprint = JSON.stringify(resource);
    let id = this.resourceIds.get(fingerprint);
    if (id === undefined) {
      this.stmt.insertResource.run(fingerprint, service, fingerprint);
      id = Number(this.stmt.resourceByFingerprint.get(fingerprint));
      // Bounded: a misbehaving client sending a new resource per span must not grow memory forever.
      if (this.resourceIds.size > 10_000) this.resourceIds.clear();
      this.resourceIds.set(fingerprint, id);
    }
    return id;
  }

  private writeBatch(spans: readonly Span[], logs: readonly LogRecord[]): void {
    const nowMs = Date.now();
    const byResource = new Map<Attributes, number>();
    const idFor = (resource: Attributes, service: string, seenNs: bigint): number => {
      let id = byResource.get(resource);
      if (id === undefined) {
        id = this.resourceId(resource, service);
        byResource.set(resource, id);
        const version = resource[SERVICE_VERSION];
        if (typeof version === 'string') this.stmt.upsertVersion.run(service, version, seenNs);
      }
      return id;
    };
    const added = new Map<string, BatchSummary>();
    const operations = new Map<string, [string, string, number, bigint]>();
    // Each trace of the batch: its id and its row's key, the stored one or, for a trace not seen
    // before, the next after the last (read inside this transaction, so no other writer can take it).
    const traces = new Map<string, { id: Buffer; key: number }>();
    let lastKey: number | undefined;
    for (const span of spans) {
      let trace = traces.get(span.traceId);
      if (trace === undefined) {
        const id = idToBlob(span.traceId);
        let key = this.stmt.traceKeyOf.get(id) as number | undefined;
        if (key === undefined) {
          lastKey ??= this.stmt.lastTraceKey.get() as number;
          key = ++lastKey;
        }
        trace = { id, key };
        traces.set(span.traceId, trace);
      }
      const row = spanToRow(
        span,
        trace.key,
        idFor(span.resource, span.service, span.startTimeUnixNano),
        this.dictionaries,
      );
      // A span already stored (an SDK retry) is ignored by the unique index and counts for nothing.
      if (this.stmt.insertSpan.run(row).changes === 1) addToSummary(added, span, row, trace.id);
      const key = `${span.service}\u0000${span.name}\u0000${row[6]}`;
      const seen = operations.get(key);
      if (seen === undefined || seen[3] < span.startTimeUnixNano) {
        operations.set(key, [span.service, span.name, row[6], span.startTimeUnixNano]);
      }
    }
    for (const summary of added.values()) {
      this.stmt.mergeSummary.run({
        ...summary,
        services: JSON.stringify([...summary.services].sort()),
        nowMs,
      });
    }
    for (const op of operations.values()) this.stmt.upsertOperation.run(op);
    for (const log of logs) {
      this.stmt.insertLog.run(logToRow(log, idFor(log.resource, log.service, log.timeUnixNano)));
    }
  }
}
