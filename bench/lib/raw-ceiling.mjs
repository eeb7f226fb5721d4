// The raw ceiling: the same spans inserted straight into a plain SQLite table with a trace-id index,
// with no HTTP and no decoding: what this machine's disk and SQLite can do at best.
import { randomFillSync } from 'node:crypto';
import Database from 'better-sqlite3';

export function rawCeiling(dbPath, template, seconds, prefillSpans = 0) {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE spans (trace_id BLOB NOT NULL, span_id BLOB NOT NULL, parent_span_id BLOB, name TEXT,
    kind INTEGER, start_ns INTEGER, end_ns INTEGER, status_code INTEGER, attributes TEXT, events TEXT);
    CREATE INDEX spans_by_trace ON spans (trace_id);`);
  const insert = db.prepare('INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const rows = template.spans.map((s) => ({
    name: s.name,
    kind: s.kind,
    start: BigInt(s.startTime[0]) * 1_000_000_000n + BigInt(s.startTime[1]),
    end: BigInt(s.endTime[0]) * 1_000_000_000n + BigInt(s.endTime[1]),
    status: s.status.code,
    attributes: JSON.stringify(s.attributes),
    events: s.events.length ? JSON.stringify(s.events.map((e) => [e.name, e.attributes])) : null,
  }));
  const writeBatch = db.transaction(() => {
    const traceIds = Array.from({ length: 64 }, () => randomFillSync(Buffer.alloc(16)));
    rows.forEach((row, i) => {
      insert.run(
        traceIds[i % 64],
        randomFillSync(Buffer.alloc(8)),
        null,
        row.name,
        row.kind,
        row.start,
        row.end,
        row.status,
        row.attributes,
        row.events,
      );
    });
  });
  for (let done = 0; done < prefillSpans; done += rows.length) writeBatch();
  let spans = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    writeBatch();
    spans += rows.length;
  }
  const elapsed = (performance.now() - started) / 1000;
  db.close();
  return spans / elapsed;
}
