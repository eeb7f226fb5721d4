import type { Diagnosis } from '@faultline/diagnosis';
import { isErrorSpanFacts } from '@faultline/diagnosis';
import { SPAN_KIND_NAMES, type SpanOutline, STATUS_CODE_NAMES } from '@faultline/model';
import type Database from 'better-sqlite3';
import type { TraceStamp } from '../types.js';
import { idToBlob } from './span-rows.js';
import { decodeVerdict } from './verdict-codec.js';

/** An outline row, as `raw()` hands it out with safe integers (every INTEGER a bigint). */
type OutlineRow = [
  spanId: string,
  parentSpanId: string | null,
  service: string,
  name: string,
  kind: bigint,
  startNs: bigint,
  endNs: bigint,
  statusCode: bigint,
  statusMessage: string | null,
  httpStatus: bigint | null,
  exception: bigint,
];

/** A trace's outline as the store holds it, with the kept verdict when it is current. */
export interface OutlineRead {
  spans: SpanOutline[];
  logCount: number;
  /** Undefined when no verdict is kept or it is stale: the caller diagnoses the trace. */
  diagnosis: Diagnosis | null | undefined;
}

/**
 * Reads a trace's outline from the columns the waterfall needs and never from the attributes, events
 * or links (only whether an event is an exception), so a 10,000-span trace takes tens of ms, not the
 * ~300 ms of decoding it whole.
 */
export class SqliteOutlines {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      // Ids as hex text from SQLite: a Buffer per id costs JavaScript more than the whole query does.
      // `events IS NULL` is answered from the record header; only spans with events have them parsed.
      spans: db
        .prepare(
          `SELECT lower(hex(s.span_id)), nullif(lower(hex(s.parent_span_id)), ''), s.service, s.name, s.kind,
             s.start_ns, s.start_ns + s.duration_ns, s.status_code, s.status_message, s.http_status,
             s.events IS NOT NULL AND EXISTS (
               SELECT 1 FROM json_each(s.events) WHERE json_extract(value, '$[0]') = 'exception'
             )
           FROM traces t JOIN spans s ON s.trace_key = t.trace_key WHERE t.trace_id = ? ORDER BY s.start_ns`,
        )
        .raw()
        .safeIntegers(),
      logCount: db.prepare('SELECT count(*) FROM logs WHERE trace_id = ?').pluck(),
      // span_count is folded from what each batch really added, so it counts distinct spans.
      stamp: db.prepare(
        `SELECT span_count AS spanCount, (SELECT count(*) FROM logs WHERE trace_id = @id) AS logCount
         FROM traces WHERE trace_id = @id`,
      ),
      verdict: db
        .prepare('SELECT updated_at_ms, diagnosed_update_ms, verdict FROM traces WHERE trace_id = ?')
        .safeIntegers(),
    };
  }

  /** The outline of one trace, or null when no span of it is stored. */
  read(traceId: string): OutlineRead | null {
    const id = idToBlob(traceId);
    const rows = this.stmt.spans.all(id) as OutlineRow[];
    if (rows.length === 0) return null;
    const spans = rows.map(rowToOutline);
    const logCount = this.stmt.logCount.get(id) as number;
    return { spans, logCount, diagnosis: this.keptDiagnosis(id, logCount) };
  }

  /** The trace's counts, or null when no span of it is stored: two index lookups. */
  stamp(traceId: string): TraceStamp | null {
    return (this.stmt.stamp.get({ id: idToBlob(traceId) }) as TraceStamp | undefined) ?? null;
  }

  /** The verdict the finalizer kept, if the trace has not changed since: no span and no log since. */
  private keptDiagnosis(id: Buffer, logCount: number): Diagnosis | null | undefined {
    const row = this.stmt.verdict.get(id) as
      | { updated_at_ms: bigint; diagnosed_update_ms: bigint | null; verdict: Buffer | string | null }
      | undefined;
    if (!row || row.verdict === null || row.diagnosed_update_ms !== row.updated_at_ms) return undefined;
    const kept = decodeVerdict(row.verdict);
    if (kept.diagnosis !== null && kept.logCount !== logCount) return undefined;
    return kept.diagnosis;
  }
}

function rowToOutline(row: OutlineRow): SpanOutline {
  const [spanId, parentSpanId, service, name, kind, startNs, endNs, statusCode, message, httpStatus] = row;
  const outline: SpanOutline = {
    spanId,
    parentSpanId,
    service,
    name,
    kind: SPAN_KIND_NAMES[Number(kind)] ?? 'UNSPECIFIED',
    startTimeUnixNano: startNs,
    endTimeUnixNano: endNs,
    status:
      message === null
        ? { code: STATUS_CODE_NAMES[Number(statusCode)] ?? 'UNSET' }
        : { code: STATUS_CODE_NAMES[Number(statusCode)] ?? 'UNSET', message },
    failed: false,
    exception: row[10] === 1n,
  };
  outline.failed = isErrorSpanFacts({
    statusCode: outline.status.code,
    kind: outline.kind,
    httpStatusCode: httpStatus === null ? undefined : Number(httpStatus),
    exception: outline.exception,
  });
  return outline;
}
