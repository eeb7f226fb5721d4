import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson } from './helpers/query-api.js';
import { sendOrdersRequest } from './helpers/send-failing-request.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';
import { STORE_BACKENDS } from './helpers/store-backends.js';

const MIB = 1024 * 1024;
const HEAP_NEAR_LIMIT = {
  'faultline.process.window_ms': 5000,
  'faultline.process.eventloop.delay_max_ms': 30,
  'faultline.process.cpu.utilization': 0.2,
  'faultline.process.heap.used_bytes': 60 * MIB,
  'faultline.process.heap.limit_bytes': 64 * MIB,
};
const HEALTHY = { ...HEAP_NEAR_LIMIT, 'faultline.process.heap.used_bytes': 20 * MIB };

describe.each(STORE_BACKENDS)('saturation in failure groups on the $name store', (backend) => {
  let running: RunningCollector;
  beforeAll(async () => {
    running = await startCollector({}, { diagnosisQuietMs: 100 }, backend);
  });
  afterAll(async () => {
    await running.stop();
  });

  const api = (url: string) => getJson(running, url);

  it('a group counts which of its failures came with saturation; the trace carries the evidence', async () => {
    const saturated = await sendOrdersRequest(running.otlpHttpPort, '2.0.0', true, HEAP_NEAR_LIMIT);
    const healthy = await sendOrdersRequest(running.otlpHttpPort, '2.0.0', true, HEALTHY);

    const group = await eventually(async () => {
      const { groups } = await api('/api/failures');
      return groups.find((g: { count: number }) => g.count === 2);
    });
    expect(group).toMatchObject({ originService: 'orders', cause: 'exception', count: 2, saturatedCount: 1 });

    const { diagnosis } = await api(`/api/traces/${saturated.traceId}`);
    expect(diagnosis.cause).toBe('exception');
    expect(diagnosis.summary).toMatch(
      /When it failed, orders's heap was at 94% of its limit \(60 of 64 MiB\)\.$/,
    );
    expect(diagnosis.evidence.saturation).toMatchObject({
      role: 'own',
      service: 'orders',
      saturated: ['heap_near_limit'],
    });
    const plain = (await api(`/api/traces/${healthy.traceId}`)).diagnosis;
    expect(plain.evidence.saturation).toBeUndefined();
    expect(plain.processes).toEqual([expect.objectContaining({ service: 'orders', saturated: [] })]);
  });
});
