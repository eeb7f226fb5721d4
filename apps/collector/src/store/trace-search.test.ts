import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFailingChain, makeSpan, newTraceId, resourceFor } from '../../test/helpers/make-span.js';
import { type OpenedStore, STORE_BACKENDS } from '../../test/helpers/store-backends.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';
import type { TraceQuery } from './types.js';

const failing = makeFailingChain();
const t0 = BigInt(Date.now()) * 1_000_000n;
const ok = Array.from({ length: 5 }, (_, i) =>
  makeSpan({
    traceId: newTraceId(),
    service: 'orders',
    name: 'GET /health',
    startTimeUnixNano: t0 - BigInt(i + 1) * 1_000_000_000n,
    endTimeUnixNano: t0 - BigInt(i + 1) * 1_000_000_000n + BigInt(i + 1) * 10_000_000n,
    attributes: {
      'http.route': '/health',
      'http.response.status_code': 200,
      'user.tier': i === 0 ? 'gold' : 'free',
    },
    resource: resourceFor('orders', i === 0 ? '1.4.3' : '1.4.2'),
  }),
);

describe.each(STORE_BACKENDS)('trace search on the $name store', (backend) => {
  let opened: OpenedStore;
  let store: Store;

  beforeAll(async () => {
    opened = await backend.open({ retentionMs: 86_400_000 });
    store = opened.store;
    await store.write([...failing, ...ok], []);
  });

  afterAll(() => opened.dispose());

  const ids = async (query: Partial<TraceQuery>) =>
    (await store.searchTraces({ limit: 50, ...query })).traces.map((t) => t.traceId);

  it('lists traces newest first', async () => {
    expect(await ids({})).toEqual([failing[0]!.traceId, ...ok.map((s) => s.traceId)]);
  });

  it('filters by errors only, HTTP status, service and operation', async () => {
    expect(await ids({ errorsOnly: true })).toEqual([failing[0]!.traceId]);
    expect(await ids({ httpStatusCode: 500 })).toEqual([failing[0]!.traceId]);
    expect(await ids({ service: 'gateway' })).toEqual([failing[0]!.traceId]);
    expect(await ids({ service: 'orders', operation: 'GET /health' })).toHaveLength(5);
  });

  it('filters by duration and time range', async () => {
    // The failing chain lasts 40 ms; the healthy traces 10, 20, 30, 40 and 50 ms.
    expect(await ids({ minDurationMs: 30, maxDurationMs: 45 })).toEqual([
      failing[0]!.traceId,
      ok[2]!.traceId,
      ok[3]!.traceId,
    ]);
    expect(
      await ids({ startTimeUnixNano: t0 - 2_500_000_000n, endTimeUnixNano: t0 - 1_500_000_000n }),
    ).toEqual([ok[1]!.traceId]);
  });

  it('filters by span attribute and by resource attribute', async () => {
    expect(await ids({ attributes: { 'user.tier': 'gold' } })).toEqual([ok[0]!.traceId]);
    expect(await ids({ attributes: { 'service.version': '1.4.3' } })).toEqual([ok[0]!.traceId]);
    expect(await ids({ attributes: { 'http.response.status_code': '200' } })).toHaveLength(5);
  });

  it('pages with a cursor without skipping or repeating a trace', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.searchTraces({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.traces.map((t) => t.traceId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(await ids({}));
  });

  it.each([
    "' OR 1=1 --",
    '%',
    '_',
    '"; DROP TABLE spans; --',
    "orders' UNION SELECT * FROM resources --",
    '/* comment */ orders',
  ])('treats %s as a plain value: no extra rows, schema intact', async (payload) => {
    expect(await ids({ service: payload })).toEqual([]);
    expect(await ids({ operation: payload })).toEqual([]);
    expect(await ids({ attributes: { 'user.tier': payload } })).toEqual([]);
    expect(await ids({ attributes: { [payload.replaceAll('"', '')]: 'gold' } })).toEqual([]);
    if (store instanceof SqliteStore)
      expect(store.db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    expect(await ids({})).toHaveLength(6);
  });
});
