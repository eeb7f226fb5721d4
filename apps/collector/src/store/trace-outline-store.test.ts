import { diagnoseTrace, spanOutline } from '@faultline/diagnosis';
import type { Span } from '@faultline/model';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeFailingChain, makeLog, makeSpan, newSpanId, newTraceId } from '../../test/helpers/make-span.js';
import { type OpenedStore, STORE_BACKENDS, sqliteBackend } from '../../test/helpers/store-backends.js';
import type { Store } from './store.js';
import type { Diagnose } from './types.js';

const byId = <T extends { spanId: string }>(items: readonly T[]) =>
  [...items].sort((a, b) => (a.spanId < b.spanId ? -1 : 1));

/** The failing chain plus a client span that failed by its 5xx alone (status UNSET, no exception). */
function failingTrace(): Span[] {
  const chain = makeFailingChain();
  const fiveHundred = makeSpan({
    traceId: chain[0]!.traceId,
    service: 'gateway',
    parentSpanId: chain[0]!.spanId,
    name: 'GET /inventory',
    kind: 'CLIENT',
    startTimeUnixNano: chain[0]!.startTimeUnixNano + 1_000n,
    endTimeUnixNano: chain[0]!.startTimeUnixNano + 900_000n,
    attributes: { 'http.response.status_code': 503 },
  });
  return [...chain, fiveHundred];
}

/** Finalizes every pending trace as the diagnosis loop does, verdict included. */
async function finalizeAll(store: Store): Promise<void> {
  for (const { traceId, stamp } of await store.pendingTraces(Date.now() + 60_000, 100)) {
    const trace = (await store.getTrace(traceId))!;
    const diagnosis = diagnoseTrace(trace.spans, trace.logs);
    await store.finalizeTraces([
      {
        traceId,
        stamp,
        record: null,
        verdict: diagnosis ? { diagnosis, logCount: trace.logs.length } : { diagnosis: null },
      },
    ]);
  }
}

describe.each(STORE_BACKENDS)('the trace page parts on the $name store', (backend) => {
  let opened: OpenedStore;
  let store: Store;

  beforeEach(async () => {
    opened = await backend.open();
    store = opened.store;
  });
  afterEach(() => opened.dispose());

  it('outlines every span as the engine would from the whole span, with the verdict and the log count', async () => {
    const spans = failingTrace();
    const logs = [makeLog(spans[3]!, 'query failed'), makeLog(spans[2]!, 'handler failed')];
    await store.write(spans, logs);
    const outline = await store.getTraceOutline(spans[0]!.traceId, diagnoseTrace);
    const whole = (await store.getTrace(spans[0]!.traceId))!;
    expect(byId(outline!.spans)).toEqual(byId(whole.spans.map(spanOutline)));
    expect(outline!.spans.filter((s) => s.failed)).toHaveLength(5);
    expect(outline!.spans.filter((s) => s.exception).map((s) => s.name)).toEqual(['pg.query:SELECT shop']);
    expect(outline!.logCount).toBe(2);
    expect(outline!.diagnosis).toEqual(diagnoseTrace(whole.spans, whole.logs));
    expect(outline!.origin).toEqual({ span: backend.asStored(spans[3]!), logs: [logs[0]] });
  });

  it('stamps a trace with its distinct spans and its logs, as a read of the trace counts them', async () => {
    const spans = failingTrace();
    const traceId = spans[0]!.traceId;
    expect(await store.traceStamp(traceId)).toBeNull();
    await store.write(spans, [makeLog(spans[3]!, 'query failed')]);
    // An exporter's retry sends spans again: nothing new is stored.
    await store.write(spans.slice(0, 2), []);
    const whole = (await store.getTrace(traceId))!;
    expect(await store.traceStamp(traceId)).toEqual({ spanCount: whole.spans.length, logCount: 1 });
    expect(whole.spans).toHaveLength(spans.length);
    await store.write([makeSpan({ traceId, parentSpanId: spans[0]!.spanId })], [makeLog(spans[0]!, 'x')]);
    expect(await store.traceStamp(traceId)).toEqual({ spanCount: spans.length + 1, logCount: 2 });
  });

  it('answers null for the outline, a span and the logs of a trace it never saw', async () => {
    expect(await store.getTraceOutline(newTraceId(), diagnoseTrace)).toBeNull();
    expect(await store.getSpan(newTraceId(), newSpanId())).toBeNull();
    expect(await store.getTraceLogs(newTraceId())).toBeNull();
  });

  it('hands out one span with its own logs only, and null for a span the trace does not have', async () => {
    const spans = failingTrace();
    const logs = [makeLog(spans[3]!, 'query failed'), makeLog(spans[2]!, 'handler failed')];
    await store.write(spans, logs);
    const found = await store.getSpan(spans[3]!.traceId, spans[3]!.spanId);
    expect(found!.span).toEqual(backend.asStored(spans[3]!));
    expect(found!.logs).toEqual([logs[0]]);
    expect(await store.getSpan(spans[3]!.traceId, newSpanId())).toBeNull();
    // In time order: the handler logged first.
    expect(await store.getTraceLogs(spans[0]!.traceId)).toEqual([logs[1], logs[0]]);
  });

  it('gives the current verdict after finalization, and a new one once a late log or span arrives', async () => {
    const spans = failingTrace();
    const traceId = spans[0]!.traceId;
    await store.write(spans, []);
    await finalizeAll(store);
    expect((await store.getTraceOutline(traceId, diagnoseTrace))!.diagnosis!.evidence.logs).toEqual([]);

    // A log does not change the trace's stamp, yet it is evidence.
    await store.write([], [makeLog(spans[3]!, 'statement timeout on orders')]);
    const withLog = await store.getTraceOutline(traceId, diagnoseTrace);
    expect(withLog!.diagnosis!.evidence.logs.map((l) => l.body)).toEqual(['statement timeout on orders']);

    await new Promise((resolve) => setTimeout(resolve, 5));
    const late = makeSpan({ traceId, parentSpanId: spans[2]!.spanId, name: 'late retry' });
    await store.write([late], []);
    const withSpan = await store.getTraceOutline(traceId, diagnoseTrace);
    expect(withSpan!.spans.map((s) => s.name)).toContain('late retry');
    const whole = (await store.getTrace(traceId))!;
    expect(withSpan!.diagnosis).toEqual(diagnoseTrace(whole.spans, whole.logs));
  });
});

describe('the SQLite store', () => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await sqliteBackend.open();
  });
  afterEach(() => opened.dispose());

  it('reads the verdict kept at finalization instead of diagnosing the whole trace again', async () => {
    const { store } = opened;
    const spans = failingTrace();
    await store.write(spans, [makeLog(spans[3]!, 'query failed')]);
    await finalizeAll(store);
    const diagnose = vi.fn<Diagnose>(diagnoseTrace);
    const outline = await store.getTraceOutline(spans[0]!.traceId, diagnose);
    expect(diagnose).not.toHaveBeenCalled();
    const whole = (await store.getTrace(spans[0]!.traceId))!;
    expect(outline!.diagnosis).toEqual(diagnoseTrace(whole.spans, whole.logs));

    await store.write([], [makeLog(spans[2]!, 'late log')]);
    await store.getTraceOutline(spans[0]!.traceId, diagnose);
    expect(diagnose).toHaveBeenCalledTimes(1);
  });

  it('keeps "did not fail" as a verdict too', async () => {
    const { store } = opened;
    const span = makeSpan({ traceId: newTraceId(), status: { code: 'OK' } });
    await store.write([span], []);
    await finalizeAll(store);
    const diagnose = vi.fn<Diagnose>(diagnoseTrace);
    expect((await store.getTraceOutline(span.traceId, diagnose))!.diagnosis).toBeNull();
    expect(diagnose).not.toHaveBeenCalled();
  });
});
