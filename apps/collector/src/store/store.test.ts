import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFailingChain, makeLog, makeSpan, newTraceId } from '../../test/helpers/make-span.js';
import { type OpenedStore, STORE_BACKENDS } from '../../test/helpers/store-backends.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

describe.each(STORE_BACKENDS)('the $name store', (backend) => {
  let opened: OpenedStore;
  let store: Store;

  beforeEach(async () => {
    opened = await backend.open();
    store = opened.store;
  });
  afterEach(() => opened.dispose());

  it('returns a trace exactly as written: ids, ns times, status, attributes, events, resource', async () => {
    const spans = makeFailingChain();
    const logs = [makeLog(spans[3]!, 'query failed')];
    await store.write(spans, logs);
    const trace = await store.getTrace(spans[0]!.traceId);
    expect(trace).not.toBeNull();
    const byId = new Map(trace!.spans.map((s) => [s.spanId, s]));
    for (const span of spans) expect(byId.get(span.spanId)).toEqual(backend.asStored(span));
    expect(trace!.logs).toEqual(logs);
  });

  it('answers null for a trace it never saw', async () => {
    expect(await store.getTrace(newTraceId())).toBeNull();
  });
  it('keeps the trace summary right when spans arrive child-first from three services in separate batches', async () => {
    const [gateway, client, orders, query] = makeFailingChain();
    await store.write([query!], []);
    let page = await store.searchTraces({ limit: 10 });
    // Only the db span so far: it stands in for the root until the real root arrives.
    expect(page.traces[0]).toMatchObject({ rootService: 'orders', rootName: query!.name, spanCount: 1 });
    await store.write([orders!], []);
    await store.write([client!, gateway!], []);
    page = await store.searchTraces({ limit: 10 });
    expect(page.traces).toHaveLength(1);
    expect(page.traces[0]).toMatchObject({
      traceId: gateway!.traceId,
      rootService: 'gateway',
      rootName: 'GET /api/orders/:id',
      spanCount: 4,
      errorCount: 4,
      httpStatusCode: 500,
      httpRoute: '/api/orders/:id',
      startTimeUnixNano: gateway!.startTimeUnixNano,
      endTimeUnixNano: gateway!.endTimeUnixNano,
    });
    expect([...page.traces[0]!.services].sort()).toEqual(['gateway', 'orders']);
  });

  it('gives the same summary whatever order and batching the spans arrive in, retries included', async () => {
    const chain = makeFailingChain();
    const permutations = (items: number[]): number[][] =>
      items.length <= 1
        ? [items]
        : items.flatMap((x, i) => permutations(items.filter((_, j) => j !== i)).map((p) => [x, ...p]));
    const summaryOf = async (spans: typeof chain) =>
      (await store.searchTraces({ limit: 100 })).traces.find((t) => t.traceId === spans[0]!.traceId);
    await store.write(chain, []);
    const expected = await summaryOf(chain);
    for (const order of permutations([0, 1, 2, 3])) {
      // A fresh trace id per ordering, the same spans otherwise; every span is sent twice.
      const traceId = newTraceId();
      const spans = order.map((i) => ({ ...chain[i]!, traceId }));
      for (const span of spans) await store.write([span], []);
      await store.write(spans.slice(0, 2), []);
      expect({ ...(await summaryOf(spans)), traceId: chain[0]!.traceId }).toEqual(expected);
    }
  });

  it('stores a span sent twice (an exporter retry) once', async () => {
    const spans = makeFailingChain();
    await store.write(spans, []);
    await store.write(spans, []);
    expect((await store.getTrace(spans[0]!.traceId))!.spans).toHaveLength(4);
    expect((await store.searchTraces({ limit: 10 })).traces[0]!.spanCount).toBe(4);
  });

  it('lists services with their operations', async () => {
    await store.write(makeFailingChain(), []);
    const services = await store.listServices();
    expect(services.map((s) => s.service)).toEqual(['gateway', 'orders']);
    expect(services[1]!.operations.map((o) => o.name)).toEqual(['GET /orders/:id', 'pg.query:SELECT shop']);
  });
});

describe('SqliteStore', () => {
  let dir: string;
  let store: SqliteStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-store-'));
    store = new SqliteStore({
      path: join(dir, 'test.db'),
      retentionMs: 7 * 86_400_000,
      maxDbBytes: 2 * 1024 ** 3,
    });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deduplicates resources: one row per distinct resource', async () => {
    await store.write(makeFailingChain(), []);
    await store.write(makeFailingChain(), []);
    expect(store.db.prepare('SELECT count(*) FROM resources').pluck().get()).toBe(2);
  });

  it('keeps no memory of a resource whose row a failed write rolled back', async () => {
    const resource = { 'service.name': 'rolled-back', 'service.version': '2.0.0' };
    const poison = makeSpan({ traceId: newTraceId(), service: 'rolled-back', resource });
    poison.startTimeUnixNano = 2n ** 64n - 1n; // no INTEGER column holds it: the write fails
    poison.endTimeUnixNano = poison.startTimeUnixNano;
    await expect(store.write([poison], [])).rejects.toThrow();
    const later = makeSpan({ traceId: newTraceId(), service: 'rolled-back', resource: { ...resource } });
    await store.write([later], []);
    expect((await store.getTrace(later.traceId))?.spans[0]?.resource).toEqual(resource);
  });

  it('prunes traces past retention whole, spans and logs with them', async () => {
    const old = makeSpan({ traceId: newTraceId(), startTimeUnixNano: 1_000_000_000_000_000_000n });
    old.endTimeUnixNano = old.startTimeUnixNano + 1000n;
    const fresh = makeFailingChain();
    await store.write([old, ...fresh], [makeLog(old, 'old')]);
    const result = await store.prune(BigInt(Date.now()) * 1_000_000n, 100);
    expect(result.tracesDeleted).toBe(1);
    expect(await store.getTrace(old.traceId)).toBeNull();
    expect(await store.getTrace(fresh[0]!.traceId)).not.toBeNull();
    expect(store.db.prepare('SELECT count(*) FROM logs').pluck().get()).toBe(0);
  });

  it('prunes the oldest traces first when the database is over its size cap', async () => {
    await store.close();
    const path = join(dir, 'capped.db');
    const first = makeFailingChain();
    const second = makeFailingChain();
    for (const s of second) s.startTimeUnixNano += 1_000_000_000n;
    // Written under a roomy cap, then reopened under a tiny one (an operator lowering --max-db-size):
    // writes prune for size as they commit, so only a lowered cap leaves the pruning to retention.
    const roomy = new SqliteStore({ path, retentionMs: 7 * 86_400_000, maxDbBytes: 1024 ** 3 });
    await roomy.write([...first, ...second], []);
    await roomy.close();
    store = new SqliteStore({ path, retentionMs: 7 * 86_400_000, maxDbBytes: 1, keepNewestTraces: 1 });
    const result = await store.prune(BigInt(Date.now()) * 1_000_000n, 1);
    expect(result.tracesDeleted).toBe(1);
    expect(await store.getTrace(first[0]!.traceId)).toBeNull();
    expect(await store.getTrace(second[0]!.traceId)).not.toBeNull();
  });
});
