import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson } from './helpers/query-api.js';
import { sendOrdersRequest } from './helpers/send-failing-request.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';
import { STORE_BACKENDS } from './helpers/store-backends.js';

describe.each(STORE_BACKENDS)('compare with success on the $name store', (backend) => {
  let running: RunningCollector;
  beforeAll(async () => {
    running = await startCollector({}, { diagnosisQuietMs: 100 }, backend);
  });
  afterAll(async () => {
    await running.stop();
  });

  const api = (url: string) => getJson(running, url);

  it('diffs a failing trace against the nearest successful request of the same entry', async () => {
    await sendOrdersRequest(running.otlpHttpPort, '1.4.2', false);
    const nearest = await sendOrdersRequest(running.otlpHttpPort, '1.4.2', false);
    const failing = await sendOrdersRequest(running.otlpHttpPort, '1.4.3', true);
    const { baselineTraceId, diff } = await api(`/api/traces/${failing.traceId}/compare`);
    expect(baselineTraceId).toBe(nearest.traceId);
    expect(diff.missingSpans).toEqual([
      expect.objectContaining({ service: 'orders', name: 'SELECT shop.orders', count: 1 }),
    ]);
    expect(diff.attributeChanges).toContainEqual(
      expect.objectContaining({ key: 'http.response.status_code', failing: '500', baseline: '200' }),
    );
  });

  it('answers a null baseline when no request of that entry ever succeeded', async () => {
    const lonely = await startCollector({}, {}, backend);
    try {
      const { traceId } = await sendOrdersRequest(lonely.otlpHttpPort, '1.0.0', true);
      const response = await lonely.collector.api.inject({
        method: 'GET',
        url: `/api/traces/${traceId}/compare`,
      });
      expect(response.json()).toMatchObject({ baselineTraceId: null, diff: null });
    } finally {
      await lonely.stop();
    }
  });

  it("names the attribute values over-represented among a group's failures", async () => {
    for (let i = 0; i < 4; i++) await sendOrdersRequest(running.otlpHttpPort, '1.4.3', true);
    for (let i = 0; i < 4; i++)
      await sendOrdersRequest(running.otlpHttpPort, i % 2 ? '1.4.3' : '1.4.2', false);
    const deadline = Date.now() + 10_000;
    let group: { fingerprint: string; count: number } | undefined;
    while (!group && Date.now() < deadline) {
      group = (await api('/api/failures')).groups.find((g: { count: number }) => g.count >= 5);
      if (!group) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const result = await api(`/api/failures/${group!.fingerprint}/compare`);
    expect(result).toMatchObject({ service: 'orders', operation: 'GET /orders/:id', failingCount: 5 });
    expect(result.succeedingCount).toBeGreaterThanOrEqual(6);
    expect(result.overRepresented[0]).toMatchObject({
      key: 'service.version',
      value: '1.4.3',
      failingShare: 1,
    });
  });

  it('answers 404 for an unknown group', async () => {
    const response = await running.collector.api.inject({ method: 'GET', url: '/api/failures/nope/compare' });
    expect(response.statusCode).toBe(404);
  });
});
