import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFailingChain, makeSpan, newTraceId } from '../../test/helpers/make-span.js';
import { type OpenedStore, sqliteBackend } from '../../test/helpers/store-backends.js';
import type { Store } from '../store/store.js';
import type { FinalizeItem } from '../store/types.js';
import { Finalizer } from './finalizer.js';

/** A clock that moves on by `stepMs` every time it is read: slices end by count of reads, not by load. */
function steppingClock(stepMs: number): () => number {
  let nowMs = 0;
  return () => {
    nowMs += stepMs;
    return nowMs;
  };
}

describe('Finalizer', () => {
  let opened: OpenedStore;
  let store: Store;
  const slices: number[] = [];

  beforeEach(async () => {
    opened = await sqliteBackend.open();
    store = opened.store;
    slices.length = 0;
    const finalizeTraces = store.finalizeTraces.bind(store);
    store.finalizeTraces = (items: readonly FinalizeItem[]) => {
      slices.push(items.length);
      return finalizeTraces(items);
    };
  });
  afterEach(() => opened.dispose());

  const quietNow = () => Date.now() + 60_000;

  async function writeTraces(healthy: number, failing: number): Promise<void> {
    const spans = [
      ...Array.from({ length: healthy }, () => makeSpan({ traceId: newTraceId() })),
      ...Array.from({ length: failing }, () => makeFailingChain()).flat(),
    ];
    await store.write(spans, []);
  }

  it('finalizes every pending trace in slices cut by the clock, and counts the failing ones', async () => {
    await writeTraces(40, 10);
    // Each read of the clock is 1 ms, and a slice may take 6: a handful of traces per slice.
    const finalizer = new Finalizer({
      store,
      batchSize: 1000,
      sliceMs: 6,
      maxPerSlice: 64,
      now: steppingClock(1),
    });
    expect(await finalizer.finalizePending(quietNow(), Number.POSITIVE_INFINITY)).toBe(50);
    expect(await store.pendingTraces(quietNow(), 1000)).toEqual([]);
    expect(slices.length).toBeGreaterThan(5);
    expect(Math.max(...slices)).toBeLessThan(10);
    expect(slices.reduce((sum, n) => sum + n, 0)).toBe(50);
    const [group] = await store.failureGroups(0n, 10, 0);
    expect(group?.count).toBe(10);
  });

  it('lets queries run between slices', async () => {
    await writeTraces(30, 0);
    const seenBetweenSlices: number[] = [];
    let querying = true;
    const query = async (): Promise<void> => {
      while (querying) {
        await store.searchTraces({ limit: 5, errorsOnly: false });
        seenBetweenSlices.push(slices.length);
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const queries = query();
    const finalizer = new Finalizer({
      store,
      batchSize: 1000,
      sliceMs: 4,
      maxPerSlice: 64,
      now: steppingClock(1),
    });
    await finalizer.finalizePending(quietNow(), Number.POSITIVE_INFINITY);
    querying = false;
    await queries;
    // Queries answered after the first slice and before the last: the finalizer did not hold the
    // event loop for the whole batch.
    expect(seenBetweenSlices.some((done) => done > 0 && done < slices.length)).toBe(true);
  });

  it('stops at its budget and leaves the rest pending for the next call', async () => {
    await writeTraces(30, 0);
    const finalizer = new Finalizer({
      store,
      batchSize: 1000,
      sliceMs: 4,
      maxPerSlice: 64,
      now: steppingClock(1),
    });
    const first = await finalizer.finalizePending(quietNow(), 10);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(30);
    expect(await store.pendingTraces(quietNow(), 1000)).toHaveLength(30 - first);
    let total = first;
    while (total < 30) total += await finalizer.finalizePending(quietNow(), 10);
    expect(await store.pendingTraces(quietNow(), 1000)).toEqual([]);
  });

  it('never takes more than maxPerSlice traces into one transaction', async () => {
    await writeTraces(20, 0);
    const finalizer = new Finalizer({
      store,
      batchSize: 1000,
      sliceMs: Number.POSITIVE_INFINITY,
      maxPerSlice: 8,
    });
    await finalizer.finalizePending(quietNow(), Number.POSITIVE_INFINITY);
    expect(slices).toEqual([8, 8, 4]);
  });
});
