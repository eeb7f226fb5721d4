import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson } from './helpers/query-api.js';
import { sendFailingOrdersRequest } from './helpers/send-failing-request.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';
import { STORE_BACKENDS } from './helpers/store-backends.js';

describe.each(STORE_BACKENDS)('failures across services on the $name store', (backend) => {
  let running: RunningCollector;
  beforeAll(async () => {
    running = await startCollector({}, { diagnosisQuietMs: 100 }, backend);
  });
  afterAll(async () => {
    await running.stop();
  });

  const sendFailingRequest = (version: string) => sendFailingOrdersRequest(running.otlpHttpPort, version);

  const api = (url: string) => getJson(running, url);

  it('diagnoses the trace, groups repeats of the same failure, and maps where it originated', async () => {
    const first = await sendFailingRequest('1.4.2');
    const second = await sendFailingRequest('1.4.2');

    const { diagnosis } = await api(`/api/traces/${first.traceId}`);
    expect(diagnosis).toMatchObject({
      originSpanId: first.originSpanId,
      originService: 'orders',
      cause: 'exception',
    });
    expect(diagnosis.path).toHaveLength(3);

    const group = await eventually(async () => {
      const { groups } = await api('/api/failures');
      return groups.find((g: { count: number }) => g.count === 2);
    });
    expect(group).toMatchObject({
      originService: 'orders',
      cause: 'exception',
      causeLabel: expect.any(String),
      exceptionType: 'TypeError',
      firstVersion: '1.4.2',
      entryEndpoints: ['GET /api/orders/:id'],
      latestTraceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      notSeenSince: null,
    });
    expect(group.perMinute.reduce((sum: number, m: { count: number }) => sum + m.count, 0)).toBe(2);

    const { traces } = await api(`/api/traces?group=${group.fingerprint}`);
    expect(traces.map((t: { traceId: string }) => t.traceId).sort()).toEqual(
      [first.traceId, second.traceId].sort(),
    );
    expect(traces[0]).toMatchObject({ cause: 'exception', originService: 'orders' });

    const map = await api('/api/service-map');
    expect(map.edges).toContainEqual({ source: 'gateway', target: 'orders', calls: 2, errors: 2 });
    expect(map.nodes).toContainEqual({ id: 'orders', kind: 'service', originated: 2, passedThrough: 0 });
    expect(map.nodes).toContainEqual({ id: 'gateway', kind: 'service', originated: 0, passedThrough: 2 });
  });

  it('says a group has not been seen since a newer version of its origin service started', async () => {
    await sendFailingRequest('2.0.0');
    // A healthy request from the fixed version, one minute later in span time.
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'orders', 'service.version': '2.0.1' }),
      spanProcessors: [
        new SimpleSpanProcessor(
          new OTLPTraceExporter({ url: `http://127.0.0.1:${running.otlpHttpPort}/v1/traces` }),
        ),
      ],
    });
    const later = Date.now() + 60_000;
    provider
      .getTracer('http')
      .startSpan('GET /orders/:id', { kind: SpanKind.SERVER, startTime: later })
      .end(later + 5);
    await provider.shutdown();
    const group = await eventually(async () => {
      const { groups } = await api('/api/failures');
      // Wait until the 2.0.0 failure is counted in the group (three failures in all).
      return groups.find((g: { count: number }) => g.count === 3);
    });
    expect(group.versions).toEqual(['1.4.2', '2.0.0']);
    expect(group.notSeenSince.version).toBe('2.0.1');
  });

  it('drafts an incident report for a failing trace, and refuses one for a trace that did not fail', async () => {
    const { traceId } = await sendFailingRequest('3.1.0');
    const response = await running.collector.api.inject({
      method: 'GET',
      url: `/api/traces/${traceId}/report`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/markdown');
    const report = response.body;
    expect(report).toMatch(/^# Incident: 500 on `GET \/api\/orders\/:id` — `orders` › `GET \/orders\/:id`/);
    for (const heading of [
      'Symptoms',
      'Origin and cause',
      'Evidence',
      'Failing path',
      'Suggested fix',
      'Rollback',
      'Prevention',
      'Reproduce',
    ]) {
      expect(report).toContain(`## ${heading}`);
    }
    expect(report).toContain('priceOrder');
    expect(report).toContain('| origin |');

    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'orders' }),
      spanProcessors: [
        new SimpleSpanProcessor(
          new OTLPTraceExporter({ url: `http://127.0.0.1:${running.otlpHttpPort}/v1/traces` }),
        ),
      ],
    });
    const ok = provider.getTracer('http').startSpan('GET /health', { kind: SpanKind.SERVER });
    ok.end();
    await provider.shutdown();
    const refused = await running.collector.api.inject({
      method: 'GET',
      url: `/api/traces/${ok.spanContext().traceId}/report`,
    });
    expect(refused.statusCode).toBe(409);
  });

  it('answers 404 for an unknown trace and 400 for a malformed id or parameter', async () => {
    const unknown = await running.collector.api.inject({
      method: 'GET',
      url: `/api/traces/${'a'.repeat(32)}`,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('FL_ERR_NOT_FOUND');
    const malformed = await running.collector.api.inject({ method: 'GET', url: '/api/traces/xyz' });
    expect(malformed.statusCode).toBe(400);
    const badLimit = await running.collector.api.inject({ method: 'GET', url: '/api/traces?limit=0' });
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json().message).toMatch(/limit/);
  });
});
