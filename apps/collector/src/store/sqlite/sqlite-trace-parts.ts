import type { Attributes, LogRecord, Span } from '@faultline/model';
import type Database from 'better-sqlite3';
import { badQuery } from '../../errors.js';
import type { OmittedField, SpanWithLogs, TracePart, TraceReadLimits } from '../types.js';
import {
  type Dictionaries,
  idToBlob,
  rowToLog,
  rowToSpan,
  type StoredLogRow,
  type StoredSpanRow,
} from './span-rows.js';

/** One span's details leave out fields stored as more text than this (a span with 9M events: 360 MB). */
const SPAN_FIELD_MAX_BYTES = 4 * 1024 * 1024;
/** One span's details carry at most this many of its logs. */
const SPAN_MAX_LOGS = 10_000;
/** Rows per statement: each chunk is one short read, and the event loop turns between chunks. */
const CHUNK_ROWS = 1000;
/** What a span or log costs in the JSON answer beyond its stored text: ids, times, names, keys. */
const ROW_OVERHEAD_BYTES = 250;

type SpanPartRow = StoredSpanRow & {
  attributes_bytes: bigint;
  events_bytes: bigint | null;
  links_bytes: bigint | null;
  name_bytes: bigint;
};
type LogPartRow = StoredLogRow & { log_id: bigint; body_bytes: bigint; attributes_bytes: bigint };

/** Where a part starts: after a span id (spans come first), or after a log id. */
type Position = { spansAfter: Buffer } | { logsAfter: bigint };

function encodePosition(position: Position): string {
  const text =
    'spansAfter' in position ? `s:${position.spansAfter.toString('hex')}` : `l:${position.logsAfter}`;
  return Buffer.from(text).toString('base64url');
}

function decodePosition(cursor: string): Position {
  const text = Buffer.from(cursor, 'base64url').toString();
  const span = /^s:([0-9a-f]{0,16})$/.exec(text);
  if (span) return { spansAfter: Buffer.from(span[1]!, 'hex') };
  const log = /^l:(\d{1,19})$/.exec(text);
  if (log) return { logsAfter: BigInt(log[1]!) };
  throw badQuery('cursor is not one this API returned');
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Reads a trace in bounded parts, by keyset on the indexes the trace is stored in (spans by
 * (trace_key, span_id), logs by (trace_id, log_id)), so a part costs what it holds whatever the size
 * of the trace (a 350,000-span trace read whole is a 225 MB answer). Each row's size is judged from its stored text (`octet_length` reads the record
 * header, not the text), and a field past `maxFieldBytes` is never read at all: one span with 9M
 * events stored 360 MB of text in its `events`.
 */
export class SqliteTraceParts {
  private readonly stmt;
  private readonly resourceBytes = new Map<bigint, number>();

  constructor(
    db: Database.Database,
    private readonly dictionaries: Dictionaries,
    private readonly resourceOf: (id: number) => Attributes,
  ) {
    const keep = (column: string, empty: string) =>
      `CASE WHEN octet_length(${column}) > @cap THEN ${empty} ELSE ${column} END AS ${column.slice(2)}`;
    const spans = (where: string) =>
      db
        .prepare(
          `SELECT @id AS trace_id, s.span_id, s.parent_span_id, s.resource_id, s.service, s.name, s.kind,
             s.start_ns, s.start_ns + s.duration_ns AS end_ns, s.status_code, s.status_message, s.scope,
             ${keep('s.attributes', "'[]'")}, ${keep('s.events', 'NULL')}, ${keep('s.links', 'NULL')},
             octet_length(s.attributes) AS attributes_bytes, octet_length(s.events) AS events_bytes,
             octet_length(s.links) AS links_bytes,
             octet_length(s.name) + octet_length(s.service) + IFNULL(octet_length(s.status_message), 0) AS name_bytes
           FROM spans s WHERE s.trace_key = @key AND ${where}`,
        )
        .safeIntegers();
    const logs = (where: string) =>
      db
        .prepare(
          `SELECT l.log_id, l.trace_id, l.span_id, l.resource_id, l.service, l.time_ns, l.observed_ns,
             l.severity_number, l.severity_text, l.scope, ${keep('l.body', "'null'")},
             ${keep('l.attributes', "'{}'")}, octet_length(l.body) AS body_bytes,
             octet_length(l.attributes) AS attributes_bytes
           FROM logs l WHERE l.trace_id = @id AND ${where}`,
        )
        .safeIntegers();
    this.stmt = {
      traceKey: db.prepare('SELECT trace_key FROM traces WHERE trace_id = ?').pluck(),
      spans: spans('s.span_id > @after ORDER BY s.span_id LIMIT @limit'),
      span: spans('s.span_id = @span'),
      logs: logs('l.log_id > @after ORDER BY l.log_id LIMIT @limit'),
      logsOfSpan: logs('l.span_id = @span ORDER BY l.time_ns LIMIT @limit'),
    };
  }

  /**
   * One span and its logs (in time order), or null when not stored; fields over 4 MiB are left out and
   * named in `omitted`, and past 10,000 logs the rest are left out (`logsCut`).
   */
  span(traceId: string, spanId: string): SpanWithLogs | null {
    const id = idToBlob(traceId);
    const key = this.stmt.traceKey.get(id) as number | undefined;
    if (key === undefined) return null;
    const cap = BigInt(SPAN_FIELD_MAX_BYTES);
    const span = idToBlob(spanId);
    const row = this.stmt.span.get({ id, key, span, cap }) as SpanPartRow | undefined;
    if (!row) return null;
    const omitted: OmittedField[] = [];
    const found: SpanWithLogs = { span: this.toSpan(row, cap, omitted), logs: [] };
    const rows = this.stmt.logsOfSpan.all({ id, span, cap, limit: SPAN_MAX_LOGS + 1 }) as LogPartRow[];
    for (const log of rows.slice(0, SPAN_MAX_LOGS)) found.logs.push(this.toLog(log, cap, omitted));
    if (rows.length > SPAN_MAX_LOGS) found.logsCut = true;
    if (omitted.length > 0) found.omitted = omitted;
    return found;
  }

  /** See `Store.readTracePart`. */
  read(traceId: string, from: string | null, limits: TraceReadLimits): Promise<TracePart | null> {
    return this.readFrom(
      traceId,
      from === null ? { spansAfter: Buffer.alloc(0) } : decodePosition(from),
      limits,
    );
  }

  /** See `Store.readTraceLogs`: a part that starts at the trace's first log. */
  logs(traceId: string, limits: TraceReadLimits): Promise<TracePart | null> {
    return this.readFrom(traceId, { logsAfter: 0n }, limits);
  }

  private async readFrom(
    traceId: string,
    from: Position,
    limits: TraceReadLimits,
  ): Promise<TracePart | null> {
    const id = idToBlob(traceId);
    let position = from;
    const key = this.stmt.traceKey.get(id) as number | undefined;
    if (key === undefined) return null;
    const part: TracePart = { spans: [], logs: [], omitted: [], next: null };
    let bytes = 0;
    /** True when a row of `rowBytes` still fits; the first row of a part always does, so parts advance. */
    const fits = (rowBytes: number) =>
      part.spans.length + part.logs.length === 0 ||
      (part.spans.length + part.logs.length < limits.maxItems && bytes + rowBytes <= limits.maxBytes);
    const cap = BigInt(limits.maxFieldBytes);
    while ('spansAfter' in position) {
      const rows = this.stmt.spans.all({
        id,
        key,
        after: position.spansAfter,
        cap,
        limit: CHUNK_ROWS,
      }) as SpanPartRow[];
      for (const row of rows) {
        const size = this.spanBytes(row, cap);
        if (!fits(size)) return { ...part, next: encodePosition(position) };
        bytes += size;
        part.spans.push(this.toSpan(row, cap, part.omitted));
        position = { spansAfter: row.span_id };
      }
      if (rows.length < CHUNK_ROWS) position = { logsAfter: 0n };
      else await yieldToEventLoop();
    }
    for (;;) {
      const rows = this.stmt.logs.all({
        id,
        after: position.logsAfter,
        cap,
        limit: CHUNK_ROWS,
      }) as LogPartRow[];
      for (const row of rows) {
        const size = this.logBytes(row, cap);
        if (!fits(size)) return { ...part, next: encodePosition(position) };
        bytes += size;
        part.logs.push(this.toLog(row, cap, part.omitted));
        position = { logsAfter: row.log_id };
      }
      if (rows.length < CHUNK_ROWS) return part;
      await yieldToEventLoop();
    }
  }

  private spanBytes(row: SpanPartRow, cap: bigint): number {
    const kept = (n: bigint | null) => (n === null || n > cap ? 0 : Number(n));
    return (
      ROW_OVERHEAD_BYTES +
      Number(row.name_bytes) +
      kept(row.attributes_bytes) +
      kept(row.events_bytes) +
      kept(row.links_bytes) +
      this.resourceSize(row.resource_id)
    );
  }

  private logBytes(row: LogPartRow, cap: bigint): number {
    const kept = (n: bigint) => (n > cap ? 0 : Number(n));
    return (
      ROW_OVERHEAD_BYTES +
      row.severity_text.length +
      kept(row.body_bytes) +
      kept(row.attributes_bytes) +
      this.resourceSize(row.resource_id)
    );
  }

  /** Every span and log repeats its resource in the answer: count it each time. */
  private resourceSize(id: bigint): number {
    let size = this.resourceBytes.get(id);
    if (size === undefined) {
      size = JSON.stringify(this.resourceOf(Number(id))).length;
      if (this.resourceBytes.size > 10_000) this.resourceBytes.clear();
      this.resourceBytes.set(id, size);
    }
    return size;
  }

  private toSpan(row: SpanPartRow, cap: bigint, omitted: OmittedField[]): Span {
    const item = row.span_id.toString('hex');
    const note = (field: OmittedField['field'], stored: bigint | null) => {
      if (stored !== null && stored > cap) omitted.push({ item, field, storedBytes: Number(stored) });
    };
    note('attributes', row.attributes_bytes);
    note('events', row.events_bytes);
    note('links', row.links_bytes);
    return rowToSpan(row, this.resourceOf(Number(row.resource_id)), this.dictionaries);
  }

  private toLog(row: LogPartRow, cap: bigint, omitted: OmittedField[]): LogRecord {
    const item = `log:${row.log_id}`;
    if (row.body_bytes > cap) omitted.push({ item, field: 'body', storedBytes: Number(row.body_bytes) });
    if (row.attributes_bytes > cap)
      omitted.push({ item, field: 'attributes', storedBytes: Number(row.attributes_bytes) });
    return rowToLog(row, this.resourceOf(Number(row.resource_id)));
  }
}
