import { diagnoseTrace } from '@faultline/diagnosis';
import { fromWireOutline, type Span, toWireOutline, type WireTraceOutline } from '@faultline/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEEP_MIN_SPANS } from '../src/api/outline-cache.js';
import { makeFailingChain, makeLog, makeSpan, newSpanId } from './helpers/make-span.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector;

beforeAll(async () => {
  running = await startCollector({}, { diagnosisQuietMs: 50 });
});
afterAll(() => running.stop());

/** A failing chain whose entry span also made `queries` quick database calls: past the keep threshold. */
function bigFailingTrace(queries: number): Span[] {
  const chain = makeFailingChain();
  const entry = chain[0]!;
  const calls = Array.from({ length: queries }, (_, i) =>
    makeSpan({
      traceId: entry.traceId,
      service: 'gateway',
      parentSpanId: entry.spanId,
      name: 'pg.query:SELECT sessions',
      kind: 'CLIENT',
      startTimeUnixNano: entry.startTimeUnixNano + 1_000_000n + BigInt(i),
      endTimeUnixNano: entry.startTimeUnixNano + 1_500_000n + BigInt(i),
      attributes: { 'db.system': 'postgresql' },
    }),
  );
  return [...chain, ...calls];
}

async function outlineOf(traceId: string): Promise<WireTraceOutline<unknown>> {
  const response = await running.collector.api.inject({
    method: 'GET',
    url: `/api/traces/${traceId}/outline`,
  });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return response.json();
}

/** What the store reads for the trace now, as the route would send it without anything kept. */
async function readFromStore(traceId: string): Promise<WireTraceOutline<unknown>> {
  const outline = await running.collector.store.getTraceOutline(traceId, diagnoseTrace);
  return JSON.parse(JSON.stringify(toWireOutline({ traceId, ...outline! })));
}

/** The outline in domain types with spans in id order: spans starting together may come in either order. */
function comparable(wire: WireTraceOutline<unknown>) {
  const outline = fromWireOutline(wire);
  return { ...outline, spans: outline.spans.sort((a, b) => (a.spanId < b.spanId ? -1 : 1)) };
}

async function finalized(traceId: string): Promise<void> {
  await expect
    .poll(async () => (await running.collector.store.traceStamp(traceId)) && isJudged(traceId), {
      timeout: 10_000,
    })
    .toBe(true);
}

async function isJudged(traceId: string): Promise<boolean> {
  const page = await running.collector.store.searchTraces({ limit: 50, errorsOnly: true });
  return page.traces.some((t) => t.traceId === traceId && t.cause !== null);
}

describe('the outline of a big trace, kept once it is judged', () => {
  it('answers what the store reads, verdict and origin details included', async () => {
    const spans = bigFailingTrace(KEEP_MIN_SPANS + 20);
    const traceId = spans[0]!.traceId;
    await running.collector.store.write(spans, [makeLog(spans[3]!, 'query failed')]);
    await finalized(traceId);
    // Kept when the finalizer judged it: answering reads no span from the store.
    const { store } = running.collector;
    const read = store.getTraceOutline.bind(store);
    let reads = 0;
    store.getTraceOutline = (...args) => {
      reads++;
      return read(...args);
    };
    const answered = await outlineOf(traceId).finally(() => {
      store.getTraceOutline = read;
    });
    expect(reads).toBe(0);
    expect(answered.spanCount).toBe(spans.length);
    expect(answered.diagnosis).toMatchObject({ originSpanId: spans[3]!.spanId });
    expect(answered.origin?.logs).toHaveLength(1);
    expect(comparable(answered)).toEqual(comparable(await readFromStore(traceId)));
    // Asked again: the same answer.
    expect(await outlineOf(traceId)).toEqual(answered);
  });

  it('shows a span that arrived after the trace was judged, and a late log in the count', async () => {
    const spans = bigFailingTrace(KEEP_MIN_SPANS + 5);
    const traceId = spans[0]!.traceId;
    await running.collector.store.write(spans, []);
    await finalized(traceId);
    expect((await outlineOf(traceId)).spanCount).toBe(spans.length);

    const late = makeSpan({
      traceId,
      spanId: newSpanId(),
      parentSpanId: spans[0]!.spanId,
      name: 'late retry',
    });
    await running.collector.store.write([late], []);
    const afterSpan = await outlineOf(traceId);
    expect(afterSpan.spanCount).toBe(spans.length + 1);
    expect(afterSpan.spans.spanId).toContain(late.spanId);
    expect(afterSpan.names).toContain('late retry');
    expect(comparable(afterSpan)).toEqual(comparable(await readFromStore(traceId)));

    await running.collector.store.write([], [makeLog(spans[3]!, 'pool still exhausted')]);
    const afterLog = await outlineOf(traceId);
    expect(afterLog.logCount).toBe(1);
    expect(afterLog.origin?.logs).toHaveLength(1);
  });

  it('does not count a span sent twice as a change', async () => {
    const spans = bigFailingTrace(KEEP_MIN_SPANS);
    const traceId = spans[0]!.traceId;
    await running.collector.store.write(spans, []);
    await running.collector.store.write(spans.slice(0, 10), []);
    expect(await running.collector.store.traceStamp(traceId)).toEqual({
      spanCount: spans.length,
      logCount: 0,
    });
    await finalized(traceId);
    expect((await outlineOf(traceId)).spanCount).toBe(spans.length);
  });
});
