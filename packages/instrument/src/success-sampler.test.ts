import { randomBytes } from 'node:crypto';
import type { Context } from '@opentelemetry/api';
import { ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BasicTracerProvider, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { FailureFirstSpanProcessor, isFailingSpan } from './failure-first-span-processor.js';
import { ADJUSTED_COUNT_ATTRIBUTE, keepsSuccess, SuccessSampler } from './success-sampler.js';

/** A sampler fed by a real tracer, with a clock the test moves. */
function setup(tracesPerSecond = 100, maxPendingSpans = 1000) {
  const kept: ReadableSpan[] = [];
  let clock = 0;
  const sampler = new SuccessSampler(
    { tracesPerSecond, maxPendingSpans, now: () => clock },
    isFailingSpan,
    (span) => kept.push(span),
  );
  const processor: SpanProcessor = {
    onStart: () => {},
    onEnd: (span) => sampler.admit(span),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('test');
  /** One request as a service sees it: a server span whose parent is in the caller, with children. */
  const request = (
    traceId: string,
    options: { status?: number; failingChild?: boolean; children?: number } = {},
  ) => {
    const remote = trace.setSpanContext(ROOT_CONTEXT, {
      traceId,
      spanId: randomBytes(8).toString('hex'),
      traceFlags: 1,
      isRemote: true,
    });
    const root = tracer.startSpan('GET /orders', {}, remote);
    const inRoot = trace.setSpan(remote, root);
    for (let i = 0; i < (options.children ?? 2); i++) {
      const child = tracer.startSpan(`query ${i}`, {}, inRoot);
      if (options.failingChild && i === 0)
        child.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
      child.end();
    }
    root.setAttribute('http.response.status_code', options.status ?? 200);
    return { root, inRoot };
  };
  return {
    sampler,
    kept,
    tracer,
    request,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

const newTraceId = () => randomBytes(16).toString('hex');
/** The context of a deferred server span of `traceId`: a local span context with no span behind it. */
function underBareRoot(traceId: string): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId: randomBytes(8).toString('hex'),
    traceFlags: 1,
    isRemote: false,
  });
}

/** A trace id a sampler at `level` does not keep when its trace succeeds. */
function idDroppedAt(level: number): string {
  for (;;) {
    const id = newTraceId();
    if (!keepsSuccess(id, level)) return id;
  }
}
const keptTraceIds = (spans: ReadableSpan[]) => new Set(spans.map((s) => s.spanContext().traceId));

/**
 * Ends two spans in a trace whose root has ended, a successful one, then a failing one, and returns
 * the names of the spans the sampler kept from then on.
 */
function keptOfLateSpans(s: ReturnType<typeof setup>, inRoot: Context): string[] {
  s.kept.length = 0;
  s.tracer.startSpan('late cache write', {}, inRoot).end();
  const late = s.tracer.startSpan('late audit call', {}, inRoot);
  late.setStatus({ code: SpanStatusCode.ERROR, message: 'ECONNREFUSED' });
  late.end();
  return s.kept.map((span) => span.name);
}

/** Runs one second of `count` successful requests so the sampler measures that rate. */
function busySecond(s: ReturnType<typeof setup>, count: number): void {
  for (let i = 0; i < count; i++) {
    s.request(newTraceId()).root.end();
    s.advance(1000 / count);
  }
}

describe('SuccessSampler', () => {
  it('holds the spans of a request until its root ends, then exports them all while traffic is low', () => {
    const s = setup();
    const traceId = newTraceId();
    const { root } = s.request(traceId);
    expect(s.kept).toEqual([]);
    root.end();
    expect(s.kept.map((span) => span.name)).toEqual(['query 0', 'query 1', 'GET /orders']);
    expect(s.kept[0]?.attributes[ADJUSTED_COUNT_ATTRIBUTE]).toBeUndefined();
  });

  it('under load keeps the successful traces the trace id selects, each standing for 2^k requests', () => {
    const s = setup(100);
    busySecond(s, 1000); // 10 x the budget: the next window keeps 1 in 16 (2^4)
    s.kept.length = 0;
    const [tracesBefore, spansBefore] = [s.sampler.sampledOutTraces, s.sampler.sampledOutSpans];
    const ids = Array.from({ length: 1000 }, newTraceId);
    for (const id of ids) s.request(id).root.end();
    const expected = ids.filter((id) => keepsSuccess(id, 4));
    expect(keptTraceIds(s.kept)).toEqual(new Set(expected));
    expect(expected.length).toBeGreaterThan(20);
    expect(expected.length).toBeLessThan(130);
    expect(s.kept.every((span) => span.attributes[ADJUSTED_COUNT_ATTRIBUTE] === 16)).toBe(true);
    expect(s.sampler.sampledOutTraces - tracesBefore).toBe(1000 - expected.length);
    expect(s.sampler.sampledOutSpans - spansBefore).toBe(3 * (1000 - expected.length));
  });

  it('reacts to a burst at once: 2,000 requests in one instant keep only a few dozen', () => {
    const s = setup(10);
    const ids = Array.from({ length: 2000 }, newTraceId);
    for (const id of ids) s.request(id).root.end();
    const kept = keptTraceIds(s.kept).size;
    expect(kept).toBeGreaterThanOrEqual(10);
    expect(kept).toBeLessThan(100);
    expect(s.sampler.keptShare).toBeLessThanOrEqual(1 / 128);
  });

  it('keeps every failing trace whole under load, failing spans first', () => {
    const s = setup(10);
    busySecond(s, 5000);
    s.kept.length = 0;
    const failedChild = newTraceId();
    const answered500 = newTraceId();
    s.request(failedChild, { failingChild: true }).root.end();
    s.request(answered500, { status: 503 }).root.end();
    const ofTrace = (id: string) => s.kept.filter((span) => span.spanContext().traceId === id);
    expect(ofTrace(failedChild).map((span) => span.name)).toEqual(['query 0', 'query 1', 'GET /orders']);
    expect(ofTrace(answered500).map((span) => span.name)).toEqual(['GET /orders', 'query 0', 'query 1']);
    expect(ofTrace(answered500)[0]?.attributes[ADJUSTED_COUNT_ATTRIBUTE]).toBeUndefined();
  });

  it('applies the decision to spans that end after their root, and keeps a late failure', () => {
    const s = setup(10);
    busySecond(s, 5000);
    const dropped = idDroppedAt(9);
    const { root, inRoot } = s.request(dropped);
    root.end();
    expect(keptOfLateSpans(s, inRoot)).toEqual(['late audit call']);
    s.tracer.startSpan('after the failure', {}, inRoot).end();
    expect(s.kept.map((span) => span.name)).toEqual(['late audit call', 'after the failure']);
  });

  it('decides a request whose server span is its only span the same way, without holding it', () => {
    const s = setup(100);
    busySecond(s, 1000);
    s.kept.length = 0;
    const ids = Array.from({ length: 1000 }, newTraceId);
    for (const id of ids) s.request(id, { children: 0 }).root.end();
    const expected = ids.filter((id) => keepsSuccess(id, 4));
    expect(keptTraceIds(s.kept)).toEqual(new Set(expected));
    expect(s.kept.every((span) => span.attributes[ADJUSTED_COUNT_ATTRIBUTE] === 16)).toBe(true);
    const failing = newTraceId();
    s.request(failing, { children: 0, status: 500 }).root.end();
    expect(s.kept.at(-1)?.spanContext().traceId).toBe(failing);
    expect(s.kept.at(-1)?.attributes[ADJUSTED_COUNT_ATTRIBUTE]).toBeUndefined();
  });

  it('remembers at least the last 2,048 decisions for spans that end late', () => {
    const s = setup(10);
    busySecond(s, 5000);
    const dropped = idDroppedAt(9);
    const { root, inRoot } = s.request(dropped, { children: 0 });
    root.end();
    for (let i = 0; i < 2048; i++) s.request(newTraceId(), { children: 0 }).root.end();
    expect(keptOfLateSpans(s, inRoot)).toEqual(['late audit call']);
  });

  it('settles a deferred root: drops an unchosen success with its held spans, keeps failures', () => {
    const s = setup(10);
    busySecond(s, 5000);
    s.kept.length = 0;
    const [tracesBefore, spansBefore] = [s.sampler.sampledOutTraces, s.sampler.sampledOutSpans];
    const dropped = idDroppedAt(9);
    // The request's children end while its server span is still only a context.
    const inDropped = underBareRoot(dropped);
    s.tracer.startSpan('query', {}, inDropped).end();
    // Three more statements were held by the caller as data (HeldLeafSpan): counted with the rest.
    expect(s.sampler.settleDeferredRoot(dropped, false, 3, true)).toBe(false);
    expect(s.kept).toEqual([]);
    expect(s.sampler.sampledOutTraces - tracesBefore).toBe(1);
    expect(s.sampler.sampledOutSpans - spansBefore).toBe(5);
    // A late span of it follows the decision.
    s.tracer.startSpan('late', {}, inDropped).end();
    expect(s.kept).toEqual([]);

    expect(s.sampler.settleDeferredRoot(idDroppedAt(9), true, 0, false)).toBe(true);
    const failingChild = idDroppedAt(9);
    const child = s.tracer.startSpan('query', {}, underBareRoot(failingChild));
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
    child.end();
    expect(s.sampler.settleDeferredRoot(failingChild, false, 0, true)).toBe(true);
  });

  it('remembers a dropped deferred root for late spans only when one can come', () => {
    const s = setup(10);
    busySecond(s, 5000);
    s.kept.length = 0;
    // A child started under it and still running when it settles: its end follows the decision.
    const withChild = idDroppedAt(9);
    const running = s.tracer.startSpan('audit call', {}, underBareRoot(withChild));
    expect(s.sampler.settleDeferredRoot(withChild, false, 0, true)).toBe(false);
    running.end();
    // No child when it settled, one started later (announced by rememberDropped): the same.
    const lateChild = idDroppedAt(9);
    expect(s.sampler.settleDeferredRoot(lateChild, false, 0, false)).toBe(false);
    s.sampler.rememberDropped(lateChild);
    s.tracer.startSpan('write-back', {}, underBareRoot(lateChild)).end();
    expect(s.kept).toEqual([]);
    // Unannounced, a span of a trace nobody decided for waits for its local root; a flush keeps it.
    const unannounced = idDroppedAt(9);
    expect(s.sampler.settleDeferredRoot(unannounced, false, 0, false)).toBe(false);
    s.tracer.startSpan('write-back', {}, underBareRoot(unannounced)).end();
    expect(s.kept).toEqual([]);
    s.sampler.releaseAll();
    expect(s.kept.map((span) => span.name)).toEqual(['write-back']);
  });

  it('keeps a server span chosen when it started though the share shrank before it ended', () => {
    const s = setup(100);
    busySecond(s, 1000);
    s.kept.length = 0;
    const chosen = idDroppedAt(4);
    s.sampler.keepChosen(chosen);
    const { root } = s.request(chosen, { children: 1 });
    root.end();
    // Only the span it was said of: the next root of another trace is decided by its id again.
    const other = idDroppedAt(4);
    s.request(other, { children: 0 }).root.end();
    expect(keptTraceIds(s.kept)).toEqual(new Set([chosen]));
    expect(s.kept.map((span) => span.name)).toEqual(['query 0', 'GET /orders']);
  });

  it('keeps a server span whose caller went away at any share, weighted as itself alone', () => {
    const s = setup(100);
    busySecond(s, 1000);
    s.kept.length = 0;
    for (const children of [0, 2]) {
      const abandoned = idDroppedAt(8);
      s.sampler.keepForCause(abandoned);
      s.request(abandoned, { children }).root.end();
      expect(keptTraceIds(s.kept)).toEqual(new Set([abandoned]));
      expect(s.kept.map((span) => span.attributes[ADJUSTED_COUNT_ATTRIBUTE])).toEqual(
        Array.from({ length: children + 1 }, () => undefined),
      );
      s.kept.length = 0;
    }
    // Said of one root only: the next one is decided by its id again.
    s.request(idDroppedAt(8), { children: 0 }).root.end();
    expect(s.kept).toEqual([]);
  });

  it('never holds more than its bound: the oldest undecided trace is kept', () => {
    const s = setup(100, 4);
    const first = newTraceId();
    const second = newTraceId();
    s.request(first, { children: 3 }); // root never ends (a long poll)
    expect(s.kept).toEqual([]);
    s.request(second, { children: 2 }); // pushes the held spans past 4
    expect(keptTraceIds(s.kept)).toEqual(new Set([first]));
  });

  it('releases undecided spans on flush and hands them over for a crash export', async () => {
    const exporter = new InMemorySpanExporter();
    const settings = {
      maxQueueSize: 100,
      maxExportBatchSize: 50,
      scheduledDelayMillis: 5,
      exportTimeoutMillis: 1000,
    };
    const processor = new FailureFirstSpanProcessor(exporter, settings, () => {}, { tracesPerSecond: 100 });
    const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('test');
    const root = tracer.startSpan('GET /crash');
    tracer.startSpan('work', {}, trace.setSpan(ROOT_CONTEXT, root)).end();
    expect(processor.takeUndelivered().map((span) => span.name)).toEqual(['work']);

    const other = tracer.startSpan('GET /slow');
    tracer.startSpan('step', {}, trace.setSpan(ROOT_CONTEXT, other)).end();
    await processor.forceFlush();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['step']);
  });
});

describe('keepsSuccess', () => {
  it('keeps about 2^-k of trace ids, and what level k keeps every lower level keeps too', () => {
    const ids = Array.from({ length: 20_000 }, newTraceId);
    for (let level = 1; level <= 6; level++) {
      const kept = ids.filter((id) => keepsSuccess(id, level));
      const share = kept.length / ids.length;
      expect(share).toBeGreaterThan(0.6 * 2 ** -level);
      expect(share).toBeLessThan(1.4 * 2 ** -level);
      expect(kept.every((id) => keepsSuccess(id, level - 1))).toBe(true);
    }
    expect(ids.every((id) => keepsSuccess(id, 0))).toBe(true);
  });

  it('reads the 32 bits after the first 72 of the id: kept at level k when their top k bits are ones', () => {
    const withBits = (hex: string) => `${'0'.repeat(18)}${hex}${'0'.repeat(6)}`;
    expect(keepsSuccess(withBits('80000000'), 1)).toBe(true);
    expect(keepsSuccess(withBits('7fffffff'), 1)).toBe(false);
    expect(keepsSuccess(withBits('c0000000'), 2)).toBe(true);
    expect(keepsSuccess(withBits('bfffffff'), 2)).toBe(false);
    expect(keepsSuccess(withBits('ffffffff'), 32)).toBe(true);
    expect(keepsSuccess(withBits('fffffffe'), 32)).toBe(false);
    expect(keepsSuccess(withBits('FFFFFFFF'), 32)).toBe(true);
    // Digits outside these 32 bits do not count.
    expect(keepsSuccess(`${'f'.repeat(18)}7fffffff${'f'.repeat(6)}`, 1)).toBe(false);
    // Not a trace id (a foreign propagator's, say): kept, as when in doubt.
    expect(keepsSuccess(withBits('7fffffzz'), 1)).toBe(true);
    expect(keepsSuccess('7fff', 1)).toBe(true);
  });
});
