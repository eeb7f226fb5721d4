import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFailingChain, makeSpan, newTraceId, resourceFor } from '../../test/helpers/make-span.js';
import { type OpenedStore, STORE_BACKENDS } from '../../test/helpers/store-backends.js';
import type { Store } from './store.js';
import type { DiagnosisRecord } from './types.js';

function record(overrides: Partial<DiagnosisRecord>): DiagnosisRecord {
  return {
    fingerprint: 'pool',
    originService: 'orders',
    originOperation: 'pg-pool.connect',
    originNode: 'orders',
    originSpanId: 'aaaaaaaaaaaaaaaa',
    cause: 'db_pool_exhausted',
    exceptionType: 'Error',
    message: 'timeout exceeded when trying to connect',
    summary: '500 originated in orders › pg-pool.connect',
    version: '1.4.2',
    entryEndpoint: 'GET /api/orders/:id',
    originEndpoint: 'GET /orders/:id',
    startTimeUnixNano: BigInt(Date.now()) * 1_000_000n,
    ...overrides,
  };
}

describe.each(STORE_BACKENDS)('failure groups on the $name store', (backend) => {
  let opened: OpenedStore;
  let store: Store;

  beforeEach(async () => {
    opened = await backend.open({ retentionMs: 86_400_000 });
    store = opened.store;
  });
  afterEach(() => opened.dispose());

  // Quiet since a minute from now: every span written so far has ended (ClickHouse judges quiet by
  // span end times, SQLite by write times).
  const quietNow = () => Date.now() + 60_000;

  async function diagnoseAllPending(make: (traceId: string) => DiagnosisRecord | null) {
    const pending = await store.pendingTraces(quietNow(), 100);
    for (const p of pending) await store.finalizeTrace(p.traceId, p.stamp, make(p.traceId));
    return pending.map((p) => p.traceId);
  }

  it('offers each failing trace for diagnosis once, and again only after a late span changes it', async () => {
    const chain = makeFailingChain();
    await store.write(chain.slice(1), []);
    expect(await diagnoseAllPending(() => record({}))).toEqual([chain[0]!.traceId]);
    expect(await diagnoseAllPending(() => record({}))).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 2));
    await store.write([chain[0]!], []);
    expect(await diagnoseAllPending(() => record({}))).toEqual([chain[0]!.traceId]);
    const [group] = await store.failureGroups(0n, 10, 0);
    expect(group!.count).toBe(1);
  });

  it('offers traces without errors too (for the service map), marked as such', async () => {
    const span = makeSpan({ traceId: newTraceId() });
    await store.write([span], []);
    expect(await store.pendingTraces(quietNow(), 100)).toEqual([
      { traceId: span.traceId, stamp: expect.any(Number), hasErrors: false },
    ]);
  });

  it('keeps service-map edges exact when a late span changes a trace', async () => {
    const [gateway, client, orders, query] = makeFailingChain();
    await store.write([orders!, query!], []);
    await diagnoseAllPending(() => null);
    // Without the caller's spans, orders -> postgresql is known but gateway -> orders is not.
    expect((await store.serviceMap(0n)).edges).toEqual([
      { source: 'orders', target: 'postgresql', calls: 1, errors: 1 },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 2));
    await store.write([gateway!, client!], []);
    await diagnoseAllPending(() => null);
    const edges = (await store.serviceMap(0n)).edges;
    expect(edges).toHaveLength(2);
    expect(edges).toContainEqual({ source: 'orders', target: 'postgresql', calls: 1, errors: 1 });
    expect(edges).toContainEqual({ source: 'gateway', target: 'orders', calls: 1, errors: 1 });
  });

  it('names an uninstrumented peer on the service map by the address its caller used', async () => {
    const traceId = newTraceId();
    const root = makeSpan({ traceId, service: 'gateway' });
    const call = makeSpan({
      traceId,
      service: 'gateway',
      parentSpanId: root.spanId,
      kind: 'CLIENT',
      name: 'GET',
      attributes: { 'http.request.method': 'GET', 'server.address': 'legacy', 'server.port': 8082 },
    });
    await store.write([root, call], []);
    await diagnoseAllPending(() => null);
    expect((await store.serviceMap(0n)).edges).toEqual([
      { source: 'gateway', target: 'legacy:8082', calls: 1, errors: 0 },
    ]);
  });

  it('counts traces per group with first/last seen, versions, endpoints, samples and minutes', async () => {
    const t0 = BigInt(Date.now()) * 1_000_000n;
    const traces = [makeFailingChain(), makeFailingChain(), makeFailingChain()];
    await store.write(traces.flat(), []);
    const starts = new Map(traces.map((t, i) => [t[0]!.traceId, t0 + BigInt(i) * 1_000_000_000n]));
    await diagnoseAllPending((id) =>
      record({ startTimeUnixNano: starts.get(id)!, version: starts.get(id) === t0 ? '1.4.1' : '1.4.2' }),
    );
    const [group] = await store.failureGroups(0n, 10, 0);
    expect(group).toMatchObject({
      fingerprint: 'pool',
      count: 3,
      firstSeenUnixNano: t0,
      lastSeenUnixNano: t0 + 2_000_000_000n,
      firstVersion: '1.4.1',
      entryEndpoints: ['GET /api/orders/:id'],
      originEndpoints: ['GET /orders/:id'],
      latestTraceId: traces[2]![0]!.traceId,
    });
    expect(group!.versions.sort()).toEqual(['1.4.1', '1.4.2']);
    expect(group!.sampleTraceIds).toHaveLength(3);
    expect(group!.perMinute.reduce((sum, m) => sum + m.count, 0)).toBe(3);
    const page = await store.searchTraces({ limit: 10, group: 'pool' });
    expect(page.traces.map((t) => t.cause)).toEqual([
      'db_pool_exhausted',
      'db_pool_exhausted',
      'db_pool_exhausted',
    ]);
  });

  it('moves a trace to its new group when a late span changes the verdict, counting it once', async () => {
    const chain = makeFailingChain();
    await store.write(chain.slice(0, 3), []);
    await diagnoseAllPending(() => record({ fingerprint: 'explicit', cause: 'explicit_5xx' }));
    await new Promise((resolve) => setTimeout(resolve, 2));
    await store.write([chain[3]!], []);
    await diagnoseAllPending(() => record({}));
    const groups = await store.failureGroups(0n, 10, 0);
    expect(groups.map((g) => [g.fingerprint, g.count])).toEqual([['pool', 1]]);
    // The service map counts the trace once too, in its latest verdict.
    expect((await store.serviceMap(0n)).nodes).toContainEqual({
      id: 'orders',
      kind: 'service',
      originated: 1,
      passedThrough: 0,
    });
  });

  it("counts how many of a group's failures came with saturation, following late spans both ways", async () => {
    const [a, b, c] = [makeFailingChain(), makeFailingChain(), makeFailingChain()];
    await store.write([...a!, ...b!, ...c!.slice(0, 3)], []);
    const saturated = new Set([a![0]!.traceId]);
    await diagnoseAllPending((id) => record({ saturated: saturated.has(id) }));
    expect((await store.failureGroups(0n, 10, 0)).map((g) => [g.count, g.saturatedCount])).toEqual([[3, 1]]);
    // A late span of c brings its callee's picture: same group, now saturated.
    await new Promise((resolve) => setTimeout(resolve, 2));
    await store.write([c![3]!], []);
    await diagnoseAllPending(() => record({ saturated: true }));
    expect((await store.failureGroups(0n, 10, 0)).map((g) => [g.count, g.saturatedCount])).toEqual([[3, 2]]);
    // A late span of a moves it to another group: its saturation leaves the old group with it.
    await new Promise((resolve) => setTimeout(resolve, 2));
    await store.write([makeSpan({ traceId: a![0]!.traceId, parentSpanId: a![0]!.spanId })], []);
    await diagnoseAllPending(() => record({ fingerprint: 'callee', saturated: true }));
    const counts = (await store.failureGroups(0n, 10, 0)).map((g) => [
      g.fingerprint,
      g.count,
      g.saturatedCount,
    ]);
    expect(counts.sort()).toEqual([
      ['callee', 1, 1],
      ['pool', 2, 1],
    ]);
  });

  it('tells which newer version of the origin service started after the group was last seen', async () => {
    const t0 = BigInt(Date.now()) * 1_000_000n;
    await store.write(
      [makeSpan({ traceId: newTraceId(), startTimeUnixNano: t0, resource: resourceFor('orders', '1.4.2') })],
      [],
    );
    await store.write(
      [
        makeSpan({
          traceId: newTraceId(),
          startTimeUnixNano: t0 + 60_000_000_000n,
          resource: resourceFor('orders', '1.4.3'),
        }),
      ],
      [],
    );
    expect(await store.versionStartedAfter('orders', t0 + 1n, ['1.4.2'])).toEqual({
      version: '1.4.3',
      firstSeenUnixNano: t0 + 60_000_000_000n,
    });
    expect(await store.versionStartedAfter('orders', t0 + 61_000_000_000n, ['1.4.2'])).toBeNull();
    // The version a failure happened in never counts as its fix.
    expect(await store.versionStartedAfter('orders', t0 + 1n, ['1.4.2', '1.4.3'])).toBeNull();
  });

  it('maps services, the database and where failures originated vs passed through', async () => {
    const chain = makeFailingChain();
    // The gateway's client span is the parent of the orders server span: gateway -> orders.
    await store.write(chain, []);
    await diagnoseAllPending(() => record({}));
    const map = await store.serviceMap(0n);
    expect(map.edges).toContainEqual({ source: 'gateway', target: 'orders', calls: 1, errors: 1 });
    expect(map.edges).toContainEqual({ source: 'orders', target: 'postgresql', calls: 1, errors: 1 });
    expect(map.nodes).toContainEqual({ id: 'orders', kind: 'service', originated: 1, passedThrough: 0 });
    expect(map.nodes).toContainEqual({ id: 'gateway', kind: 'service', originated: 0, passedThrough: 1 });
    expect(map.nodes).toContainEqual({ id: 'postgresql', kind: 'database', originated: 0, passedThrough: 0 });
  });
});
