import type { Span } from '@faultline/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSpan, newTraceId } from '../../../test/helpers/make-span.js';
import { type OpenedStore, sqliteBackend } from '../../../test/helpers/store-backends.js';
import { Finalizer } from '../../finalize/finalizer.js';
import type { Store } from '../store.js';

const MS = 1_000_000n;
const T0 = BigInt(Date.now() - 60_000) * MS;

/** A caller trace whose fetch got a 500 with no server child: its verdict stops at that call. */
function caller(startMs: number, method = 'GET'): Span[] {
  const traceId = newTraceId();
  const at = (ms: number) => T0 + BigInt(ms) * MS;
  const entry = makeSpan({
    traceId,
    service: 'gateway',
    name: 'GET /api/orders/:id',
    startTimeUnixNano: at(startMs),
    endTimeUnixNano: at(startMs + 100),
    status: { code: 'ERROR' },
    attributes: { 'http.request.method': 'GET', 'http.response.status_code': 500 },
  });
  const call = makeSpan({
    traceId,
    service: 'gateway',
    parentSpanId: entry.spanId,
    name: method,
    kind: 'CLIENT',
    startTimeUnixNano: at(startMs + 5),
    endTimeUnixNano: at(startMs + 95),
    attributes: {
      'http.request.method': method,
      'url.full': 'http://127.0.0.1:7070/orders/1',
      'server.address': '127.0.0.1',
      'server.port': 7070,
      'http.response.status_code': 500,
    },
  });
  return [entry, call];
}

describe('SqliteStore.stitchNeighbours', () => {
  let opened: OpenedStore;
  let store: Store;
  beforeEach(async () => {
    opened = await sqliteBackend.open();
    store = opened.store;
  });
  afterEach(() => opened.dispose());

  async function finalizeAll(): Promise<void> {
    const finalizer = new Finalizer({
      store,
      batchSize: 1000,
      sliceMs: Number.POSITIVE_INFINITY,
      maxPerSlice: 64,
    });
    await finalizer.finalizePending(Date.now() + 60_000, Number.POSITIVE_INFINITY);
  }

  const window = (method: string) => ({
    tracesFromNs: T0 - 10_000n * MS,
    overlapsFromNs: T0,
    overlapsToNs: T0 + 1_000n * MS,
    method,
  });

  it('reads the failed calls of the method asked, overlapping the window, with their cause', async () => {
    await store.write([...caller(0), ...caller(10), ...caller(20, 'POST'), ...caller(5_000)], []);
    await finalizeAll();
    const found = await store.stitchNeighbours(null, window('GET'), 10);
    expect(found.full).toBe(false);
    expect(found.roots).toEqual([]);
    expect(found.calls).toHaveLength(2);
    for (const { span, cause } of found.calls) {
      expect(span).toMatchObject({ kind: 'CLIENT', service: 'gateway', name: 'GET' });
      expect(cause).toBe('uninstrumented_upstream');
    }
  });

  it('says a list was cut at its limit', async () => {
    await store.write([...caller(0), ...caller(10), ...caller(20)], []);
    await finalizeAll();
    expect((await store.stitchNeighbours(null, window('GET'), 3)).full).toBe(false);
    const cut = await store.stitchNeighbours(null, window('GET'), 2);
    expect(cut.calls).toHaveLength(2);
    expect(cut.full).toBe(true);
  });

  it('binds the method as a value: SQL in it matches nothing and changes nothing', async () => {
    await store.write([...caller(0)], []);
    await finalizeAll();
    const hostile = await store.stitchNeighbours(
      { fromNs: T0 - 1_000n * MS, toNs: T0 + 1_000n * MS },
      window("GET' OR 1=1 --"),
      10,
    );
    expect(hostile).toEqual({ roots: [], calls: [], full: false });
    expect((await store.stitchNeighbours(null, window('GET'), 10)).calls).toHaveLength(1);
  });
});
