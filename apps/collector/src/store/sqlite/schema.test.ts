import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attributes, LogRecord, Span } from '@faultline/model';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeFailingChain, makeLog } from '../../../test/helpers/make-span.js';
import type { Dictionary } from './dictionary.js';
import { migrate, SCHEMA_VERSION } from './schema.js';
import { logToRow, spanToRow } from './span-rows.js';
import { SqliteStore } from './sqlite-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-schema-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const DAY_MS = 86_400_000;

/** Dictionaries that are always full: every text stays inline (the row is rewritten below anyway). */
const FULL = { idFor: () => undefined } as unknown as Dictionary;
const NO_DICTIONARIES = { keys: FULL, scopes: FULL };

/** Spans and summaries as the version-5 collector wrote them (summary recomputed from the spans). */
function writeAsVersion5(db: Database.Database, spans: Span[], logs: LogRecord[]): void {
  const resource = db.prepare(
    'INSERT INTO resources (fingerprint, service, attributes) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const resourceId = (attributes: Attributes, service: string): number => {
    const json = JSON.stringify(attributes);
    resource.run(json, service, json);
    return Number(db.prepare('SELECT resource_id FROM resources WHERE fingerprint = ?').pluck().get(json));
  };
  const insertLog = db.prepare(
    `INSERT INTO logs (trace_id, span_id, resource_id, service, time_ns, observed_ns, severity_number,
      severity_text, body, attributes, scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insert = db.prepare(`INSERT INTO spans VALUES (${new Array(22).fill('?').join(', ')})`);
  const summary = db.prepare(`
    INSERT INTO traces (trace_id, root_span_id, root_service, root_name, start_ns, end_ns, span_count,
      error_count, http_method, http_route, http_status, services, updated_at_ms)
    SELECT r.trace_id, r.span_id, r.service, r.name, a.start_ns, a.end_ns, a.n, a.errors, r.http_method,
      r.http_route, r.http_status, a.services, 1
    FROM (SELECT MIN(start_ns) AS start_ns, MAX(end_ns) AS end_ns, COUNT(*) AS n,
        SUM(status_code = 2) AS errors, json_group_array(DISTINCT service) AS services
      FROM spans WHERE trace_id = @t) a,
      (SELECT * FROM spans WHERE trace_id = @t ORDER BY parent_span_id IS NOT NULL, start_ns LIMIT 1) r
    WHERE true ON CONFLICT (trace_id) DO NOTHING`);
  db.transaction(() => {
    for (const span of spans) {
      // Version 5 kept attributes as a JSON object and the scope as JSON text (no dictionaries),
      // the trace id in each span row and the end time, not the duration.
      const row: unknown[] = spanToRow(span, 0, resourceId(span.resource, span.service), NO_DICTIONARIES);
      row[0] = Buffer.from(span.traceId, 'hex');
      row[8] = span.endTimeUnixNano;
      row[17] = span.scope ? JSON.stringify(span.scope) : null;
      row[18] = JSON.stringify(span.attributes);
      insert.run(row);
    }
    for (const log of logs) insertLog.run(logToRow(log, resourceId(log.resource, log.service)));
    for (const traceId of new Set(spans.map((s) => s.traceId)))
      summary.run({ t: Buffer.from(traceId, 'hex') });
  })();
}

describe('schema migrations', () => {
  it('upgrades a database written by the clustered layout (version 5) without losing or changing a span', async () => {
    const path = join(dir, 'old.db');
    const chains = [makeFailingChain(), makeFailingChain(), makeFailingChain()];
    const logs = [makeLog(chains[0]![3]!, 'query failed')];
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    migrate(old, 5);
    writeAsVersion5(old, chains.flat(), logs);
    old.close();

    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const store = new SqliteStore({ path, retentionMs: 7 * DAY_MS, maxDbBytes: 2 * 1024 ** 3 });
    // Opening an old database says why the start waits.
    expect(stderr.mock.calls.map((call) => String(call[0])).join('')).toContain(
      `upgrading the database from schema version 5 to ${SCHEMA_VERSION}`,
    );
    stderr.mockRestore();
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      for (const chain of chains) {
        const trace = await store.getTrace(chain[0]!.traceId);
        const byId = new Map(trace!.spans.map((s) => [s.spanId, s]));
        expect(byId.size).toBe(chain.length);
        for (const span of chain) expect(byId.get(span.spanId)).toEqual(span);
      }
      expect((await store.getTrace(chains[0]![0]!.traceId))!.logs).toEqual(logs);
      const page = await store.searchTraces({ limit: 10, errorsOnly: true });
      expect(page.traces.map((t) => t.traceId).sort()).toEqual(chains.map((c) => c[0]!.traceId).sort());
      // The unique index still makes an SDK retry of the same spans a no-op.
      await store.write(chains[1]!, []);
      const again = await store.searchTraces({ limit: 10 });
      expect(again.traces.find((t) => t.traceId === chains[1]![0]!.traceId)?.spanCount).toBe(
        chains[1]!.length,
      );
      // And what was written before the upgrade is still waiting to be finalized.
      expect((await store.pendingTraces(Date.now() + 1000, 10)).length).toBe(3);
      // A trace written after the upgrade takes a key of its own: it and the old ones read back whole.
      const fresh = makeFailingChain();
      await store.write(fresh, []);
      expect((await store.getTrace(fresh[0]!.traceId))!.spans).toHaveLength(fresh.length);
      for (const chain of chains) {
        expect((await store.getTrace(chain[0]!.traceId))!.spans).toHaveLength(chain.length);
      }
    } finally {
      await store.close();
    }
  });

  it('refuses a database from a newer collector instead of guessing', () => {
    const path = join(dir, 'new.db');
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    expect(() => migrate(db)).toThrow(/newer than this collector understands/);
    db.close();
  });
});
