import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span } from '@faultline/model';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSpan, newTraceId } from '../../../test/helpers/make-span.js';
import { SqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'faultline-size-cap-'));
const t0 = BigInt(Date.now()) * 1_000_000n - 3_600_000_000_000n;
const TRACES = 5000;

/** One-span traces, oldest first, ~1 KB each; every tenth fails. */
function oneSpanTraces(): { spans: Span[]; failing: Set<string>; newest: string[] } {
  const spans = Array.from({ length: TRACES }, (_, i) =>
    makeSpan({
      traceId: newTraceId(),
      startTimeUnixNano: t0 + BigInt(i) * 1_000_000n,
      endTimeUnixNano: t0 + BigInt(i) * 1_000_000n + 5_000_000n,
      status: { code: i % 10 === 0 ? 'ERROR' : 'UNSET' },
      attributes: { pad: 'x'.repeat(1000) },
    }),
  );
  return {
    spans,
    failing: new Set(spans.filter((s) => s.status.code === 'ERROR').map((s) => s.traceId)),
    newest: spans.slice(-1000).map((s) => s.traceId),
  };
}

/** A copy of the filled database, opened with `maxDbBytes`, pruned as retention does until done. */
async function pruneCopy(source: string, name: string, maxDbBytes: number): Promise<Set<string>> {
  const path = join(dir, name);
  const copy = new Database(source, { readonly: true });
  await copy.backup(path);
  copy.close();
  const store = new SqliteStore({ path, retentionMs: 86_400_000, maxDbBytes });
  for (let round = 0; round < 200; round++) {
    if ((await store.prune(BigInt(Date.now()) * 1_000_000n, 200)).tracesDeleted < 200) break;
  }
  const ids = store.db.prepare('SELECT lower(hex(trace_id)) FROM traces').pluck().all() as string[];
  const pages = store.db.pragma('page_count', { simple: true }) as number;
  const free = store.db.pragma('freelist_count', { simple: true }) as number;
  const pageSize = store.db.pragma('page_size', { simple: true }) as number;
  await store.close();
  if (maxDbBytes > 1024 * 1024) expect((pages - free) * pageSize).toBeLessThanOrEqual(maxDbBytes);
  return new Set(ids);
}

describe('pruning for --max-db-size', () => {
  let filled: string;
  let data: ReturnType<typeof oneSpanTraces>;

  beforeAll(async () => {
    filled = join(dir, 'filled.db');
    data = oneSpanTraces();
    const store = new SqliteStore({ path: filled, retentionMs: 86_400_000, maxDbBytes: 1024 ** 3 });
    await store.write(data.spans, []);
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the oldest successful traces first and keeps every failing one while that is enough', async () => {
    const kept = await pruneCopy(filled, 'lowered.db', 3 * 1024 * 1024);
    expect(kept.size).toBeLessThan(TRACES);
    expect([...data.failing].filter((id) => !kept.has(id))).toEqual([]);
    // What went were the oldest successful ones.
    const successful = data.spans.filter((s) => !data.failing.has(s.traceId)).map((s) => s.traceId);
    const firstKept = successful.findIndex((id) => kept.has(id));
    expect(successful.slice(firstKept).every((id) => kept.has(id))).toBe(true);
  });

  it('never prunes the newest traces, even when the cap cannot be met without them', async () => {
    const kept = await pruneCopy(filled, 'tiny.db', 64 * 1024);
    expect(data.newest.filter((id) => !kept.has(id))).toEqual([]);
    expect(kept.size).toBe(1000);
  });
});
