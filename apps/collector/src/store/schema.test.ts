import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFailingChain, makeLog } from '../../test/helpers/make-span.js';
import { migrate, SCHEMA_VERSION } from './schema.js';
import { SpanWriter } from './span-writer.js';
import { SqliteStore } from './sqlite-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-schema-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const DAY_MS = 86_400_000;

describe('schema migrations', () => {
  it('upgrades a database written by the clustered layout (version 5) without losing or changing a span', async () => {
    const path = join(dir, 'old.db');
    const chains = [makeFailingChain(), makeFailingChain(), makeFailingChain()];
    const logs = [makeLog(chains[0]![3]!, 'query failed')];
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    migrate(old, 5);
    new SpanWriter(old).write(chains.flat(), logs);
    old.close();

    const store = new SqliteStore({ path, retentionMs: 7 * DAY_MS, maxDbBytes: 2 * 1024 ** 3 });
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
