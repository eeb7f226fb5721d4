import type { IncomingMessage } from 'node:http';
import { ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import type { BareServerSpan, ServerSpanDeferral } from './deferred-server-span.js';
import { deferIfNotKept, nowMillis, spanFromDeferred, writeDeferred } from './deferred-server-span.js';
import { replayWrites } from './deferred-span-writes.js';
import { OpenServerSpans } from './open-server-spans.js';
import type { HttpServerTracingSetup } from './server-tracing-setup.js';
import { PresetIdGenerator } from './span-ids.js';

const request = {
  headers: { host: 'orders.local' },
  method: 'GET',
  httpVersion: '1.1',
  url: '/orders/7',
  socket: { remoteAddress: '127.0.0.1', remotePort: 40000 },
} as unknown as IncomingMessage;

function setup() {
  const ids = new PresetIdGenerator();
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    idGenerator: ids,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const deferral: ServerSpanDeferral = {
    ids,
    keepsAtCurrentShare: () => false,
    settleDeferredRoot: () => true,
    keepChosen: () => undefined,
  };
  const tracing: HttpServerTracingSetup = {
    tracer: provider.getTracer('test'),
    openServerSpans: new OpenServerSpans(),
    traceResponseHeader: false,
    deferral,
  };
  const bare = deferIfNotKept(request, 'http', ROOT_CONTEXT, deferral) as BareServerSpan;
  return { exporter, tracing, bare };
}

describe('writes on a deferred server span', () => {
  it('are kept in order, timed when made, and replayed on the span it becomes', () => {
    const { exporter, tracing, bare } = setup();
    const before = nowMillis();
    bare.setAttribute('tenant.id', 'acme');
    bare.setAttributes({ 'plan.name': 'gold', 'feature.flag': true });
    bare.addEvent('cache.miss', { 'cache.key': 'orders:7' });
    bare.addEvent('retry', before - 5);
    const error = new RangeError('over quota');
    bare.recordException(error);
    bare.setStatus({ code: SpanStatusCode.ERROR, message: 'kept for review' });
    bare.updateName('GET /orders/:id (app)');
    bare.addLink({ context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 } });
    const after = nowMillis();
    expect(bare.record.failing).toBe(true);
    expect(bare.isRecording()).toBe(false);

    const span = spanFromDeferred(
      tracing.tracer,
      tracing.deferral!.ids,
      'GET',
      bare.spanContext(),
      bare.record,
    );
    replayWrites(span, bare.record.writes!);
    bare.record.real = span;
    // Written after it became a span: straight to it.
    bare.setAttribute('late', 1);
    span.end(nowMillis());

    const [exported] = exporter.getFinishedSpans();
    expect(exported!.spanContext().spanId).toBe(bare.spanContext().spanId);
    expect(exported!.name).toBe('GET /orders/:id (app)');
    expect(exported!.attributes).toMatchObject({
      'tenant.id': 'acme',
      'plan.name': 'gold',
      'feature.flag': true,
      late: 1,
      'url.path': '/orders/7',
    });
    expect(exported!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'kept for review' });
    expect(exported!.links).toHaveLength(1);
    expect(exported!.events.map((event) => event.name)).toEqual(['cache.miss', 'retry', 'exception']);
    const [miss, retry, exception] = exported!.events;
    expect(miss!.attributes).toEqual({ 'cache.key': 'orders:7' });
    expect(exception!.attributes?.['exception.type']).toBe('RangeError');
    const millis = (time: [number, number]) => time[0] * 1000 + time[1] / 1e6;
    // Without a time: the time of the call, not of the replay; with one: that time.
    expect(millis(miss!.time)).toBeGreaterThanOrEqual(before - 0.01);
    expect(millis(miss!.time)).toBeLessThanOrEqual(after + 0.01);
    expect(millis(exception!.time)).toBeLessThanOrEqual(after + 0.01);
    expect(millis(retry!.time)).toBeCloseTo(before - 5, 1);
  });

  it('allocate nothing while nothing is written, and are dropped with a dropped trace', () => {
    const { bare } = setup();
    expect(bare.record.writes).toBeUndefined();
    bare.addEvent('cache.miss');
    expect(bare.record.failing).toBe(false);
    bare.setStatus({ code: SpanStatusCode.OK });
    expect(bare.record.failing).toBe(false);
    bare.record.dropped = true;
    writeDeferred(bare.record, { op: 'attribute', key: 'after', value: 1 });
    expect(bare.record.writes).toHaveLength(2);
  });
});
