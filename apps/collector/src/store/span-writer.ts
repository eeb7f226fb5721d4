import { type Attributes, type LogRecord, SERVICE_VERSION, type Span } from '@faultline/model';
import type Database from 'better-sqlite3';
import { logToRow, spanToRow } from './span-rows.js';
import { UPSERT_OPERATION_SQL, UPSERT_TRACE_SUMMARY_SQL } from './trace-summary-sql.js';

/**
 * The write path: one batch of spans and logs in one transaction, with resources deduplicated, the
 * per-trace summaries of every touched trace recomputed, and the operation and version indexes kept.
 */
export class SpanWriter {
  private readonly resourceIds = new Map<string, number>();
  private readonly stmt;
  /** Writes one batch in one transaction. */
  readonly write: (spans: readonly Span[], logs: readonly LogRecord[]) => void;

  constructor(db: Database.Database) {
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
      upsertSummary: db.prepare(UPSERT_TRACE_SUMMARY_SQL),
      upsertOperation: db.prepare(UPSERT_OPERATION_SQL),
      upsertVersion: db.prepare(
        `INSERT INTO service_versions VALUES (?, ?, ?)
         ON CONFLICT (service, version) DO UPDATE SET first_seen_ns = min(first_seen_ns, excluded.first_seen_ns)`,
      ),
    };
    this.write = db.transaction((spans: readonly Span[], logs: readonly LogRecord[]) =>
      this.writeBatch(spans, logs),
    );
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
    const touched = new Map<string, Buffer>();
    const operations = new Map<string, [string, string, number, bigint]>();
    for (const span of spans) {
      const row = spanToRow(span, idFor(span.resource, span.service, span.startTimeUnixNano));
      this.stmt.insertSpan.run(row);
      if (!touched.has(span.traceId)) touched.set(span.traceId, row[0]);
      const key = `${span.service}\u0000${span.name}\u0000${row[6]}`;
      const seen = operations.get(key);
      if (seen === undefined || seen[3] < span.startTimeUnixNano) {
        operations.set(key, [span.service, span.name, row[6], span.startTimeUnixNano]);
      }
    }
    for (const traceId of touched.values()) this.stmt.upsertSummary.run({ traceId, nowMs });
    for (const op of operations.values()) this.stmt.upsertOperation.run(op);
    for (const log of logs) {
      this.stmt.insertLog.run(logToRow(log, idFor(log.resource, log.service, log.timeUnixNano)));
    }
  }
}
